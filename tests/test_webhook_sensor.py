"""The webhook sensor on a real inbox with ``build_sensor_context``: event → partition mapping, cursor
semantics (after the cursor, late commits behind it, marked processed), coalescing with waiting runs."""

from __future__ import annotations

import datetime as dt
import json

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from resources.warehouse import WarehouseResource
from sensors import webhook_inbox
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from sensors.webhook_events import (
    GITHUB_DEPLOYMENTS,
    GITHUB_ISSUES,
    GITHUB_PULL_REQUESTS,
    JIRA_ISSUES,
    Touch,
    touches,
)
from sensors.webhook_sensor import SENSOR_NAME, SOURCE_TAG
from tests.conftest import SPECS_DIR

EXAMPLES = SPECS_DIR / "github" / "webhook-examples"
RECEIVED = dt.datetime(2026, 6, 30, 12, tzinfo=dt.UTC)
PR_KEY = dg.AssetKey(["github", "pull_requests"])


def example(name: str) -> dict:
    if not EXAMPLES.is_dir():
        pytest.skip(f"{EXAMPLES} is absent (the shared specs are not cloned here)")
    return json.loads((EXAMPLES / name).read_text())


@pytest.mark.parametrize(
    ("name", "family", "day"),
    [
        ("pull_request.closed.3.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("pull_request_review.submitted.0.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("pull_request_review_comment.created.0.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("push.event.0.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("push.event.1.json", GITHUB_PULL_REQUESTS, RECEIVED.date()),  # no head commit: the day received
        ("check_run.created.0.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("check_suite.completed.0.json", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15)),
        ("workflow_run.completed.0.json", GITHUB_PULL_REQUESTS, dt.date(2021, 12, 16)),
        ("deployment.created.0.json", GITHUB_DEPLOYMENTS, dt.date(2019, 5, 15)),
        ("deployment_status.created.0.json", GITHUB_DEPLOYMENTS, dt.date(2019, 5, 15)),
    ],
)
def test_github_examples_touch_their_partition(name: str, family: str, day: dt.date) -> None:
    event = name.split(".")[0]
    assert touches("github", event, example(name), RECEIVED) == [Touch("github", family, day)]


def test_issue_comment_counts_only_on_a_pull_request() -> None:
    payload = example("issue_comment.created.0.json")
    assert touches("github", "issue_comment", payload, RECEIVED) == [  # a plain issue: the issues' partition
        Touch("github", GITHUB_ISSUES, dt.date(2019, 5, 15))
    ]
    payload["issue"]["pull_request"] = {"url": "https://api.github.com/repos/o/r/pulls/1"}
    assert touches("github", "issue_comment", payload, RECEIVED) == [
        Touch("github", GITHUB_PULL_REQUESTS, dt.date(2019, 5, 15))
    ]


@pytest.mark.parametrize("name", ["ping.event.0.json", "member.added.0.json", "repository.created.1.json"])
def test_other_events_touch_nothing(name: str) -> None:
    assert touches("github", name.split(".")[0], example(name), RECEIVED) == []


def test_jira_events_touch_the_issue_day() -> None:
    updated = {"issue": {"key": "PAY-1", "fields": {"updated": "2026-06-29T23:30:00.000-0100"}}}
    assert touches("jira", "jira:issue_updated", updated, RECEIVED) == [
        Touch("jira", JIRA_ISSUES, dt.date(2026, 6, 30))  # 23:30 at -01:00 is 00:30 UTC the next day
    ]
    worklog = {"timestamp": 1751100000000, "worklog": {"updated": "2026-06-28T10:00:00.000+0000"}}
    assert touches("jira", "worklog_created", worklog, RECEIVED) == [
        Touch("jira", JIRA_ISSUES, dt.date(2026, 6, 28))
    ]
    comment = {"timestamp": 1751100000000, "comment": {}}  # no usable date: the day Jira sent it
    assert touches("jira", "comment_created", comment, RECEIVED) == [
        Touch("jira", JIRA_ISSUES, dt.date(2025, 6, 28))
    ]
    assert touches("jira", "sprint_started", {}, RECEIVED) == []


# --- the sensor ----------------------------------------------------------------------------------------


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def pr_payload(day: dt.date, number: int = 1) -> dict:
    return {"action": "synchronize", "number": number, "pull_request": {"updated_at": f"{day}T10:00:00Z"}}


def deliver(
    warehouse: WarehouseResource, delivery_id: str, payload: dict, event: str = "pull_request"
) -> None:
    with warehouse.begin() as conn:
        webhook_inbox.store(
            conn, webhook_inbox.Delivery(delivery_id, "github", event, payload.get("action"), payload)
        )


def tick(
    warehouse: WarehouseResource, instance: dg.DagsterInstance, cursor: str | None
) -> dg.SensorResult | dg.SkipReason:
    definitions = defs()
    sensor = next(s for s in definitions.sensors or [] if s.name == SENSOR_NAME)
    context = dg.build_sensor_context(
        instance=instance, cursor=cursor, resources={"warehouse": warehouse}, definitions=definitions
    )
    return sensor(context)


def unprocessed(warehouse: WarehouseResource) -> list[str]:
    with warehouse.connect() as conn:
        return list(
            conn.scalars(
                text("SELECT delivery_id FROM ops.webhook_inbox WHERE processed_at IS NULL ORDER BY seq")
            )
        )


def test_cursor_reads_after_itself_and_marks_processed(warehouse: WarehouseResource) -> None:
    instance = dg.DagsterInstance.ephemeral()
    yesterday = today() - dt.timedelta(days=1)
    deliver(warehouse, "a", pr_payload(today(), 1))
    deliver(warehouse, "b", pr_payload(today(), 2))  # same day: one run
    deliver(warehouse, "c", pr_payload(yesterday, 3))
    deliver(warehouse, "d", {"zen": "hi"}, event="ping")  # nothing to refresh, still handed on
    first = tick(warehouse, instance, None)
    assert isinstance(first, dg.SensorResult)
    assert first.cursor == "4"
    ranges = sorted((r.tags[RANGE_START_TAG], r.tags[RANGE_END_TAG]) for r in first.run_requests or [])
    assert ranges == [(str(yesterday), str(yesterday)), (str(today()), str(today()))]
    request = (first.run_requests or [])[0]
    assert request.tags[SOURCE_TAG] == "github"
    selected = set(request.asset_selection or [])
    assert {
        PR_KEY,
        dg.AssetKey(["github", "pull_requests_staged"]),
        dg.AssetKey(["analytics", "pull_requests"]),
    } <= selected
    assert dg.AssetKey(["processing", "pr_llm_summaries"]) not in selected  # calls Groq: stays nightly
    assert unprocessed(warehouse) == []

    assert isinstance(tick(warehouse, instance, first.cursor), dg.SkipReason)  # nothing after seq 4

    deliver(warehouse, "e", pr_payload(today(), 5))
    second = tick(warehouse, instance, first.cursor)
    assert isinstance(second, dg.SensorResult) and second.cursor == "5"
    assert [r.tags[RANGE_START_TAG] for r in second.run_requests or []] == [str(today())]
    assert (second.run_requests or [])[0].run_key != (first.run_requests or [])[0].run_key


def test_row_committed_late_behind_the_cursor_is_read(warehouse: WarehouseResource) -> None:
    """A bigserial is taken at insert: seq 1 may commit after seq 2 was read and the cursor moved past it."""
    instance = dg.DagsterInstance.ephemeral()
    with warehouse.engine().connect() as slow:
        slow_tx = slow.begin()
        webhook_inbox.store(
            slow, webhook_inbox.Delivery("slow", "github", "pull_request", None, pr_payload(today()))
        )
        deliver(warehouse, "fast", pr_payload(today() - dt.timedelta(days=1)))
        first = tick(warehouse, instance, None)
        assert isinstance(first, dg.SensorResult) and first.cursor == "2"
        slow_tx.commit()
    assert unprocessed(warehouse) == ["slow"]
    second = tick(warehouse, instance, first.cursor)
    assert isinstance(second, dg.SensorResult) and second.cursor == "2"
    assert [r.tags[RANGE_START_TAG] for r in second.run_requests or []] == [str(today())]
    assert unprocessed(warehouse) == []


def test_events_before_the_first_partition_request_nothing(warehouse: WarehouseResource) -> None:
    deliver(warehouse, "old", pr_payload(dt.date(2019, 5, 15)))
    result = tick(warehouse, dg.DagsterInstance.ephemeral(), None)
    assert isinstance(result, dg.SensorResult) and result.run_requests == [] and result.cursor == "1"


def test_unreadable_body_is_kept_and_counted(warehouse: WarehouseResource) -> None:
    deliver(warehouse, "junk", {"unparsed_body": "not json"})
    tick(warehouse, dg.DagsterInstance.ephemeral(), None)
    with warehouse.connect() as conn:
        assert conn.execute(
            text("SELECT asset_key, problem, occurrences, example FROM ops.ingest_problems")
        ).all() == [("webhooks/github", "webhook_body_not_json", 1, "junk")]
        assert conn.scalar(text("SELECT count(*) FROM ops.webhook_inbox")) == 1


def waiting_run(
    instance: dg.DagsterInstance, day: dt.date, keys: list[dg.AssetKey], status: dg.DagsterRunStatus
) -> None:
    job = defs().resolve_job_def("dexxy_all")
    instance.create_run_for_job(
        job,
        status=status,
        tags={SOURCE_TAG: "github", RANGE_START_TAG: str(day), RANGE_END_TAG: str(day)},
        asset_selection=frozenset(keys),
    )


def test_coalesces_with_a_waiting_run_not_with_a_started_one(warehouse: WarehouseResource) -> None:
    instance = dg.DagsterInstance.ephemeral()
    deliver(warehouse, "a", pr_payload(today()))
    first = tick(warehouse, instance, None)
    assert isinstance(first, dg.SensorResult)
    (request,) = first.run_requests or []
    waiting_run(instance, today(), list(request.asset_selection or []), dg.DagsterRunStatus.NOT_STARTED)

    deliver(warehouse, "b", pr_payload(today(), 2))
    coalesced = tick(warehouse, instance, first.cursor)
    assert isinstance(coalesced, dg.SensorResult) and coalesced.run_requests == []
    assert coalesced.cursor == "2" and unprocessed(warehouse) == []

    deliver(warehouse, "c", {"deployment": {"created_at": f"{today()}T09:00:00Z"}}, event="deployment")
    wider = tick(warehouse, instance, coalesced.cursor)  # the queued run does not select deployments
    assert isinstance(wider, dg.SensorResult) and len(wider.run_requests or []) == 1

    started = dg.DagsterInstance.ephemeral()
    waiting_run(started, today(), list(request.asset_selection or []), dg.DagsterRunStatus.STARTED)
    deliver(warehouse, "d", pr_payload(today(), 4))
    again = tick(warehouse, started, wider.cursor)  # it may have read GitHub before the change
    assert isinstance(again, dg.SensorResult) and len(again.run_requests or []) == 1
