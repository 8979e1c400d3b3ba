"""The PR survey as a comment on the merged pull request, end to end over real HTTP: the sandbox's GitHub
(which keeps the comment and lists it over REST and GraphQL), the real asset, a real warehouse. One comment
per pull request whatever re-runs happen; opted-out authors never; a POST whose outcome is unknown never
again; the author's `/ai` reply, read from the synced comments, is the survey's answer and comes first in
effective_is_ai_assisted; anyone else's reply is ignored and a malformed one is a problem."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from dexxy_sandbox.github_rest.comment_posting import reply
from dexxy_sandbox.org.conversation_planner import CI_BOT
from dexxy_sandbox.org.posted_comments import FIRST_POSTED_ID
from dexxy_sandbox.server import SandboxServer
from dexxy_sandbox.slack import SlackConfig
from resources.github import GitHubResource
from resources.slack import SlackResource
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_selection
from tests.slack_fixtures import (
    DAYS,
    GITHUB,
    SURVEYS,
    World,
    materialize,
    slack_resource,
    staged_world,
    survey_verdicts,
)

VARIABLES = (
    "SLACK_BOT_TOKEN",
    "SLACK_SIGNING_SECRET",
    "SLACK_API_URL",
    "DEXXY_SURVEY_OPT_OUT",
    "DEXXY_SURVEY_GITHUB_COMMENT",
)
COMMENTS_ROUTE = "error_rate@issues/{issue_number}/comments=1"
RANGE = {
    "dagster/asset_partition_range_start": DAYS[0].isoformat(),
    "dagster/asset_partition_range_end": DAYS[1].isoformat(),
}


@pytest.fixture(scope="module")
def world(server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    with staged_world(server_url, tmp_path_factory.mktemp("home"), VARIABLES) as staged:
        yield staged


@pytest.fixture
def fresh(world: World) -> World:
    """No survey sent, no comment posted or staged, nobody replying by themselves."""
    with world.warehouse.begin() as conn:
        conn.execute(
            text("TRUNCATE ops.pr_survey_deliveries, ops.pr_survey_comment_replies, ops.ingest_problems")
        )
        conn.execute(
            text("DELETE FROM staging.github_pr_comments WHERE comment_id >= :first"),
            {"first": FIRST_POSTED_ID},
        )
    world.server.org.posted_comments.clear()
    world.server.org.posted_comments.auto_reply = False
    world.server.slack.messages.clear()
    world.server.faults = None
    return world


def comments_only(**overrides: Any) -> SlackResource:
    """No Slack: the comment is the survey (every sandbox day is within the survey's age)."""
    return SlackResource(github_comment=True, max_age_hours=24 * 365 * 10, **overrides)


def _rows(warehouse: WarehouseResource) -> list[Any]:
    with warehouse.connect() as conn:
        return list(conn.execute(text("SELECT * FROM ops.pr_survey_deliveries ORDER BY pr_id, person")))


def _merged(warehouse: WarehouseResource) -> dict[int, Any]:
    """The days' merged pull requests by human authors, by pr_id."""
    with warehouse.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT pr_id, repo_full_name, pr_number, lower(author_login) AS author "
                "FROM staging.github_pull_requests WHERE merged_at >= :start "
                "AND merged_at < CAST(:end AS date) + 1 AND NOT author_is_bot"
            ),
            {"start": DAYS[0], "end": DAYS[1]},
        )
        return {row.pr_id: row for row in rows}


def _asked(server: SandboxServer) -> Counter[tuple[str, int]]:
    """(repository name, number) of every comment Dexxy's bot posted."""
    return Counter((c.repo, c.number) for c in server.org.posted_comments.all() if c.author == CI_BOT)


def _key(row: Any) -> tuple[str, int]:
    return (row.repo_full_name.split("/", 1)[1], row.pr_number)


def _sync_commented(warehouse: WarehouseResource, server: SandboxServer) -> None:
    """The GitHub sync of the days the comments were written: as on GitHub, a comment makes its pull request
    updated then (today, not the sandbox's fixed days), so that day's partition lists it with its replies."""
    days = sorted(c.updated_at.date() for c in server.org.posted_comments.all())
    assert materialize(warehouse, server, GITHUB, days=(days[0], days[-1])).success


def _metadata(result: Any) -> Any:
    return result.get_asset_materialization_events()[-1].materialization.metadata


def _problems(result: Any) -> Counter[str]:
    kinds = Counter[str]()
    for event in result.get_asset_materialization_events():
        problems = event.materialization.metadata.get("problems_by_kind")
        kinds.update(problems.value if problems else {})
    return kinds


def test_one_comment_per_pull_request_across_reruns_and_opted_out_authors_never(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    merged = _merged(warehouse)
    authors = sorted({row.author for row in merged.values()})
    assert len(merged) >= 4 and len(authors) >= 2
    opted = authors[0]
    settings = comments_only(opt_out=[opted.upper()])
    first = materialize(warehouse, server, SURVEYS, settings)
    again = materialize(warehouse, server, SURVEYS, settings)
    assert first.success and again.success
    expected = {_key(row) for row in merged.values() if row.author != opted}
    asked = _asked(server)
    assert set(asked) == expected and set(asked.values()) == {1}  # once each, never the opted-out author
    rows = _rows(warehouse)
    assert {(row.pr_id, row.person) for row in rows} == {
        (pr_id, row.author) for pr_id, row in merged.items() if row.author != opted
    }
    assert {(row.channel, row.status) for row in rows} == {("github_comment", "sent")}
    posted = {c.id: c for c in server.org.posted_comments.all()}
    for row in rows:  # the row names the comment GitHub answered with; the comment names the author
        comment = posted[int(row.message_ts)]
        assert (comment.repo, comment.number) == _key(merged[row.pr_id])
        assert comment.body.startswith(f"@{row.github_login} ") and "/ai none" in comment.body
        assert row.channel_id.endswith(f"#issuecomment-{comment.id}") and row.sent_at is not None
    assert _metadata(first)["github_comments_sent_in_run"].value == len(expected)
    assert _metadata(again)["github_comments_sent_in_run"].value == 0
    assert _metadata(again)["already_asked"].value == len(expected)


@pytest.mark.parametrize("failure", ["5xx", "timeout"])
def test_a_comment_post_that_times_out_or_answers_5xx_is_never_posted_again(
    fresh: World, failure: str
) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    github = github_resource(server)
    if failure == "5xx":
        server.faults = COMMENTS_ROUTE  # every POST of a comment answers 500, 502 or 503
    else:  # GitHub answers after the client gave up (the survey run makes no other GitHub call)
        server.faults = "latency_ms=1500"
        github = GitHubResource(
            api_url=server.github_api_url, token=SANDBOX_TOKEN, orgs=[server.org.login], timeout_seconds=0.5
        )
    failed = materialize_selection(
        warehouse, github, SURVEYS, tags=RANGE, resources={"slack": comments_only()}
    )
    server.faults = None
    assert not failed.success  # GitHub's classified "unavailable" error, as for any 5xx or timeout
    unknown = [row for row in _rows(warehouse) if row.status == "unconfirmed"]
    assert len(unknown) == 1 and unknown[0].channel == "github_comment"
    assert unknown[0].error in ("GitHubUnavailableError", "GitHubNetworkError")
    merged = _merged(warehouse)
    lost = _key(merged[unknown[0].pr_id])
    # a 5xx fault answers before GitHub's handler (no comment); the slow answer's comment lands after the
    # client gave up: wait for it (bounded), so a re-post could not hide behind it
    landed = 0 if failure == "5xx" else 1
    deadline = time.monotonic() + 30
    while _asked(server)[lost] < landed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _asked(server)[lost] == landed
    assert materialize(warehouse, server, SURVEYS, comments_only()).success
    after = _asked(server)
    assert after[lost] == landed  # never posted again
    assert {key: n for key, n in after.items() if key != lost} == {
        _key(row): 1 for pr_id, row in merged.items() if pr_id != unknown[0].pr_id
    }  # everyone else asked once
    assert [row.pr_id for row in _rows(warehouse) if row.status == "unconfirmed"] == [unknown[0].pr_id]


def test_slack_first_and_the_comment_for_those_slack_cannot_reach(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    plain = materialize(warehouse, server, SURVEYS, slack_resource(server))  # the setting off: Slack only
    assert plain.success and _asked(server) == Counter()
    unreachable = [row for row in _rows(warehouse) if row.status in ("no_email", "no_slack_user", "failed")]
    reached = [row for row in _rows(warehouse) if row.status == "sent"]
    disabled = reached[0]
    server.slack.config = SlackConfig(post_failures={disabled.slack_user_id: "user_disabled"})
    with warehouse.begin() as conn:  # Slack refuses this person from now on
        conn.execute(
            text("DELETE FROM ops.pr_survey_deliveries WHERE slack_user_id = :user"),
            {"user": disabled.slack_user_id},
        )
    try:
        both = materialize(warehouse, server, SURVEYS, slack_resource(server, github_comment=True))
    finally:
        server.slack.config = SlackConfig()
    assert both.success
    merged = _merged(warehouse)
    rows = _rows(warehouse)
    by_comment = {row.pr_id for row in rows if row.channel == "github_comment"}
    expected = {row.pr_id for row in unreachable} | {
        row.pr_id for row in rows if row.slack_user_id == disabled.slack_user_id
    }
    assert by_comment == expected and by_comment
    assert set(_asked(server)) == {_key(merged[pr_id]) for pr_id in by_comment}
    assert all(row.status == "sent" for row in rows if row.channel == "github_comment")
    slack_sent = {row.pr_id for row in rows if row.channel == "slack" and row.status == "sent"}
    assert slack_sent and not slack_sent & by_comment  # a person reached by Slack gets no comment


def test_the_authors_reply_is_the_answer_and_others_replies_are_ignored(fresh: World) -> None:
    server, warehouse = fresh.server, fresh.warehouse
    merged = _merged(warehouse)
    authors = sorted({row.author for row in merged.values()})
    opted = authors[0]
    settings = comments_only(opt_out=[opted])
    assert materialize(warehouse, server, SURVEYS, settings).success
    asked = [merged[row.pr_id] for row in _rows(warehouse)]
    assert len(asked) >= 4
    with warehouse.connect() as conn:
        regex = dict(conn.execute(text("SELECT pr_id, is_ai_assisted FROM processing.pr_ai_detection")).all())
    against = next((pr for pr in asked if regex.get(pr.pr_id)), asked[0])  # "none" against the patterns
    most, other, malformed = [pr for pr in asked if pr.pr_id != against.pr_id][:3]
    never_asked = next(pr for pr in merged.values() if pr.author == opted)
    stranger = next(a for a in authors if a != other.author)
    org = server.org
    reply(org, *_key(against), against.author, "/ai none")
    reply(org, *_key(against), against.author, "/ai most copilot")  # later: the first answer stays
    reply(org, *_key(most), most.author, "/AI most, Cursor claude-code")
    reply(org, *_key(other), stranger, "/ai most")  # not the author: ignored
    reply(org, *_key(malformed), malformed.author, "/ai perhaps")
    reply(org, *_key(never_asked), never_asked.author, "/ai some")
    reply(org, *_key(malformed), malformed.author, "I used /ai none of the time")  # not a command
    _sync_commented(warehouse, server)  # the sync stages the replies
    result = materialize(warehouse, server, SURVEYS, settings)
    assert result.success
    rows = {row.pr_id: row for row in _rows(warehouse)}
    assert (rows[against.pr_id].answer, rows[against.pr_id].answer_source) == ("none", "github_comment")
    assert (rows[most.pr_id].answer, rows[most.pr_id].tools) == ("most", ["claude", "cursor"])
    assert rows[other.pr_id].answer is None and rows[malformed.pr_id].answer is None
    assert never_asked.pr_id not in rows
    with warehouse.connect() as conn:
        replies = Counter(conn.execute(text("SELECT status FROM ops.pr_survey_comment_replies")).scalars())
    assert replies == Counter(recorded=2, already_answered=1, not_author=1, malformed=1, unknown_survey=1)
    assert _problems(result) == Counter(survey_reply_malformed=1, survey_reply_unknown_survey=1)
    assert _metadata(result)["github_replies_by_others"].value == 1
    # a re-run reads nothing twice
    assert materialize(warehouse, server, SURVEYS, settings).success
    with warehouse.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ops.pr_survey_comment_replies")).scalar_one() == 6
    prs, usage = survey_verdicts(warehouse)
    with warehouse.connect() as conn:
        view = {
            row.pr_id: row
            for row in conn.execute(text("SELECT pr_id, channel, answer_source FROM analytics.pr_surveys"))
        }
    assert (prs[against.pr_id].effective_is_ai_assisted, prs[against.pr_id].survey_ai_answer) == (
        False,
        "none",
    )
    assert (prs[most.pr_id].effective_is_ai_assisted, prs[most.pr_id].effective_ai_tools) == (
        True,
        ["claude", "cursor"],
    )
    assert sum(u.surveyed_pull_requests for u in usage) == 2
    assert sum(u.ai_assisted_pull_requests for u in usage) == 1
    assert (view[most.pr_id].channel, view[most.pr_id].answer_source) == ("github_comment", "github_comment")
    assert view[other.pr_id].answer_source is None


def test_the_simulated_authors_answer_over_rest_and_graphql(fresh: World) -> None:
    """The sandbox's respondent: the comment, then the author's /ai reply, in both APIs' listings."""
    server, warehouse = fresh.server, fresh.warehouse
    server.org.posted_comments.auto_reply = True
    assert materialize(warehouse, server, SURVEYS, comments_only()).success
    rows = _rows(warehouse)
    merged = _merged(warehouse)
    replies = [r for r in server.org.posted_comments.all() if r.author != CI_BOT]
    assert replies and all(r.body.startswith("/ai ") for r in replies)
    repo, number = replies[0].repo, replies[0].number
    ours = next(int(row.message_ts) for row in rows if _key(merged[row.pr_id]) == (repo, number))
    headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
    listed = httpx.get(
        f"{server.github_api_url}/repos/{server.org.login}/{repo}/issues/{number}/comments", headers=headers
    ).json()
    query = (
        "query($o: String!, $r: String!, $n: Int!) { repository(owner: $o, name: $r) { "
        "pullRequest(number: $n) { comments(last: 5) { nodes { databaseId body author { login } } } } } }"
    )
    answer = httpx.post(
        f"{server.github_api_url}/graphql",
        json={"query": query, "variables": {"o": server.org.login, "r": repo, "n": number}},
        headers=headers,
    ).json()
    nodes = answer["data"]["repository"]["pullRequest"]["comments"]["nodes"]
    for ids in ({c["id"] for c in listed}, {n["databaseId"] for n in nodes}):
        assert {ours, replies[0].id} <= ids  # the survey's comment and the author's reply
    assert next(c for c in listed if c["id"] == ours)["user"]["login"] == CI_BOT
    _sync_commented(warehouse, server)
    assert materialize(warehouse, server, SURVEYS, comments_only()).success
    answered = {(row.pr_id, row.answer) for row in _rows(warehouse) if row.answer}
    by_key = {_key(row): pr_id for pr_id, row in merged.items()}
    assert answered == {(by_key[(r.repo, r.number)], r.body.split()[1]) for r in replies}


def test_a_comment_github_refuses_is_a_problem_and_not_posted_again(fresh: World) -> None:
    """A pull request gone (404) is ``failed`` with GitHub's words: counted, and no later run posts it."""
    server, warehouse = fresh.server, fresh.warehouse
    server.faults = "vanish_rate=1"  # every pull request answers 404
    refused = materialize(warehouse, server, SURVEYS, comments_only())
    server.faults = None
    assert refused.success  # a refusal about one pull request is a row, not a failed run
    rows = _rows(warehouse)
    assert rows and {(row.channel, row.status) for row in rows} == {("github_comment", "failed")}
    assert all(row.error.startswith("404 ") for row in rows)
    assert _problems(refused) == Counter(survey_github_comment_refused=len(rows))
    assert materialize(warehouse, server, SURVEYS, comments_only()).success
    assert _asked(server) == Counter()
