"""POST /slack/interactivity on the real receiver over HTTP, against a real warehouse: Slack's v0 signature
and five-minute window (401 otherwise), one stored answer per survey whatever Slack re-sends, and answers
nobody was asked for kept, counted and still acknowledged."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.cli.webhooks_command import secrets_from_environment
from resources.slack import SlackResource
from resources.warehouse import WarehouseResource
from tests.conftest import fresh_database
from tests.slack_fixtures import SURVEYS, click, materialize, receiver

USER = "U0000ALICE"
PR_ID = 424242


@pytest.fixture(scope="module")
def shared_warehouse(server_url: str) -> Iterator[WarehouseResource]:
    """One migrated warehouse for the module (each test empties the survey tables): migrating is slow."""
    with fresh_database(server_url) as url:
        yield WarehouseResource(database_url=url)


@pytest.fixture
def warehouse(shared_warehouse: WarehouseResource) -> WarehouseResource:
    with shared_warehouse.begin() as conn:
        conn.execute(text("TRUNCATE ops.pr_survey_deliveries, ops.slack_interactions, ops.ingest_problems"))
    return shared_warehouse


@pytest.fixture
def asked(warehouse: WarehouseResource) -> Iterator[str]:
    """A survey sent to USER about PR_ID (the row slack/pr_surveys leaves after a post), and the receiver."""
    with warehouse.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO ops.pr_survey_deliveries (pr_id, person, github_login, role, repository, "
                "pr_number, merged_at, slack_user_id, status, sent_at, message_ts) VALUES (:pr, 'alice', "
                "'alice', 'author', 'acme/api', 7, now() - interval '2 hours', :user, 'sent', "
                "now() - interval '1 hour', '1.000001')"
            ),
            {"pr": PR_ID, "user": USER},
        )
    with receiver(warehouse) as url:
        yield url


def _survey(warehouse: WarehouseResource) -> tuple:
    with warehouse.connect() as conn:
        return conn.execute(
            text(
                "SELECT status, answer, tools, answer_action_ts FROM ops.pr_survey_deliveries "
                "WHERE pr_id = :pr"
            ),
            {"pr": PR_ID},
        ).one()


def _interactions(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                text("SELECT status, pr_id, answer FROM ops.slack_interactions ORDER BY interaction_id")
            )
        ]


def test_an_answer_is_stored_once_with_its_tools(warehouse: WarehouseResource, asked: str) -> None:
    response = click(asked, USER, f"{PR_ID}:some", action_ts="1700000000.000100", tools=("cursor", "claude"))
    assert response.status_code == 200
    assert _survey(warehouse) == ("answered", "some", ["claude", "cursor"], "1700000000.000100")
    with warehouse.connect() as conn:
        latency = conn.execute(
            text("SELECT latency_hours FROM analytics.pr_surveys WHERE pr_id = :pr"), {"pr": PR_ID}
        ).scalar_one()
    assert 0.9 < float(latency) < 1.1  # sent an hour ago


def test_a_replayed_click_is_not_counted_twice_and_the_first_answer_wins(
    warehouse: WarehouseResource, asked: str
) -> None:
    first = click(asked, USER, f"{PR_ID}:most", action_ts="1700000000.000200")
    replay = click(asked, USER, f"{PR_ID}:most", action_ts="1700000000.000200")  # Slack sending it again
    later = click(asked, USER, f"{PR_ID}:none", action_ts="1700000099.000300")  # a change of mind
    assert [first.status_code, replay.status_code, later.status_code] == [200, 200, 200]
    assert _survey(warehouse)[:2] == ("answered", "most")
    assert _interactions(warehouse) == [("recorded", PR_ID, "most"), ("already_answered", PR_ID, "none")]


def test_a_forged_signature_is_refused(warehouse: WarehouseResource, asked: str) -> None:
    response = click(asked, USER, f"{PR_ID}:most", secret="not-the-signing-secret")
    assert response.status_code == 401
    assert _survey(warehouse)[:2] == ("sent", None)
    assert _interactions(warehouse) == []


def test_a_request_older_than_five_minutes_is_refused(warehouse: WarehouseResource, asked: str) -> None:
    old = int(time.time()) - 5 * 60 - 30  # correctly signed, but replayed late
    assert click(asked, USER, f"{PR_ID}:most", timestamp=old).status_code == 401
    recent = int(time.time()) - 4 * 60
    assert click(asked, USER, f"{PR_ID}:most", timestamp=recent).status_code == 200
    assert _survey(warehouse)[:2] == ("answered", "most")


def test_an_answer_nobody_was_asked_for_is_kept_counted_and_acknowledged(
    warehouse: WarehouseResource, asked: str
) -> None:
    unknown_pr = click(asked, USER, "999:some")
    someone_else = click(asked, "U0000BOB", f"{PR_ID}:some")
    assert (unknown_pr.status_code, someone_else.status_code) == (200, 200)  # Slack would show an error
    assert _interactions(warehouse) == [("unknown_survey", 999, "some"), ("unknown_survey", PR_ID, "some")]
    assert _survey(warehouse)[:2] == ("sent", None)
    # the next run of slack/pr_surveys on the day they arrived counts them as problems
    today = dt.datetime.now(dt.UTC).date()
    slack = SlackResource(bot_token="xoxb-test", signing_secret="s", api_url="http://127.0.0.1:9/api")
    result = materialize(warehouse, None, SURVEYS, slack, days=(today, today))
    assert result.success
    metadata = result.get_asset_materialization_events()[-1].materialization.metadata
    assert metadata["problems_by_kind"].value == {"survey_answer_unknown_survey": 2}


def test_without_a_signing_secret_the_endpoint_answers_503(warehouse: WarehouseResource) -> None:
    with receiver(warehouse, secret="") as url:
        assert click(url, USER, f"{PR_ID}:some").status_code == 503


def test_webhooks_serve_reads_the_slack_signing_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "from-the-environment")
    assert secrets_from_environment().slack == "from-the-environment"
