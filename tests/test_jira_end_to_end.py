"""The sandbox's Jira site over real HTTP -> raw -> staging -> marts, checked against the site's records
(the ground truth in dexxy_sandbox/jira/model.py): statuses and categories, story points, moves, cycle and
lead times, status periods, sprint commitment and completion, identity, PR links and linkage rates."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from sqlalchemy import Connection, text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.jira.identity_report import identity_report
from dexxy_assets.jira.parser_version import JIRA_PARSER_VERSION
from dexxy_assets.jira.pr_keys import derive_pr_jira_keys
from dexxy_assets.jira.staging_step import stage_jira_partitions, stage_jira_snapshots
from dexxy_sandbox.jira import JiraSite
from dexxy_sandbox.jira.model import Issue, Sprint
from dexxy_sandbox.server import SandboxServer
from resources.warehouse import WarehouseResource
from tests.jira_sandbox_load import fetch_site, land_github_staging, land_raw
from tests.sandbox_fixtures import running_sandbox

JIRA_MARTS = (
    "jira_users",
    "team_members",
    "jira_issue_status_periods",
    "jira_issues",
    "jira_sprints",
    "jira_sprint_metrics",
    "jira_worklogs",
    "pr_jira_links",
    "jira_linkage_weekly",
)
FETCHED_AT = dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC)
FAR = dt.datetime.max.replace(tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def fetched(server: SandboxServer) -> dict[str, list[Any]]:
    return fetch_site(server)


def _build(conn: Connection, server: SandboxServer, fetched: dict[str, list[Any]]) -> Any:
    days = land_raw(conn, server.jira_base_url, fetched, FETCHED_AT)
    pr_days = land_github_staging(conn, server.org, FETCHED_AT)
    snapshot_problems = stage_jira_snapshots(conn, JIRA_PARSER_VERSION)
    result = stage_jira_partitions(conn, days, JIRA_PARSER_VERSION)
    derive_pr_jira_keys(conn, pr_days)
    for name in JIRA_MARTS:
        rebuild_mart(conn, name)
    return result, snapshot_problems, days


def _rows(conn: Connection, sql: str) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in conn.execute(text(sql))]


def _hours(start: dt.datetime, end: dt.datetime) -> Decimal:
    return (Decimal((end - start).total_seconds()) / Decimal(3600)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _status_changes(issue: Issue) -> list[tuple[dt.datetime, str]]:
    return [(h.created, i.to_value or "") for h in issue.histories for i in h.items if i.field == "status"]


def _category_at(site: JiraSite, issue: Issue, when: dt.datetime) -> str:
    categories = {s.id: s.category for s in site.statuses}
    category = "new"
    for at, status_id in _status_changes(issue):
        if at <= when:
            category = categories[status_id]
    return category


def _joined(issue: Issue, sprint_id: int) -> dt.datetime | None:
    for history in issue.histories:
        for item in history.items:
            if item.field != "Sprint":
                continue
            before = {int(x) for x in (item.from_value or "").split(",") if x.strip()}
            after = {int(x) for x in (item.to_value or "").split(",") if x.strip()}
            if sprint_id in after - before:
                return history.created
    return None


def _points_at(issue: Issue, when: dt.datetime) -> Decimal:
    for history in issue.histories:
        for item in history.items:
            if item.field == "Story Points" and history.created > when:
                return Decimal(item.from_string or "0")
    return Decimal(str(float(issue.story_points))) if issue.story_points is not None else Decimal(0)


def _expected_sprint(site: JiraSite, sprint: Sprint) -> dict[str, Any]:
    assert sprint.start is not None
    close = sprint.complete or FAR
    out: Counter[str] = Counter()
    points: defaultdict[str, Decimal] = defaultdict(Decimal)
    for issue in site.issues:
        if sprint.id not in issue.sprint_ids:
            continue
        joined = _joined(issue, sprint.id) or issue.created
        if joined <= sprint.start:
            out["committed_issues"] += 1
            points["committed_points"] += _points_at(issue, sprint.start)
        elif joined <= close:
            out["added_issues"] += 1
        if joined > close:
            continue
        done = _category_at(site, issue, close) == "done"
        if done:
            out["completed_issues"] += 1
            points["completed_points"] += _points_at(issue, close)
        elif sprint.state == "closed":
            later = [s for s in site.sprints if s.id in issue.sprint_ids and s.id != sprint.id]
            if any(s.start is None or s.start > sprint.start for s in later):
                out["carried_over_issues"] += 1
    return {**out, **points}


@pytest.fixture(scope="module")
def built(server: SandboxServer, fetched: dict[str, list[Any]], server_url: str) -> Iterator[dict[str, Any]]:
    """One warehouse for the module's checks (a module-scoped database, dropped afterwards)."""
    import uuid

    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import NullPool

    name = f"dexxy_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    warehouse = WarehouseResource(database_url=url)
    try:
        with warehouse.begin() as conn:
            result, snapshot_problems, days = _build(conn, server, fetched)
        yield {"warehouse": warehouse, "result": result, "snapshot": snapshot_problems, "days": days}
    finally:
        from resources import warehouse as warehouse_module

        engine = warehouse_module._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture
def conn(built: dict[str, Any]) -> Iterator[Connection]:
    with built["warehouse"].connect() as connection:
        yield connection


def test_every_issue_is_staged_with_its_status_category_points_and_dates(
    server: SandboxServer, conn: Connection, built: dict[str, Any]
) -> None:
    site = server.jira.site
    rows = {r["issue_id"]: r for r in _rows(conn, "SELECT * FROM analytics.jira_issues")}
    assert len(rows) == len(site.issues)
    for issue in site.issues:
        row = rows[issue.id]
        assert row["issue_key"] == issue.key
        assert row["status"] == issue.status
        assert row["status_category"] == site.status(issue.status).category  # "Completed" stays in progress
        expected_points = None if issue.story_points is None else Decimal(str(float(issue.story_points)))
        assert row["story_points"] == expected_points, issue.key
        assert row["resolved_at"] == issue.resolved
        if issue.resolved is not None:
            assert row["lead_time_hours"] == _hours(issue.created, issue.resolved)
        assert row["assignee_account_id"] == issue.assignee
        assert row["sprint_ids"] == list(issue.sprint_ids)
        assert row["changelog_complete"], issue.key  # the chatty epic's changelog was paged in full
    assert any(isinstance(i.story_points, str) for i in site.issues)


def test_a_moved_issue_keeps_its_row_and_its_old_key(server: SandboxServer, conn: Connection) -> None:
    site = server.jira.site
    moved = [i for i in site.issues if i.previous_keys]
    assert moved
    for issue in moved:
        (row,) = _rows(conn, f"SELECT * FROM analytics.jira_issues WHERE issue_id = {issue.id}")  # noqa: S608
        assert row["issue_key"] == issue.key
        assert row["previous_keys"] == list(issue.previous_keys)
        assert row["project_key"] == issue.project_key


def test_cycle_time_and_status_periods_follow_the_changelog(server: SandboxServer, conn: Connection) -> None:
    site = server.jira.site
    categories = {s.id: s.category for s in site.statuses}
    issues = {r["issue_id"]: r for r in _rows(conn, "SELECT * FROM analytics.jira_issues")}
    periods: defaultdict[int, list[dict[str, Any]]] = defaultdict(list)
    for period in _rows(conn, "SELECT * FROM analytics.jira_issue_status_periods ORDER BY period_index"):
        periods[period["issue_id"]].append(period)
    with_cycle = 0
    for issue in site.issues:
        changes = _status_changes(issue)
        assert len(periods[issue.id]) == 1 + len(changes), issue.key
        assert [p["started_at"] for p in periods[issue.id]] == [issue.created, *(at for at, _ in changes)]
        closed = [p for p in periods[issue.id] if not p["is_current"]]
        bounds = [issue.created, *(at for at, _ in changes)]
        assert [p["hours"] for p in closed] == [_hours(a, b) for a, b in itertools.pairwise(bounds)]
        first_progress = next((at for at, s in changes if categories[s] == "indeterminate"), None)
        done_at = changes[-1][0] if changes and categories[changes[-1][1]] == "done" else None
        row = issues[issue.id]
        assert row["first_in_progress_at"] == first_progress
        assert row["done_at"] == done_at
        if first_progress and done_at:
            with_cycle += 1
            assert row["cycle_time_hours"] == _hours(first_progress, done_at), issue.key
        else:
            assert row["cycle_time_hours"] is None
        reopened = sum(
            1
            for (_, a), (_, b) in itertools.pairwise(changes)
            if categories[a] == "done" and categories[b] != "done"
        )
        assert row["reopen_count"] == reopened
    assert with_cycle > 50
    completed = _rows(
        conn,
        "SELECT DISTINCT status_category FROM analytics.jira_issue_status_periods WHERE status = 'Completed'",
    )
    assert completed == [{"status_category": "indeterminate"}]  # trusted category, not the name


def test_sprint_metrics_match_the_sites_sprints(server: SandboxServer, conn: Connection) -> None:
    site = server.jira.site
    metrics = {r["sprint_id"]: r for r in _rows(conn, "SELECT * FROM analytics.jira_sprint_metrics")}
    started = [s for s in site.sprints if s.state in ("active", "closed")]
    assert set(metrics) == {s.id for s in started}
    fields = ("committed_issues", "added_issues", "completed_issues", "carried_over_issues")
    for sprint in started:
        expected = _expected_sprint(site, sprint)
        row = metrics[sprint.id]
        assert {f: row[f] for f in fields} == {f: expected.get(f, 0) for f in fields}, sprint.name
        assert row["committed_points"] == expected.get("committed_points", 0), sprint.name
        assert row["completed_points"] == expected.get("completed_points", 0), sprint.name
    assert sum(r["added_issues"] for r in metrics.values()) > 0
    assert sum(r["carried_over_issues"] for r in metrics.values()) > 0
    sprints = _rows(conn, "SELECT * FROM analytics.jira_sprints")
    assert len(sprints) == len(site.sprints)


def test_team_members_get_their_jira_account_and_unmatched_people_are_listed(
    server: SandboxServer, conn: Connection
) -> None:
    site, org = server.jira.site, server.org
    members = {r["github_login"]: r for r in _rows(conn, "SELECT * FROM analytics.team_members")}
    engineers = {a.login: a for a in org.engineers}
    matched = [u for u in site.users if u.match in ("email", "display_name")]
    assert matched
    for user in matched:
        member = members[user.github_login]
        account = engineers[user.github_login or ""]
        visible = {e.lower() for e in (account.email, account.public_email) if e}
        assert member["jira_account_id"] == user.account_id, user.display_name
        assert member["jira_match_method"] == (
            "email" if (user.email or "").lower() in visible else "display_name"
        )
    jira_users = {r["account_id"]: r for r in _rows(conn, "SELECT * FROM analytics.jira_users")}
    for user in site.users:
        if user.match in ("none", "app"):
            assert jira_users[user.account_id]["match_method"] == "unmatched"
            assert jira_users[user.account_id]["member_id"] is None
    absent = site.referenced_users[0]
    assert jira_users[absent.account_id]["is_listed"] is False  # seen on issues only, still listed here
    report = identity_report(conn)
    jira_only = {u.display_name for u in site.users if u.match == "none"}
    assert jira_only <= set(report.unmatched_accounts)
    assert absent.display_name in report.unmatched_accounts


def test_pull_requests_link_to_their_issues_and_linkage_is_counted_per_week(
    server: SandboxServer, conn: Connection
) -> None:
    site, org = server.jira.site, server.org
    links = {(r["pr_id"], r["jira_key"]): r for r in _rows(conn, "SELECT * FROM analytics.pr_jira_links")}
    named = [pr for pr in org.all_pulls() if pr.jira_key]
    for pr in named:
        link = links[(pr.id, pr.jira_key)]
        issue = site.issue(pr.jira_key or "")
        assert issue is not None and link["issue_id"] == issue.id and link["issue_key"] == issue.key
    weekly = _rows(conn, "SELECT * FROM analytics.jira_linkage_weekly")
    people = [pr for pr in org.all_pulls() if (a := org.account(pr.author)) is None or a.type != "Bot"]
    assert sum(w["prs_opened"] for w in weekly) == len(people)
    assert sum(w["prs_linked"] for w in weekly) == len([pr for pr in people if pr.jira_key])
    assert all(w["linkage_rate"] is None or 0 <= w["linkage_rate"] <= 1 for w in weekly)


def test_bad_input_is_counted_and_everything_loads(server: SandboxServer, built: dict[str, Any]) -> None:
    site = server.jira.site
    counted = built["result"].problems.by_problem()
    assert counted.get("jira_issue.story_points_as_text", 0) == sum(
        isinstance(i.story_points, str) for i in site.issues
    )
    assert counted.get("jira_issue.unknown_custom_field", 0) == sum(
        any(f == "customfield_10150" for f, _ in i.custom_fields) for i in site.issues
    )
    assert counted["jira_issue.moved_between_projects"] == sum(bool(i.previous_keys) for i in site.issues)
    assert counted["jira_issue.reporter_not_in_users"] >= 1
    assert counted["jira_comment.adf_unknown_node"] == sum(
        c.unknown_node for i in site.issues for c in i.comments
    )
    late = sum(h.created > i.updated for i in site.issues for h in i.histories)
    assert counted.get("jira_changelog.after_issue_updated", 0) == late
    completed_now = sum(i.status == "Completed" for i in site.issues)
    assert counted.get("jira_issue.status_category_disagrees_with_name", 0) == completed_now
    odd = [s for s in site.statuses if s.name == "Completed" and s.category != "done"]  # the workflow's own
    assert odd and built["snapshot"].by_problem()["jira_status.category_disagrees_with_name"] == len(odd)


def test_restaging_the_same_raw_gives_the_same_warehouse(built: dict[str, Any]) -> None:
    warehouse: WarehouseResource = built["warehouse"]
    snapshot = "SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {} AS t"
    tables = ("staging.jira_issues", "staging.jira_issue_changes", "staging.jira_sprint_issues")
    with warehouse.connect() as conn:
        before = [conn.execute(text(snapshot.format(t))).scalar_one() for t in tables]
    with warehouse.begin() as conn:
        again = stage_jira_partitions(conn, built["days"], JIRA_PARSER_VERSION)
    with warehouse.connect() as conn:
        after = [conn.execute(text(snapshot.format(t))).scalar_one() for t in tables]
    assert again.issues == built["result"].issues and again.skipped_older == 0
    assert after == before


def test_every_jira_analytics_table_and_column_is_described(conn: Connection) -> None:
    rows = conn.execute(
        text(
            "SELECT cl.relname, a.attname, obj_description(cl.oid, 'pg_class') AS table_comment, "
            "col_description(cl.oid, a.attnum) AS column_comment "
            "FROM pg_class AS cl JOIN pg_namespace AS n ON n.oid = cl.relnamespace "
            "JOIN pg_attribute AS a ON a.attrelid = cl.oid AND a.attnum > 0 AND NOT a.attisdropped "
            "WHERE n.nspname = 'analytics' AND cl.relkind = 'r' "
            "AND (cl.relname LIKE 'jira%' OR cl.relname = 'pr_jira_links' "
            "     OR (cl.relname = 'team_members' AND a.attname LIKE 'jira%'))"
        )
    ).all()
    assert len({r.relname for r in rows}) == 9  # the eight Jira tables and team_members
    assert [f"{r.relname}.{r.attname}" for r in rows if not r.table_comment or not r.column_comment] == []
