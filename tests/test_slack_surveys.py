"""Slack PR surveys end to end over real HTTP: the sandbox's Slack and its simulated people, the receiver,
the real asset and a real warehouse. A merged pull request's people are asked once whatever re-runs or
overlapping runs happen; opted-out people never; people Slack cannot find are rows and problems; answers
land once and come first in effective_is_ai_assisted and in ai_usage_daily."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.slack.survey_delivery import SurveySender
from dexxy_assets.slack.survey_targets import survey_targets
from dexxy_sandbox.server import SandboxServer
from dexxy_sandbox.slack import SlackConfig
from resources.slack import SlackResource
from resources.warehouse import WarehouseResource
from sensors.slack_interactivity import UNSTORED_FIELDS
from tests.slack_fixtures import (
    DAYS,
    SURVEYS,
    World,
    answering,
    click,
    materialize,
    receiver,
    slack_resource,
    staged_world,
    survey_verdicts,
)

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_API_URL", "DEXXY_SURVEY_OPT_OUT")


@pytest.fixture(scope="module")
def world(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with staged_world(server_url, tmp_path_factory.mktemp("home"), SLACK_VARIABLES) as staged:
        yield staged


@pytest.fixture
def fresh(world: World) -> World:
    """No survey sent yet, nobody answering."""
    with world.warehouse.begin() as conn:
        conn.execute(text("TRUNCATE ops.pr_survey_deliveries, ops.slack_interactions"))
    world.server.slack.messages.clear()
    answering(world.server, None)
    return world


def _rows(warehouse: WarehouseResource) -> list:
    with warehouse.connect() as conn:
        return list(conn.execute(text("SELECT * FROM ops.pr_survey_deliveries ORDER BY pr_id, person")))


def _posted(server: SandboxServer) -> list[tuple[int, str]]:
    """(pr_id, Slack user) of every message the sandbox received."""
    return [(m.request["metadata"]["event_payload"]["pr_id"], m.user_id) for m in server.slack.messages]


def _merged_prs(warehouse: WarehouseResource) -> dict[int, str]:
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT pr_id, author_login FROM staging.github_pull_requests WHERE merged_at >= :start "
                "AND merged_at < CAST(:end AS date) + 1 AND NOT author_is_bot"
            ),
            {"start": DAYS[0], "end": DAYS[1]},
        )
        return {row.pr_id: row.author_login.lower() for row in rows}


def test_each_person_is_asked_once_and_their_answers_are_stored(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    merged = _merged_prs(warehouse)
    assert len(merged) >= 5
    with warehouse.connect() as conn:  # an author Dexxy knows an address for opts out, by that address
        opted_email, opted_login = conn.execute(
            text(
                "SELECT c.author_email, lower(c.author_login) FROM staging.github_pr_commits AS c "
                "JOIN staging.github_pull_requests AS p ON p.pr_id = c.pr_id AND p.pr_id = ANY(:prs) "
                "WHERE c.author_email LIKE '%@dexxy.example' "
                "AND lower(c.author_login) = lower(p.author_login) "
                "ORDER BY 2 LIMIT 1"
            ),
            {"prs": list(merged)},
        ).one()
    slack = slack_resource(server, ask_reviewers=True, opt_out=[opted_email.upper()])
    with receiver(warehouse) as url:
        answering(server, url, never_answer_share=0.25)
        first = materialize(warehouse, server, SURVEYS, slack)
        again = materialize(warehouse, server, SURVEYS, slack)  # a re-run: nobody is asked twice
        server.slack.respondent.wait_idle()
    settled = materialize(warehouse, server, SURVEYS, slack)  # every answer in: what the days report
    assert first.success and again.success and settled.success
    posted = _posted(server)
    assert len(posted) == len(set(posted)) > 0
    rows = _rows(warehouse)
    # every merged pull request's author is a row, except the one who opted out, who is never asked
    authors = {(row.pr_id, row.person) for row in rows if row.role == "author"}
    assert authors == {(pr, login) for pr, login in merged.items() if login != opted_login}
    assert all(row.person != opted_login for row in rows)
    opted_user = server.slack.workspace.by_email(opted_email)
    assert opted_user is not None and all(user != opted_user.id for _, user in posted)
    # what the rows say was sent is what the sandbox received
    assert sorted((row.pr_id, row.slack_user_id) for row in rows if row.sent_at) == sorted(posted)
    # people without a Slack account are rows with a status and problems, never a crash
    absent = set(server.slack.workspace.without_slack)
    for row in rows:
        if row.status == "no_slack_user":
            assert row.person in absent or row.email not in {u.email for u in server.slack.workspace.users}
        if row.person in absent:
            assert row.status in ("no_slack_user", "no_email")
    problem_rows = sum(row.status in ("no_email", "no_slack_user") for row in rows)
    assert problem_rows > 0
    with warehouse.connect() as conn:
        counted = conn.execute(
            text("SELECT sum(occurrences) FROM ops.ingest_problems WHERE asset_key = 'slack/pr_surveys'")
        ).scalar_one()
    assert counted == problem_rows
    # the answers the simulated people clicked are stored, once each, with their tools
    clicked = {(d.pr_id, d.user_id): d for d in server.slack.respondent.deliveries}
    assert clicked and all(d.status == 200 for d in clicked.values())
    answered = {(row.pr_id, row.slack_user_id): row for row in rows if row.answer}
    assert set(answered) == set(clicked)
    for key, row in answered.items():
        assert (row.status, row.answer, row.tools) == (
            "answered",
            clicked[key].answer,
            sorted(clicked[key].tools),
        )
    with warehouse.connect() as conn:  # kept as Slack sent them, less the token and the capabilities
        stored = conn.execute(text("SELECT payload FROM ops.slack_interactions")).scalars().all()
    assert len(stored) == len(clicked) and all(payload["type"] == "block_actions" for payload in stored)
    assert all(not UNSTORED_FIELDS & set(payload) for payload in stored)
    metadata = first.get_asset_materialization_events()[-1].materialization.metadata
    assert metadata["opted_out"].value > 0
    assert metadata["surveys_sent_in_run"].value == len(posted)
    final = settled.get_asset_materialization_events()[-1].materialization.metadata
    assert final["response_rate"].value == round(len(answered) / len(posted), 3)


def test_overlapping_runs_send_one_survey_per_pull_request_and_person(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    slack = slack_resource(server, ask_reviewers=True)
    with warehouse.connect() as conn:
        targets = survey_targets(conn, *_window(), reviewers=True)
    start = threading.Barrier(2)
    outcomes: list[Counter[str]] = []

    def run() -> None:
        with slack.client() as client:
            sender = SurveySender(warehouse.engine(), client)
            start.wait()
            for target in targets:
                sender.send(target, frozenset())
            outcomes.append(sender.report.outcomes)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    posted = _posted(server)
    assert len(posted) == len(set(posted)) == sum(o["sent"] for o in outcomes) > 0
    assert len(_rows(warehouse)) == len(targets)


def test_a_send_interrupted_between_claim_and_record_is_never_repeated(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    pr_id, author = next(iter(_merged_prs(warehouse).items()))
    with warehouse.begin() as conn:  # what a process killed during chat.postMessage leaves
        conn.execute(
            text(
                "INSERT INTO ops.pr_survey_deliveries (pr_id, person, github_login, role, repository, "
                "pr_number, merged_at, status, claimed_at) SELECT pr_id, :person, author_login, 'author', "
                "repo_full_name, pr_number, merged_at, 'sending', now() - interval '2 hours' "
                "FROM staging.github_pull_requests WHERE pr_id = :pr"
            ),
            {"pr": pr_id, "person": author},
        )
    result = materialize(warehouse, server, SURVEYS)
    assert result.success
    row = next(row for row in _rows(warehouse) if row.pr_id == pr_id and row.person == author)
    assert row.status == "unconfirmed"
    assert pr_id not in {pr for pr, _ in _posted(server)}
    events = result.get_asset_materialization_events()
    assert sum(e.materialization.metadata["interrupted_sends_expired"].value for e in events[-1:]) == 1
    kinds = Counter[str]()
    for event in events:
        problems = event.materialization.metadata.get("problems_by_kind")
        kinds.update(problems.value if problems else {})
    assert kinds["survey_send_unconfirmed"] == 1


def test_survey_answers_come_first_in_effective_is_ai_assisted_and_feed_ai_usage_daily(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    assert materialize(warehouse, server, SURVEYS).success  # sent, nobody answering yet
    sent = [row for row in _rows(warehouse) if row.status == "sent"]
    assert len(sent) >= 2
    with warehouse.connect() as conn:
        regex = dict(conn.execute(text("SELECT pr_id, is_ai_assisted FROM processing.pr_ai_detection")).all())
    # one answer against the patterns' verdict where possible, one "most" with its tool
    against = next((row for row in sent if regex.get(row.pr_id)), sent[0])
    most = next(row for row in sent if row.pr_id != against.pr_id and not regex.get(row.pr_id))
    with receiver(warehouse) as url:
        assert click(url, against.slack_user_id, f"{against.pr_id}:none").status_code == 200
        assert click(url, most.slack_user_id, f"{most.pr_id}:most", tools=("cursor",)).status_code == 200
    prs, usage = survey_verdicts(warehouse)
    assert (prs[against.pr_id].effective_is_ai_assisted, prs[against.pr_id].effective_ai_tools) == (False, [])
    assert (prs[most.pr_id].effective_is_ai_assisted, prs[most.pr_id].effective_ai_tools) == (
        True,
        ["cursor"],
    )
    for pr_id, row in prs.items():  # without an answer: the LLM's verdict, then the patterns'
        if pr_id not in (against.pr_id, most.pr_id):
            assert row.survey_ai_answer is None
            assert row.effective_is_ai_assisted == (
                row.llm_is_ai_assisted if row.llm_is_ai_assisted is not None else row.is_ai_assisted
            )
    # ai_usage_daily: one survey row per person, merge day and org
    expected = Counter[tuple]()
    for row in (against, most):
        expected[(row.merged_at.date(), row.github_login)] += 1
    assert {(u.day, u.github_login): u.surveyed_pull_requests for u in usage} == dict(expected)
    assert sum(u.ai_assisted_pull_requests for u in usage) == 1
    assert sorted(tool for u in usage for tool in u.survey_tools) == ["cursor"]
    assert all(u.user_initiated_interaction_count is None and u.org == server.org.login for u in usage)


def test_without_a_bot_token_nobody_is_asked_and_the_run_says_why(fresh: World) -> None:
    result = materialize(fresh.warehouse, fresh.server, SURVEYS, SlackResource())
    assert result.success
    events = result.get_asset_materialization_events()
    assert events and all("SLACK_BOT_TOKEN" in e.materialization.metadata["status"].value for e in events)
    assert _rows(fresh.warehouse) == [] and fresh.server.slack.messages == []


def _window() -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(DAYS[0], dt.time(), dt.UTC)
    return start, dt.datetime.combine(DAYS[1], dt.time(), dt.UTC) + dt.timedelta(days=1)


def _reachable(server: SandboxServer, warehouse: WarehouseResource) -> list[str]:
    """Slack users of the people the days' surveys go to (those Dexxy has an address for)."""
    with warehouse.connect() as conn:
        targets = survey_targets(conn, *_window(), reviewers=True)
    found = (next((u for e in t.emails if (u := server.slack.workspace.by_email(e))), None) for t in targets)
    return list(dict.fromkeys(user.id for user in found if user is not None))


def _sent_to(server: SandboxServer, since: int) -> set[str]:
    return {user for _, user in _posted(server)[since:]}


def test_slacks_refusals_are_classified_and_only_a_passing_one_is_sent_again(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    everyone = slack_resource(server, ask_reviewers=True)
    disabled, passing = _reachable(server, warehouse)[:2]
    server.slack.config = SlackConfig(
        post_failures={disabled: "user_disabled", passing: "service_unavailable"}
    )
    try:
        assert materialize(warehouse, server, SURVEYS, everyone).success  # refusals are rows, not a failure
    finally:
        server.slack.config = SlackConfig()
    statuses = {(row.slack_user_id, row.status, row.error) for row in _rows(warehouse)}
    assert (disabled, "failed", "user_disabled") in statuses
    assert (passing, "retry", "service_unavailable") in statuses
    before = len(server.slack.messages)
    assert materialize(warehouse, server, SURVEYS, everyone).success
    assert _sent_to(server, before) == {passing}  # only the passing refusal is asked again
    assert {row.status for row in _rows(warehouse) if row.slack_user_id == passing} == {"sent"}


@pytest.mark.parametrize("failure", ["internal_error", "http_503"])
def test_a_post_whose_outcome_is_unknown_is_never_repeated(fresh: World, failure: str) -> None:
    """Slack's internal_error ("some aspect of the operation may have succeeded") is a row; a 5xx (or a
    timeout) fails the run with Slack's classified error. Either way the survey is never posted again."""
    server, warehouse = fresh.server, fresh.warehouse
    everyone = slack_resource(server, ask_reviewers=True)
    failing = _reachable(server, warehouse)[0]
    server.slack.config = SlackConfig(post_failures={failing: failure})
    try:
        result = materialize(warehouse, server, SURVEYS, everyone)
    finally:
        server.slack.config = SlackConfig()
    assert result.success is (failure == "internal_error")
    unknown = {(row.pr_id, row.slack_user_id) for row in _rows(warehouse) if row.status == "unconfirmed"}
    assert unknown and {user for _, user in unknown} == {failing}
    before = len(server.slack.messages)
    assert materialize(warehouse, server, SURVEYS, everyone).success
    assert not unknown & set(_posted(server)[before:])  # never posted again
    assert unknown <= {
        (row.pr_id, row.slack_user_id) for row in _rows(warehouse) if row.status == "unconfirmed"
    }
