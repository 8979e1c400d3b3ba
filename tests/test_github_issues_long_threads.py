"""Threads longer than a GraphQL page, over real HTTP against the sandbox and into a real warehouse: the
sandbox's seeded issue with 130 comments and discussion with 40 comments (one of them with 30 replies) are
staged whole in both fetch modes, each long list read on from its ``endCursor`` for that item only; an issue
or discussion GitHub no longer resolves while it is read keeps what the listing gave and is counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from dexxy_assets.github import issue_queries
from dexxy_assets.github.discussion_fetch import fetch_discussions, whole_thread
from dexxy_assets.github.issue_fetch import ISSUE_CHILDREN, made_whole
from dexxy_assets.problems import ProblemLog
from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.org import generate_org
from dexxy_sandbox.org.issue_generator import LONG_DISCUSSION_COMMENTS, LONG_ISSUE_COMMENTS, issue_book
from dexxy_sandbox.server import SandboxServer
from resources.github_graphql import GitHubGraphQL
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL

DAYS = 10
START = SANDBOX_UNTIL - dt.timedelta(days=DAYS - 1)
SELECTION = (
    "key:github/repositories or key:github/issues or key:github/issue_comments or "
    "key:github/issues_staged or key:github/discussions or key:github/discussion_comments or "
    "key:github/discussions_staged"
)
COMMENTS_PER_ISSUE = (
    "SELECT issue_number, count(*) AS n FROM staging.github_issue_comments GROUP BY issue_number"
)
COMMENT_IDS = "SELECT comment_id FROM staging.github_issue_comments ORDER BY comment_id"
DISCUSSION_COMMENTS = "SELECT comment_node_id FROM staging.github_discussion_comments ORDER BY 1"
SHORT_LISTS = (
    "SELECT problem FROM ops.ingest_problems WHERE problem LIKE '%truncated' OR problem LIKE '%vanish%'"
)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    org = generate_org(seed=11, engineers=4, repos=1, days=DAYS, until=SANDBOX_UNTIL)
    server = SandboxServer(org=org, tokens=(SANDBOX_TOKEN,), rate_limit_per_hour=100_000)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _scalars(warehouse: WarehouseResource, sql: str) -> list:
    with warehouse.connect() as conn:
        return list(conn.execute(text(sql)).scalars())


def test_long_threads_are_staged_whole_in_both_fetch_modes(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    book = issue_book(sandbox.org)
    longest = max(book.all_issues(), key=lambda i: len(i.comments))
    thread = max(book.all_discussions(), key=lambda d: len(d.comments))
    tops = [c for c in thread.comments if c.reply_to is None]
    most_replies = max(sum(r.reply_to == c.id for r in thread.comments) for c in tops)
    # the seeded threads are longer than the queries' pages: comments(first: 100), (first: 25), replies(25)
    assert len(longest.comments) >= LONG_ISSUE_COMMENTS > issue_queries.LIMITS["comments"]
    assert len(tops) >= LONG_DISCUSSION_COMMENTS > issue_queries.LIMITS["dcomments"]
    assert most_replies > issue_queries.LIMITS["replies"]
    staged = {}
    for mode in ("rest", "graphql"):
        warehouse = WarehouseResource(database_url=make_database())
        assert materialize_range(
            warehouse, github_resource(sandbox, fetch_mode=mode), START, SANDBOX_UNTIL, selection=SELECTION
        ).success, mode
        with warehouse.connect() as conn:
            per_issue = {row.issue_number: row.n for row in conn.execute(text(COMMENTS_PER_ISSUE))}
        assert per_issue[longest.number] == len(longest.comments), mode
        staged[mode] = _scalars(warehouse, COMMENT_IDS)
        assert staged[mode] == sorted(c.id for i in book.all_issues() for c in i.comments), mode
        assert _scalars(warehouse, DISCUSSION_COMMENTS) == sorted(
            c.node_id for d in book.all_discussions() for c in d.comments
        ), mode
        assert _scalars(warehouse, SHORT_LISTS) == [], mode  # nothing left short, nothing vanished
    assert staged["graphql"] == staged["rest"]


def _listed_long_issue(graphql: GitHubGraphQL, repo: str, number: int) -> dict:
    owner, _, name = repo.partition("/")
    variables = {"owner": owner, "name": name, "since": "2000-01-01T00:00:00Z", "after": None}
    data = graphql.execute(issue_queries.REPOSITORY_ISSUES, variables)
    return next(n for n in data["repository"]["issues"]["nodes"] if n["number"] == number)


def test_an_item_gone_while_its_long_list_is_read_keeps_what_was_listed(sandbox) -> None:  # type: ignore[no-untyped-def]
    book = issue_book(sandbox.org)
    longest = max(book.all_issues(), key=lambda i: len(i.comments))
    repo = f"{sandbox.org.login}/{longest.repo}"
    pull = sandbox.org.pulls(longest.repo)[0].number  # a number that holds no issue: NOT_FOUND on GitHub
    day = dt.date(2026, 1, 1)
    with github_resource(sandbox, fetch_mode="graphql").client() as client:
        graphql = GitHubGraphQL(client)
        listed = _listed_long_issue(graphql, repo, longest.number)
        problems = ProblemLog()
        whole = made_whole(graphql, repo, listed, ISSUE_CHILDREN, problems, day)
        assert len(whole["comments"]["nodes"]) == len(longest.comments) and problems.by_problem() == {}
        problems = ProblemLog()
        gone = made_whole(graphql, repo, {**listed, "number": pull}, ISSUE_CHILDREN, problems, day)
        assert len(gone["comments"]["nodes"]) == issue_queries.LIMITS["comments"]  # as the listing gave it
        assert problems.by_problem() == {"issue.vanished_while_read": 1}
        assert "Could not resolve to an Issue with the number of" in str(problems.examples)
        # a discussion deleted while read: the same (its listed page kept, counted, never a crash)
        thread = max(book.all_discussions(), key=lambda d: len(d.comments))
        problems = ProblemLog()
        start = dt.datetime.combine(START, dt.time(), tzinfo=dt.UTC) - dt.timedelta(days=30)
        end = dt.datetime.combine(SANDBOX_UNTIL, dt.time(), tzinfo=dt.UTC) + dt.timedelta(days=1)
        _, comments = fetch_discussions(graphql, f"{sandbox.org.login}/{thread.repo}", start, end, problems)
        assert len([c for c in comments if c.discussion_node_id == thread.node_id]) == len(thread.comments)
        assert problems.by_problem() == {}
        data = graphql.execute(
            issue_queries.REPOSITORY_DISCUSSIONS,
            {"owner": sandbox.org.login, "name": thread.repo, "after": None},
        )
        node = next(n for n in data["repository"]["discussions"]["nodes"] if n["id"] == thread.node_id)
        kept = whole_thread(graphql, repo, {**node, "number": pull}, problems, day)
        assert {c["id"] for c in kept} < {c.node_id for c in thread.comments}
        assert len([c for c in kept if c["replyTo"] is None]) == issue_queries.LIMITS["dcomments"]
        assert problems.by_problem() == {"discussion.vanished_while_read": 1}


def test_issues_deleted_after_the_listing_are_kept_as_listed_and_counted(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    """The sandbox's ``vanish_rate`` fault deletes every issue after it is listed: REST's timeline answers
    410 Gone, GraphQL's ``issue(number:)`` NOT_FOUND; both runs succeed and count it."""
    book = issue_book(sandbox.org)
    longest = max(book.all_issues(), key=lambda i: len(i.comments))
    sandbox.faults = FaultConfig(vanish_rate=1.0)
    try:
        problems = {}
        for mode in ("rest", "graphql"):
            warehouse = WarehouseResource(database_url=make_database())
            assert materialize_range(
                warehouse,
                github_resource(sandbox, fetch_mode=mode),
                START,
                SANDBOX_UNTIL,
                selection=SELECTION,
            ).success, mode
            with warehouse.connect() as conn:
                problems[mode] = dict(
                    conn.execute(
                        text("SELECT problem, sum(occurrences) FROM ops.ingest_problems GROUP BY problem")
                    ).all()
                )
                staged = conn.execute(
                    text("SELECT count(*) FROM staging.github_issues WHERE issue_node_id = :id"),
                    {"id": longest.node_id},
                ).scalar_one()
            assert staged == 1, mode  # kept as the listing gave it
    finally:
        sandbox.faults = FaultConfig()
    assert problems["rest"]["issue.timeline_unavailable"] == len(
        [i for i in book.all_issues() if i.updated_at != i.created_at]
    )
    assert problems["graphql"]["issue.vanished_while_read"] == 1  # only the long issue is read again
