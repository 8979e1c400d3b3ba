"""DEXXY_DEPLOYMENT_RULES: what it accepts, what it refuses (loudly), and globs that mean the same in
Python (which repositories to fetch) and in PostgreSQL (which runs the deployments mart keeps)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dexxy_assets.github.deployment_rules import (
    RELEASE,
    WORKFLOW_RUN,
    DeploymentRulesError,
    configured_rules,
    glob_regex,
    parse_rules,
    rules_for,
)
from dexxy_assets.processing.dora_settings import DoraSettingsError, configured_settings
from resources.warehouse import WarehouseResource


def test_rules_from_yaml_inline_or_a_file(tmp_path: Path) -> None:
    text_rules = (
        "- repos: acme/web\n  workflow: Deploy*\n  branch: main\n- release: 'v*'\n  prereleases: true\n"
    )
    rules = parse_rules(text_rules)
    assert [(r.source, r.repos, r.pattern, r.branch, r.prereleases) for r in rules] == [
        (WORKFLOW_RUN, "acme/web", "Deploy*", "main", False),
        (RELEASE, "*", "v*", None, True),
    ]
    assert all(r.environment == "production" and r.is_production for r in rules)
    path = tmp_path / "rules.yaml"
    path.write_text(text_rules)
    assert configured_rules({"DEXXY_DEPLOYMENT_RULES": str(path)}) == rules
    assert configured_rules(
        {"DEXXY_DEPLOYMENT_RULES": '[{workflow: "Deploy*", repos: acme/web, branch: main}]'}
    ) == [rules[0]]
    assert configured_rules({}) == [] and configured_rules({"DEXXY_DEPLOYMENT_RULES": "  "}) == []
    assert [r.repos for r in rules_for(rules, "ACME/Web", WORKFLOW_RUN)] == ["acme/web"]
    assert rules_for(rules, "acme/api", WORKFLOW_RUN) == []


@pytest.mark.parametrize(
    "value, message",
    [
        ("- repos: acme/web", "exactly one of `workflow` or `release`"),
        ("- workflow: Deploy\n  release: v*", "exactly one of"),
        ("- workflow: Deploy\n  enviroment: prod", "unknown keys ['enviroment']"),
        ("- release: v*\n  branch: main", "workflow rules only"),
        ("- workflow: ''", "non-empty string"),
        ("- release: v*\n  prereleases: sometimes", "true or false"),
        ("workflow: Deploy", "must be a list"),
        ("- [unclosed", "not valid YAML"),
        ("/no/such/rules.yaml", "not a file"),
    ],
)
def test_malformed_rules_fail_with_the_reason(value: str, message: str) -> None:
    with pytest.raises(DeploymentRulesError, match="DEXXY_DEPLOYMENT_RULES") as raised:
        configured_rules({"DEXXY_DEPLOYMENT_RULES": value})
    assert message in str(raised.value)


def test_settings_defaults_and_errors() -> None:
    settings = configured_settings({})
    assert (
        settings.incident_issue_types,
        settings.incident_labels,
        settings.change_failure_window_hours,
    ) == (
        ("incident",),
        ("incident",),
        72.0,
    )
    custom = configured_settings(
        {"DEXXY_INCIDENT_ISSUE_TYPES": "Incident, Outage", "DEXXY_CHANGE_FAILURE_WINDOW_HOURS": "24"}
    )
    assert custom.incident_issue_types == ("incident", "outage") and custom.change_failure_window_hours == 24
    assert custom.version != settings.version
    with pytest.raises(DoraSettingsError, match="not a number"):
        configured_settings({"DEXXY_CHANGE_FAILURE_WINDOW_HOURS": "three days"})


CASES = [
    ("Deploy*", ["Deploy to production", "deploy", "DEPLOY-prod"], ["Pre-deploy checks", "CI"]),
    ("*deploy*.yml", [".github/workflows/deploy-prod.yml"], [".github/workflows/deploy.yaml"]),
    ("v?.*", ["v1.2.3", "V2.0"], ["v10.1", "release-v1.0"]),
    ("acme/web (legacy)+[x]", ["acme/web (legacy)+[x]"], ["acme/web legacy+x"]),
]


def test_globs_mean_the_same_in_python_and_postgres(warehouse: WarehouseResource) -> None:
    with warehouse.connect() as conn:
        for pattern, matching, other in CASES:
            rule = parse_rules(f"- repos: '{pattern}'\n  release: '*'")[0]
            for value in matching + other:
                in_sql = conn.execute(
                    text("SELECT :v ~* :r"), {"v": value, "r": glob_regex(pattern)}
                ).scalar_one()
                assert in_sql == rule.applies_to(value) == (value in matching), (pattern, value)
