"""Materializing the real Definitions against a sandbox and a fresh warehouse, for product tests."""

from __future__ import annotations

import datetime as dt

import dagster as dg
from sqlalchemy import text

from dexxy_assets.definitions import defs
from dexxy_assets.partitions import daily_partitions, resolve_start_date
from resources.github import GitHubResource
from resources.groq_llm import GroqLLMResource
from resources.warehouse import WarehouseResource

SANDBOX_TOKEN = "sandbox-token"


def github_resource(server, token: str = SANDBOX_TOKEN, fetch_mode: str = "rest") -> GitHubResource:  # type: ignore[no-untyped-def]
    return GitHubResource(
        api_url=server.github_api_url, token=token, orgs=[server.org.login], fetch_mode=fetch_mode
    )


def materialize_range(
    warehouse: WarehouseResource,
    github: GitHubResource,
    start: dt.date,
    end: dt.date,
    selection: str = "*",
    instance: dg.DagsterInstance | None = None,
    llm: GroqLLMResource | None = None,
) -> dg.ExecuteInProcessResult:
    """``llm`` unset: an unconfigured Groq resource (summaries are skipped, the rest runs)."""
    return materialize_selection(
        warehouse,
        github,
        selection,
        instance,
        llm,
        tags={
            "dagster/asset_partition_range_start": start.isoformat(),
            "dagster/asset_partition_range_end": end.isoformat(),
        },
    )


def materialize_selection(
    warehouse: WarehouseResource,
    github: GitHubResource,
    selection: str = "*",
    instance: dg.DagsterInstance | None = None,
    llm: GroqLLMResource | None = None,
    tags: dict[str, str] | None = None,
    resources: dict[str, object] | None = None,
) -> dg.ExecuteInProcessResult:
    """The real definitions' ``selection`` with the run's ``tags`` (a partition range, an automation tag);
    ``resources`` replace the definitions' own (e.g. a configured Slack bot)."""
    definitions = defs()
    return dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
        selection=selection,
        resources={
            **(definitions.resources or {}),  # e.g. an unconfigured Jira: its assets report "skipped"
            "warehouse": warehouse,
            "github": github,
            "llm": llm or GroqLLMResource(),
            **(resources or {}),
        },
        instance=instance or dg.DagsterInstance.ephemeral(),
        tags=tags or {},
        raise_on_error=False,
    )


# the pull-request staging tables and the keys that order them, for comparing two staged states
PULL_REQUEST_STAGING = {
    "staging.github_pull_requests": "pr_id",
    "staging.github_pr_reviews": "review_id",
    "staging.github_pr_commits": "pr_id,sha",
    "staging.github_pr_files": "pr_id,path",
    "staging.github_pr_check_runs": "check_run_id",
    "staging.github_pr_comments": "comment_kind,comment_id",
}


def staged_pull_requests(warehouse: WarehouseResource) -> dict[str, list[tuple]]:
    """Every row of every pull-request staging table, ordered."""
    return {table: table_rows(warehouse, table, order) for table, order in PULL_REQUEST_STAGING.items()}


def table_rows(warehouse: WarehouseResource, table: str, order_by: str) -> list[tuple]:
    """Every row of a table, ordered, for comparing two warehouse states."""
    from resources.sql_template import render_sql

    sql = render_sql(
        "SELECT * FROM {{ t | ident }} ORDER BY {{ o | ident_list }}", t=table, o=order_by.split(",")
    )
    with warehouse.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def materialize_unpartitioned(warehouse: WarehouseResource, selection: str) -> dg.ExecuteInProcessResult:
    """Build analytics tables from whatever staging holds (no GitHub access needed). Incremental marts are
    daily-partitioned: they run over every partition, which is a full build."""
    definitions = defs()
    partitions = daily_partitions(resolve_start_date())
    return dg.materialize(
        assets=list(definitions.assets),  # type: ignore[arg-type]
        selection=selection,
        resources={
            **(definitions.resources or {}),
            "warehouse": warehouse,
            "github": GitHubResource(),
            "llm": GroqLLMResource(),
        },
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": partitions.get_first_partition_key() or "",
            "dagster/asset_partition_range_end": partitions.get_last_partition_key() or "",
        },
    )
