"""``processing/dora_settings``: the DORA settings of the environment written where the SQL models read them.

- ``processing.deployment_rules``: ``DEXXY_DEPLOYMENT_RULES`` (``github/deployment_rules``), globs turned into
  anchored regexes, so the deployments mart picks workflow runs and releases in SQL;
- ``processing.dora_settings``: ``DEXXY_INCIDENT_ISSUE_TYPES`` (default ``Incident``),
  ``DEXXY_INCIDENT_LABELS`` (default ``incident``; Jira and GitHub issue labels),
  ``DEXXY_CHANGE_FAILURE_WINDOW_HOURS`` (default 72) and ``DEXXY_BUG_LABELS`` (default ``bug``: which GitHub
  issues ``analytics.github_issues`` calls bugs).

Why tables rather than template variables: a BI reader sees the rules a number was computed with, and the
asset's code version is a digest of the settings, so changing one marks the marts downstream for a rebuild.
"""

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.github.deployment_rules import DeploymentRule, configured_rules, glob_regex
from dexxy_assets.table_lineage import publishes
from resources.bulk_load import copy_rows, lock_partitions
from resources.warehouse import WarehouseResource

DORA_SETTINGS_KEY = dg.AssetKey(["processing", "dora_settings"])
DEFAULT_INCIDENT_TYPES = ("Incident",)
DEFAULT_INCIDENT_LABELS = ("incident",)
DEFAULT_WINDOW_HOURS = 72.0
DEFAULT_BUG_LABELS = ("bug",)


class DoraSettingsError(ValueError):
    """A DORA setting of the environment cannot be read."""


@dataclass(frozen=True)
class DoraSettings:
    rules: tuple[DeploymentRule, ...]
    incident_issue_types: tuple[str, ...]
    incident_labels: tuple[str, ...]
    change_failure_window_hours: float
    bug_labels: tuple[str, ...] = DEFAULT_BUG_LABELS

    @property
    def version(self) -> str:
        payload = json.dumps(asdict(self), sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _names(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    if value is None or not value.strip():
        return default
    return tuple(dict.fromkeys(name.strip().lower() for name in value.split(",") if name.strip()))


def configured_settings(environ: Mapping[str, str] | None = None) -> DoraSettings:
    env = dict(os.environ if environ is None else environ)
    raw_window = env.get("DEXXY_CHANGE_FAILURE_WINDOW_HOURS", "").strip()
    try:
        window = float(raw_window) if raw_window else DEFAULT_WINDOW_HOURS
    except ValueError as error:
        raise DoraSettingsError(
            f"DEXXY_CHANGE_FAILURE_WINDOW_HOURS is not a number: {raw_window!r}"
        ) from error
    if window <= 0:
        raise DoraSettingsError("DEXXY_CHANGE_FAILURE_WINDOW_HOURS must be positive")
    return DoraSettings(
        rules=tuple(configured_rules(env)),
        incident_issue_types=_names(
            env.get("DEXXY_INCIDENT_ISSUE_TYPES"), tuple(t.lower() for t in DEFAULT_INCIDENT_TYPES)
        ),
        incident_labels=_names(env.get("DEXXY_INCIDENT_LABELS"), DEFAULT_INCIDENT_LABELS),
        change_failure_window_hours=window,
        bug_labels=_names(env.get("DEXXY_BUG_LABELS"), DEFAULT_BUG_LABELS),
    )


def write_settings(conn: Connection, settings: DoraSettings) -> None:
    """Replace both tables in the caller's transaction."""
    lock_partitions(conn, "processing.dora_settings", ["whole table"])
    conn.execute(text("DELETE FROM processing.deployment_rules"))
    conn.execute(text("DELETE FROM processing.dora_settings"))
    copy_rows(
        conn,
        "processing.deployment_rules",
        [
            "rule_index",
            "source",
            "repos",
            "pattern",
            "branch",
            "repo_regex",
            "pattern_regex",
            "branch_regex",
            "environment",
            "is_production",
            "include_prereleases",
        ],
        [
            {
                "rule_index": index,
                "source": rule.source,
                "repos": rule.repos,
                "pattern": rule.pattern,
                "branch": rule.branch,
                "repo_regex": glob_regex(rule.repos),
                "pattern_regex": glob_regex(rule.pattern),
                "branch_regex": glob_regex(rule.branch) if rule.branch else None,
                "environment": rule.environment,
                "is_production": rule.is_production,
                "include_prereleases": rule.prereleases,
            }
            for index, rule in enumerate(settings.rules)
        ],
    )
    conn.execute(
        text(
            "INSERT INTO processing.dora_settings (settings_key, incident_issue_types, incident_labels, "
            "change_failure_window_hours, settings_version, bug_labels) "
            "VALUES ('current', :types, :labels, :hours, :version, :bugs)"
        ),
        {
            "types": list(settings.incident_issue_types),
            "labels": list(settings.incident_labels),
            "hours": settings.change_failure_window_hours,
            "version": settings.version,
            "bugs": list(settings.bug_labels),
        },
    )


def build_dora_settings_asset() -> dg.AssetsDefinition:
    """Its code version is the settings' digest, read when the code location loads (a malformed setting
    loads as ``invalid`` and fails the asset's run with the reason, not the whole code location)."""
    try:
        settings_version = configured_settings().version
    except ValueError:
        settings_version = "invalid"

    @dg.asset(
        key=DORA_SETTINGS_KEY,
        description="The DORA settings of the environment (deployment rules, what is an incident, the "
        "change-failure window) as tables the deployments, incidents and DORA marts read.",
        metadata=publishes("processing.deployment_rules", "processing.dora_settings"),
        group_name="processing",
        owners=["team:data-platform"],
        kinds={"python", "postgres"},
        code_version=settings_version,
        automation_condition=dg.AutomationCondition.on_missing()
        | dg.AutomationCondition.code_version_changed(),
    )
    def dora_settings(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult:
        settings = configured_settings()
        with warehouse.begin() as conn:
            write_settings(conn, settings)
        return dg.MaterializeResult(
            metadata={
                "deployment_rules": len(settings.rules),
                "incident_issue_types": ", ".join(settings.incident_issue_types),
                "incident_labels": ", ".join(settings.incident_labels),
                "bug_labels": ", ".join(settings.bug_labels),
                "change_failure_window_hours": settings.change_failure_window_hours,
                "settings_version": settings.version,
            },
            data_version=dg.DataVersion(settings.version),
        )

    return dora_settings
