"""Shared by the reliability tests: whole runs of the real definitions against a sandbox (GitHub, Copilot and
Jira), retries that do not sleep the suite away, and a digest of every warehouse table without the columns a
run's wall clock writes."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any, ClassVar

import dagster as dg
import httpx
from sqlalchemy import text

from dexxy_assets.definitions import defs
from resources.github import GitHubResource
from resources.github_client import GitHubClient
from resources.groq_llm import GroqLLMResource
from resources.http.retry_policy import RetryPolicy
from resources.jira import JiraResource
from resources.sql_template import render_sql
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN

# The same retries as production (their count, the Retry-After they honour), with backoffs in milliseconds:
# a 10 % fault rate over a thousand requests would otherwise sleep a minute per run. Eight tries: a seeded
# fault stream may fail one request several times in a row.
FAST_RETRY = RetryPolicy(max_retries=8, backoff_base_seconds=0.002, backoff_cap_seconds=0.02)

# Written from a run's wall clock, not from the data: two runs over the same data differ only there.
VOLATILE_COLUMNS = {
    "fetched_at": "when the record was fetched (raw, and carried into staging for newest-wins)",
    "detected_at": "when processing.pr_ai_detection ran",
    "generated_at": "when an LLM insight was generated",
    "summarized_at": "when an LLM summary was written",
    "loaded_at": "when the teams file was read into staging",
}
# Computed from fetched_at: the current status period of a Jira issue "runs to the last fetch"
# (dbt_like_sql/marts/jira_issue_status_periods.sql), and the hours add the periods up.
DERIVED_FROM_FETCH = {
    "analytics.jira_issue_status_periods": {"hours"},
    "analytics.jira_issues": {"todo_hours", "in_progress_hours", "status_hours"},
}
LAYERS = ("raw", "staging", "processing", "analytics")
# PNG files under DEXXY_HOME, not warehouse tables, and the slowest step of a run (matplotlib)
NOT_IN_THE_WAREHOUSE = dg.AssetSelection.assets(dg.AssetKey(["analytics", "weekly_charts"]))
WAREHOUSE_ASSETS = dg.AssetSelection.all() - NOT_IN_THE_WAREHOUSE


class FastRetryGitHub(GitHubResource):
    """The product's GitHub resource with millisecond backoffs (see FAST_RETRY) and rate-limit waits a
    hundred times shorter than asked (a secondary limit's Retry-After is a second)."""

    transport: ClassVar[httpx.BaseTransport | None] = None  # a test's own transport under the client

    def retry_policy(self) -> RetryPolicy:
        return FAST_RETRY

    def client(self, *args: Any, **kwargs: Any) -> GitHubClient:  # the product's arguments, passed on
        kwargs |= {"sleep": lambda seconds: time.sleep(seconds / 100), "transport": self.transport}
        return super().client(*args, **kwargs)


class FastRetryJira(JiraResource):
    """The product's Jira resource with millisecond backoffs (see FAST_RETRY)."""

    def retry_policy(self) -> RetryPolicy:
        return FAST_RETRY


def sandbox_github(server, fetch_mode: str, token: str = SANDBOX_TOKEN) -> FastRetryGitHub:  # type: ignore[no-untyped-def]
    return FastRetryGitHub(
        api_url=server.github_api_url, token=token, orgs=[server.org.login], fetch_mode=fetch_mode
    )


def sandbox_jira(server) -> FastRetryJira:  # type: ignore[no-untyped-def]
    return FastRetryJira(
        base_url=server.jira_base_url,
        email=server.jira.site.api_user.email,
        api_token=server.jira.api_tokens[0],
        projects=list(server.jira.site.project_keys),
    )


def materialize_everything(
    warehouse: WarehouseResource,
    github: GitHubResource,
    jira: JiraResource,
    start: dt.date,
    end: dt.date,
    selection: str | dg.AssetSelection = WAREHOUSE_ASSETS,
    instance: dg.DagsterInstance | None = None,
) -> dg.ExecuteInProcessResult:
    """The real definitions' assets (no checks: they read, never write the warehouse) for a range; by default
    every asset that writes the warehouse."""
    definitions = defs()
    return dg.materialize(
        assets=list(definitions.assets),  # type: ignore[arg-type]
        selection=selection,
        resources={
            **(definitions.resources or {}),
            "warehouse": warehouse,
            "github": github,
            "jira": jira,
            "llm": GroqLLMResource(),  # unconfigured: summaries and insights report "skipped"
        },
        instance=instance or dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
        },
        raise_on_error=False,
    )


def step_failures(result: dg.ExecuteInProcessResult) -> list[str]:
    return [
        f"{event.step_key}: {event.step_failure_data.error.message if event.step_failure_data.error else ''}"
        for event in result.all_events
        if event.is_step_failure
    ]


def warehouse_digests(
    warehouse: WarehouseResource, schemas: tuple[str, ...] = LAYERS, *, exact: bool = False
) -> dict[str, tuple]:
    """Per table of ``schemas``: (row count, md5 over its rows' sorted md5s), without VOLATILE_COLUMNS and
    DERIVED_FROM_FETCH unless ``exact`` (the very rows a given run wrote, fetch times included)."""
    with warehouse.connect() as conn:
        columns: dict[str, list[str]] = {}
        for schema, table, column in conn.execute(
            text(
                "SELECT c.table_schema, c.table_name, c.column_name FROM information_schema.columns c "
                "JOIN information_schema.tables t USING (table_schema, table_name) "
                "WHERE c.table_schema = ANY(:schemas) AND t.table_type = 'BASE TABLE' "
                "ORDER BY c.table_schema, c.table_name, c.ordinal_position"
            ),
            {"schemas": list(schemas)},
        ):
            kept = columns.setdefault(f"{schema}.{table}", [])
            derived = DERIVED_FROM_FETCH.get(f"{schema}.{table}", set())
            if exact or (column not in VOLATILE_COLUMNS and column not in derived):
                kept.append(column)
        digests = {}
        for table, kept in columns.items():
            sql = render_sql(
                "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), '')) FROM "
                "(SELECT md5(ROW({{ cols | ident_list }})::text) AS h FROM {{ t | ident }}) AS rows",
                cols=kept,
                t=table,
            )
            digests[table] = tuple(conn.execute(text(sql)).one())
        return digests


def differing_tables(left: dict[str, tuple], right: dict[str, tuple]) -> dict[str, tuple]:
    return {
        t: (left.get(t), right.get(t))
        for t in sorted(left.keys() | right.keys())
        if left.get(t) != right.get(t)
    }


def wait_for(condition, timeout: float = 60.0, what: str = "condition"):  # type: ignore[no-untyped-def]
    """Poll ``condition`` until it returns something truthy; fail after ``timeout`` (a deadline, not a timing
    assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
