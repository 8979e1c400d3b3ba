"""Issue parsing from stored raw JSON: field discovery through /field, story points as strings, an issue
moved between projects (staged by id, newest version wins), and bad input counted, never fatal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import text

from dexxy_assets.jira.field_map import JiraFieldMap
from dexxy_assets.jira.pr_keys import derive_pr_jira_keys
from dexxy_assets.jira.staging_step import stage_jira_partitions, stale_jira_partitions
from dexxy_assets.jira.story_points import story_points
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog
from resources.bulk_load import copy_rows
from resources.warehouse import WarehouseResource
from tests.jira_handmade import FIELDS, POINTS_FIELD, SPRINT_FIELD, hours, issue, load, status_item, user
from tests.jira_handmade import history as h

DAY_1, DAY_2 = dt.date(2026, 3, 10), dt.date(2026, 3, 11)


def test_sprint_and_story_point_fields_are_found_by_type_and_name() -> None:
    fields = JiraFieldMap.from_fields(FIELDS)
    assert (fields.sprint, fields.story_points) == (SPRINT_FIELD, POINTS_FIELD)
    classic = {"id": "customfield_10016", "name": "Story Points", "schema": {"type": "number"}}
    both = JiraFieldMap.from_fields([*FIELDS, classic])
    assert both.story_point_fields == ("customfield_10016", POINTS_FIELD)  # the classic field first
    assert JiraFieldMap.from_fields([{"id": "summary", "name": "Summary"}]).sprint is None


def test_an_issue_takes_the_first_story_point_field_it_fills(warehouse: WarehouseResource) -> None:
    classic = {"id": "customfield_10016", "name": "Story Points", "schema": {"type": "number"}}
    team_managed_only = issue(900, "PAY-90", "1", points=8)  # fills only the second candidate
    both = issue(901, "PAY-91", "1", points=8, extra_fields={"customfield_10016": 2})
    with warehouse.begin() as conn:
        load(conn, [team_managed_only, both], marts=(), fields=[*FIELDS, classic])
        points = dict(conn.execute(text("SELECT issue_key, story_points FROM staging.jira_issues")).all())
    assert points == {"PAY-90": Decimal("8.00"), "PAY-91": Decimal("2.00")}


def test_story_points_as_numbers_and_strings() -> None:
    problems = ProblemLog()
    reader = FieldReader({}, "jira_issue", problems, None)
    values: list[Any] = [8, 2.5, "5", " 3,5 ", "lots", None, "", True]
    parsed = [story_points(v, reader) for v in values]
    assert parsed == [Decimal("8"), Decimal("2.5"), Decimal("5"), Decimal("3.5"), None, None, None, None]
    assert problems.by_problem() == {
        "jira_issue.story_points_as_text": 3,
        "jira_issue.story_points_not_number": 2,
    }


def test_a_moved_issue_is_one_row_under_its_new_key_and_old_prs_still_link(
    warehouse: WarehouseResource,
) -> None:
    before_move = issue(500, "OPS-6", "1", created=hours(0), updated=hours(1))
    key_change = {
        "field": "Key", "fieldtype": "jira", "from": None, "fromString": "OPS-6", "to": None,
        "toString": "AUTH-206",
    }  # fmt: skip
    after_move = issue(500, "AUTH-206", "1", created=hours(0), histories=[h(20, hours(30), key_change)])
    with warehouse.begin() as conn:
        load(conn, [before_move], day=DAY_1, marts=())
        load(conn, [after_move], day=DAY_2, marts=())
        stale = stage_jira_partitions(conn, [DAY_1], "test")  # re-staging the older day changes nothing
        rows = conn.execute(
            text("SELECT issue_key, previous_keys, project_key FROM staging.jira_issues")
        ).all()
        copy_rows(
            conn,
            "staging.github_pull_requests",
            ["pr_id", "repo_full_name", "pr_number", "title", "author_is_bot", "created_at", "updated_at",
             "partition_date", "fetched_at"],
            [{"pr_id": 9, "repo_full_name": "acme/auth", "pr_number": 3, "title": "OPS-6: retry the webhook",
              "author_is_bot": False, "created_at": hours(2), "updated_at": hours(2), "partition_date": DAY_1,
              "fetched_at": hours(3)}],
        )  # fmt: skip
        derive_pr_jira_keys(conn, [DAY_1])
        from dexxy_assets.analytics.mart_asset import rebuild_mart

        rebuild_mart(conn, "pr_jira_links")
        link = conn.execute(text("SELECT jira_key, issue_id, issue_key FROM analytics.pr_jira_links")).one()
    assert rows == [("AUTH-206", ["OPS-6"], "AUTH")]
    assert stale.skipped_older == 1 and stale.issues == 0
    assert tuple(link) == ("OPS-6", 500, "AUTH-206")


def test_bad_input_is_counted_and_the_issue_still_loads(warehouse: WarehouseResource) -> None:
    listed = [user("acc-1", "Ana Lima", "ana@corp.example")]
    former = {"accountId": "acc-gone", "displayName": "Former user", "active": False}
    odd = issue(
        600,
        "PAY-60",
        "3",
        histories=[h(30, hours(1), status_item("1", "3"))],
        assignee=None,
        reporter=user("acc-absent", "Casey Nolan"),
        points="13",
        extra_fields={"customfield_10150": "legacy-1", "description": {"type": "doc", "content": [
            {"type": "mysteryNode", "content": [{"type": "text", "text": "still here"}]}]}},
    )  # fmt: skip
    orphaned = issue(601, "PAY-61", "1", assignee=former, reporter=listed[0], points=None)
    broken = {"key": "PAY-62", "fields": {}}  # no id, no updated: kept in raw, counted, not staged
    with warehouse.begin() as conn:
        result = load(conn, [odd, orphaned, broken], users=listed)
        staged = conn.execute(
            text("SELECT issue_key, story_points, description_text FROM staging.jira_issues ORDER BY 1")
        ).all()
        users = dict(conn.execute(text("SELECT account_id, is_listed FROM staging.jira_users")).all())
        raw_rows = conn.execute(text("SELECT count(*) FROM raw.jira_issues")).scalar_one()
    assert staged == [("PAY-60", Decimal("13.00"), "still here"), ("PAY-61", None, None)]
    assert raw_rows == 3
    assert users == {"acc-1": True, "acc-absent": False, "acc-gone": False}
    counted = result.problems.by_problem()
    assert counted["jira_issue.unknown_custom_field"] == 1
    assert counted["jira_issue.assignee_missing"] == 1  # in progress with nobody assigned
    assert counted["jira_issue.assignee_deleted_user"] == 1
    assert counted["jira_issue.reporter_not_in_users"] == 1
    assert counted["jira_issue.assignee_not_in_users"] == 1
    assert counted["jira_issue.story_points_as_text"] == 1
    assert counted["jira_issue.adf_unknown_node"] == 1
    assert counted["jira_issue.id_missing"] == 1


def test_a_new_parser_version_marks_staged_days_stale_and_restaging_needs_only_raw(
    warehouse: WarehouseResource,
) -> None:
    with warehouse.begin() as conn:
        load(conn, [issue(700, "PAY-70", "1", points="3")], day=DAY_1, marts=())
        assert stale_jira_partitions(conn, "test") == []
        assert stale_jira_partitions(conn, "next") == [DAY_1]
        conn.execute(text("UPDATE staging.jira_issues SET story_points = NULL"))  # as an old parser left it
        again = stage_jira_partitions(conn, stale_jira_partitions(conn, "next"), "next")
        staged = conn.execute(text("SELECT story_points, parser_version FROM staging.jira_issues")).one()
        assert again.issues == 1 and tuple(staged) == (Decimal("3.00"), "next")
        assert stale_jira_partitions(conn, "next") == []


def test_without_the_field_list_issues_still_stage_and_the_gap_is_counted_once(
    warehouse: WarehouseResource,
) -> None:
    issues = [issue(800 + n, f"PAY-8{n}", "1", points=5, sprints=[1]) for n in range(3)]
    with warehouse.begin() as conn:
        load(conn, issues, marts=())
        conn.execute(text("DELETE FROM raw.jira_fields"))
        result = stage_jira_partitions(conn, [DAY_1], "test")
        staged = conn.execute(text("SELECT story_points, sprint_ids FROM staging.jira_issues")).all()
    assert result.issues == 3 and [tuple(r) for r in staged] == [(None, [])] * 3
    assert result.problems.by_problem() == {"jira_issue.field_list_missing": 1}
