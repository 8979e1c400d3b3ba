"""The Jira assets through Dagster against the sandbox over real HTTP: snapshots, a window of daily issues,
the marts; a re-run changes nothing; the removed search is never called; a parser change re-stages the
stale days from raw with zero Jira requests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from dexxy_assets.jira import issue_assets
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_sandbox.jira import JIRA_API_TOKEN
from dexxy_sandbox.server import SandboxServer
from resources.github import GitHubResource
from resources.groq_llm import GroqLLMResource
from resources.jira import JiraResource
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from tests.jira_sandbox_load import land_github_staging
from tests.sandbox_fixtures import running_sandbox

FIRST, LAST = dt.date(2026, 6, 21), dt.date(2026, 6, 30)
JIRA_SELECTION = "jira/issues jira/issue_changelog jira/comments jira/worklogs jira/issues_staged"
MARTS = (
    "analytics/jira_users analytics/jira_issue_status_periods analytics/jira_issues analytics/jira_sprints "
    "analytics/jira_sprint_metrics analytics/jira_worklogs analytics/pr_jira_links "
    "analytics/jira_linkage_weekly"
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


def jira_resource(server: SandboxServer, **overrides: Any) -> JiraResource:
    site = server.jira.site
    settings: dict[str, Any] = {
        "base_url": server.jira_base_url,
        "email": site.api_user.email,
        "api_token": JIRA_API_TOKEN,
        "projects": list(site.project_keys),
    }
    return JiraResource(**{**settings, **overrides})


def run(
    warehouse: WarehouseResource,
    jira: JiraResource,
    instance: dg.DagsterInstance,
    selection: str,
    tags: dict[str, str] | None = None,
) -> dg.ExecuteInProcessResult:
    definitions = defs()
    result = dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
        selection=[dg.AssetKey.from_user_string(k) for k in selection.split()],
        resources={
            **(definitions.resources or {}),  # every source's own (an unconfigured Slack bot skips)
            "warehouse": warehouse,
            "jira": jira,
            "github": GitHubResource(),
            "llm": GroqLLMResource(),
        },
        instance=instance,
        tags=tags or {},
        raise_on_error=False,
    )
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    return result


def window_tags(first: dt.date, last: dt.date) -> dict[str, str]:
    return {
        "dagster/asset_partition_range_start": first.isoformat(),
        "dagster/asset_partition_range_end": last.isoformat(),
    }


# analytics.jira_issues without its hours per status: the current status's hours run to the fetch
ISSUE_FIGURES = (
    "SELECT issue_id, issue_key, status, status_category, story_points, sprint_ids, created_at, resolved_at, "
    "cycle_time_hours, lead_time_hours FROM analytics.jira_issues"
)


def rows(warehouse: WarehouseResource, table: str) -> list[tuple]:
    """Every row without the columns that say when it was fetched; or the rows of a query."""
    if table.startswith("SELECT"):
        with warehouse.connect() as conn:
            return sorted(tuple(map(str, r)) for r in conn.execute(text(table)))
    schema, name = table.split(".")
    with warehouse.connect() as conn:
        columns = [
            c
            for (c,) in conn.execute(
                text(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = :s "
                    "AND table_name = :t AND column_name NOT IN ('fetched_at', 'partition_row') "
                    "ORDER BY ordinal_position"
                ),
                {"s": schema, "t": name},
            )
        ]
        select = ", ".join(f'"{c}"' for c in columns)
        return sorted(tuple(map(str, r)) for r in conn.execute(text(f"SELECT {select} FROM {table}")))  # noqa: S608


def scalar(warehouse: WarehouseResource, sql: str) -> Any:
    with warehouse.connect() as conn:
        return conn.execute(text(sql)).scalar_one()


def search_calls(server: SandboxServer) -> tuple[int, int]:
    """(enhanced /search/jql calls, removed /search calls) served so far."""
    templates = server.request_log.by_template
    jql = sum(n for t, n in templates.items() if t.endswith("/search/jql"))
    removed = sum(n for t, n in templates.items() if t.endswith("/rest/api/{api}/search"))
    return jql, removed


def test_jira_end_to_end_through_dagster(
    server: SandboxServer, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = server.jira.site
    jira = jira_resource(server)
    instance = dg.DagsterInstance.ephemeral()
    with warehouse.begin() as conn:
        land_github_staging(conn, server.org, dt.datetime(2026, 7, 1, tzinfo=dt.UTC))

    run(warehouse, jira, instance, "jira/users jira/sprints")
    assert scalar(warehouse, "SELECT count(*) FROM staging.jira_sprints") == len(site.sprints) > 0
    run(warehouse, jira, instance, JIRA_SELECTION, window_tags(FIRST, LAST))
    run(warehouse, jira, instance, MARTS, window_tags(FIRST, LAST))  # jira_worklogs is daily-partitioned

    # each UTC day holds exactly the issues whose `updated` falls in it, although JQL reads another zone
    start = dt.datetime.combine(FIRST, dt.time(), dt.UTC)
    end = dt.datetime.combine(LAST + dt.timedelta(days=1), dt.time(), dt.UTC)
    expected = {i.id: i.updated.astimezone(dt.UTC).date() for i in site.issues if start <= i.updated < end}
    assert site.time_zone != "UTC" and expected
    with warehouse.connect() as conn:
        landed = dict(conn.execute(text("SELECT issue_id, partition_date FROM raw.jira_issues")).all())
    assert landed == expected
    assert scalar(warehouse, "SELECT count(*) FROM analytics.jira_issues") == len(expected)
    assert scalar(warehouse, "SELECT count(*) FROM analytics.jira_sprint_metrics") > 0
    assert scalar(warehouse, "SELECT count(*) FROM analytics.pr_jira_links") > 0
    assert scalar(warehouse, "SELECT count(DISTINCT parser_version) FROM staging.jira_issues") == 1
    jql_calls, removed = search_calls(server)
    assert jql_calls > 0 and removed == 0
    # truncated changelogs were completed through the bulk endpoint, never one call per issue
    templates = server.request_log.by_template
    assert sum(n for t, n in templates.items() if t.endswith("/changelog/bulkfetch")) > 0
    assert not [t for t in templates if t.endswith("{issueIdOrKey}/changelog")]
    assert scalar(warehouse, "SELECT bool_and(changelog_complete) FROM staging.jira_issues")

    # a re-run of the same window gives the same warehouse
    tables = (
        "raw.jira_issues",
        "raw.jira_changelogs",
        "staging.jira_issues",
        "staging.jira_issue_changes",
        "staging.jira_comments",
        "staging.jira_worklogs",
        "analytics.jira_sprint_metrics",
        "analytics.pr_jira_links",
    )
    before = {t: rows(warehouse, t) for t in tables}
    issues_before = rows(warehouse, ISSUE_FIGURES)
    run(warehouse, jira, instance, JIRA_SELECTION, window_tags(FIRST, LAST))
    run(warehouse, jira, instance, MARTS, window_tags(FIRST, LAST))  # jira_worklogs is daily-partitioned
    assert {t: rows(warehouse, t) for t in tables} == before
    assert rows(warehouse, ISSUE_FIGURES) == issues_before

    # a parser change: the stale sensor asks for the staged days only, and re-staging calls Jira zero times
    monkeypatch.setattr(issue_assets, "JIRA_PARSER_VERSION", "parser-changed")
    sensor = next(s for s in defs().sensors if s.name == "rerun_stale_jira_issues_staged")
    result = sensor(dg.build_sensor_context(instance=instance))
    assert isinstance(result, dg.SensorResult)
    (request,) = result.run_requests or []
    assert request.asset_selection == [issue_assets.STAGED_KEY]
    window = (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG])
    assert window == (FIRST.isoformat(), LAST.isoformat())
    served = server.request_log.total
    no_jira = JiraResource(base_url="http://127.0.0.1:9", email="nobody@example.com", api_token="unused")
    run(warehouse, no_jira, instance, "jira/issues_staged", dict(request.tags))
    assert server.request_log.total == served
    with warehouse.connect() as conn:
        versions = conn.execute(text("SELECT DISTINCT parser_version FROM staging.jira_issues")).scalars()
        versions = list(versions)
    assert versions == ["parser-changed"] != [JIRA_PARSER_VERSION]
    assert rows(warehouse, "staging.jira_issue_changes") == before["staging.jira_issue_changes"]


def test_jira_unconfigured_is_skipped_not_failed(
    warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A GitHub-only install runs every asset (`dexxy run`, the demo without Jira): Jira says it skipped."""
    for variable in ("JIRA_PROJECTS", "JIRA_BASE_URL", "JIRA_EMAIL", "JIRA_API_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    result = run(
        warehouse,
        JiraResource(),
        dg.DagsterInstance.ephemeral(),
        "jira/users jira/sprints " + JIRA_SELECTION,
        window_tags(FIRST, FIRST),
    )
    statuses = {
        m.materialization.asset_key.to_user_string(): m.materialization.metadata["status"].value
        for m in result.get_asset_materialization_events()
        if "status" in m.materialization.metadata
    }
    assert set(statuses) == {"jira/users", "jira/sprints", "jira/issues", "jira/issue_changelog",
                             "jira/comments", "jira/worklogs"}  # fmt: skip
    assert all(s.startswith("skipped: Jira is not configured") for s in statuses.values())


def test_a_watchlist_narrows_the_issues_and_a_429_is_waited_out(
    server: SandboxServer, warehouse: WarehouseResource
) -> None:
    site = server.jira.site
    start = dt.datetime.combine(dt.date(2026, 5, 1), dt.time(), dt.UTC)
    end = dt.datetime.combine(LAST + dt.timedelta(days=1), dt.time(), dt.UTC)
    in_window = [i for i in site.issues if start <= i.updated < end]
    who = next(i.assignee for i in in_window if i.assignee)
    expected = {i.id for i in in_window if who in (i.assignee, i.reporter)}
    assert 0 < len(expected) < len(in_window)
    throttled = server.request_log.too_many_requests
    server.jira.throttle(1, retry_after=1)
    run(
        warehouse,
        jira_resource(server, tracked_users=[who]),
        dg.DagsterInstance.ephemeral(),
        JIRA_SELECTION,
        window_tags(start.date(), LAST),
    )
    assert server.request_log.too_many_requests == throttled + 1
    with warehouse.connect() as conn:
        staged = set(conn.execute(text("SELECT issue_id FROM staging.jira_issues")).scalars())
    assert staged == expected
