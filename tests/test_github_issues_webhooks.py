"""GitHub's issues, issue_comment (on an issue), discussion and discussion_comment deliveries refresh the
issue and discussion partitions: the mapping on real payloads (and ones shaped like GitHub's docs where the
specs hold none), and the sensor's run on a real inbox selecting the fetch, staging and marts downstream."""

from __future__ import annotations

import copy
import datetime as dt

import dagster as dg
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from sensors.webhook_events import GITHUB_DISCUSSIONS, GITHUB_ISSUES, Touch, touches
from sensors.webhook_sensor import FAMILY_ROOTS
from tests.test_webhook_sensor import RECEIVED, deliver, example, tick, today


def test_an_issue_comment_on_an_issue_refreshes_the_issues_day() -> None:
    payload = example("issue_comment.edited.7.json")
    payload["issue"].pop("pull_request", None)
    payload["issue"]["updated_at"], payload["comment"]["updated_at"] = (
        "2026-06-01T10:00:00Z",
        "2026-06-02T01:00:00Z",
    )
    assert touches("github", "issue_comment", payload, RECEIVED) == [
        Touch("github", GITHUB_ISSUES, dt.date(2026, 6, 2))
    ]


def test_a_transferred_issue_refreshes_both_copies_days() -> None:
    issue = example("issue_comment.created.0.json")["issue"]
    issue.pop("pull_request", None)
    moved = copy.deepcopy(issue)
    issue["updated_at"], moved["updated_at"] = "2026-06-01T23:59:00Z", "2026-06-02T00:01:00Z"
    payload = {"action": "transferred", "issue": issue, "changes": {"new_issue": moved, "new_repository": {}}}
    assert touches("github", "issues", payload, RECEIVED) == [
        Touch("github", GITHUB_ISSUES, dt.date(2026, 6, 1)),
        Touch("github", GITHUB_ISSUES, dt.date(2026, 6, 2)),
    ]
    opened = {"action": "opened", "issue": {**issue, "updated_at": "2026-06-03T08:00:00Z"}}
    assert touches("github", "issues", opened, RECEIVED) == [
        Touch("github", GITHUB_ISSUES, dt.date(2026, 6, 3))
    ]


def test_discussion_events_refresh_the_discussions_day() -> None:
    discussion = {"number": 7, "node_id": "D_kw", "updated_at": "2026-06-04T09:00:00Z"}
    assert touches("github", "discussion", {"action": "deleted", "discussion": discussion}, RECEIVED) == [
        Touch("github", GITHUB_DISCUSSIONS, dt.date(2026, 6, 4))
    ]
    comment = {
        "action": "created",
        "discussion": discussion,
        "comment": {"updated_at": "2026-06-05T01:00:00Z"},
    }
    assert touches("github", "discussion_comment", comment, RECEIVED) == [
        Touch("github", GITHUB_DISCUSSIONS, dt.date(2026, 6, 5))
    ]
    undated = {"action": "created", "discussion": {"number": 8}}
    assert touches("github", "discussion", undated, RECEIVED) == [
        Touch("github", GITHUB_DISCUSSIONS, RECEIVED.date())
    ]


def test_the_sensor_requests_the_issue_and_discussion_refresh(warehouse: WarehouseResource) -> None:
    instance = dg.DagsterInstance.ephemeral()
    stamp = f"{today()}T10:00:00Z"
    deliver(
        warehouse, "i1", {"action": "closed", "issue": {"number": 3, "updated_at": stamp}}, event="issues"
    )
    discussion = {"action": "answered", "discussion": {"number": 4, "updated_at": stamp}}
    deliver(warehouse, "d1", discussion, event="discussion")
    result = tick(warehouse, instance, None)
    assert isinstance(result, dg.SensorResult)
    selected = set().union(*(set(r.asset_selection or []) for r in result.run_requests or []))
    assert set(FAMILY_ROOTS[GITHUB_ISSUES]) | set(FAMILY_ROOTS[GITHUB_DISCUSSIONS]) <= selected
    assert {
        dg.AssetKey(["github", "issues_staged"]),
        dg.AssetKey(["github", "discussions_staged"]),
        dg.AssetKey(["analytics", "github_issues"]),
        dg.AssetKey(["analytics", "github_discussions"]),
    } <= selected
    with warehouse.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM ops.webhook_inbox WHERE processed_at IS NULL")) == 0
