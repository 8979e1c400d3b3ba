"""Each payload shape parses straight into one typed record: a REST payload and the GraphQL node of the same
pull request (and of its children) give equal records, GraphQL's spellings normalised to REST's."""

from __future__ import annotations

import dataclasses
import datetime as dt

from dexxy_assets.github import graphql_records, rest_records
from dexxy_assets.github.pull_request_records import PullRequestRecord
from dexxy_assets.problems import ProblemLog

DAY = dt.date(2026, 5, 4)
AT = dt.datetime(2026, 5, 5, tzinfo=dt.UTC)
EMAIL = "1+x[bot]@users.noreply.github.com"  # a bot's commit address: GraphQL links no user
REST_PR = {
    "id": 11,
    "number": 7,
    "title": "PROJ-12 fix login",
    "body": "see PROJ-12",
    "html_url": "https://github.example/o/r/pull/7",
    "state": "closed",
    "draft": False,
    "merged": True,
    "user": {"login": "dependabot[bot]", "id": 99, "type": "Bot"},
    "head": {"ref": "fix/PROJ-12", "sha": "a" * 40},
    "base": {"ref": "main"},
    "merge_commit_sha": "b" * 40,
    "merged_by": {"login": "ann", "id": 1, "type": "User"},
    "additions": 3,
    "deletions": 1,
    "changed_files": 1,
    "commits": 1,
    "comments": 0,
    "review_comments": 2,
    "labels": [{"name": "deps"}],
    "created_at": "2026-05-01T10:00:00Z",
    "updated_at": "2026-05-04T10:00:00Z",
    "closed_at": "2026-05-04T09:00:00Z",
    "merged_at": "2026-05-04T09:00:00Z",
}
GRAPHQL_PR = {
    "databaseId": 11,
    "number": 7,
    "title": "PROJ-12 fix login",
    "body": "see PROJ-12",
    "url": "https://github.example/o/r/pull/7",
    "state": "MERGED",
    "isDraft": False,
    "author": {"__typename": "Bot", "login": "dependabot", "databaseId": 99},
    "headRefName": "fix/PROJ-12",
    "headRefOid": "a" * 40,
    "baseRefName": "main",
    "mergeCommit": {"oid": "b" * 40},
    "mergedBy": {"__typename": "User", "login": "ann", "databaseId": 1},
    "additions": 3,
    "deletions": 1,
    "changedFiles": 1,
    "commits": {"totalCount": 1},
    "comments": {"totalCount": 0},
    "reviewThreads": {"nodes": [{"comments": {"totalCount": 2}}]},
    "labels": {"nodes": [{"name": "deps"}]},
    "createdAt": "2026-05-01T10:00:00Z",
    "updatedAt": "2026-05-04T10:00:00Z",
    "closedAt": "2026-05-04T09:00:00Z",
    "mergedAt": "2026-05-04T09:00:00Z",
}


def _pull_request(parser, payload: dict, events: list) -> PullRequestRecord:  # type: ignore[no-untyped-def]
    problems = ProblemLog()
    record = parser.parse_pull_request(payload, "o/r", DAY, AT, problems, parser.draft_events(events))
    assert problems.total == 0, problems.by_problem()
    return record


def test_a_pull_request_parses_to_the_same_record_from_either_shape() -> None:
    rest = _pull_request(
        rest_records, REST_PR, [{"event": "ready_for_review", "created_at": "2026-05-02T00:00:00Z"}]
    )
    graphql = _pull_request(
        graphql_records,
        GRAPHQL_PR,
        [{"__typename": "ReadyForReviewEvent", "createdAt": "2026-05-02T00:00:00Z"}],
    )
    assert graphql == rest
    assert (rest.author_login, rest.author_is_bot, rest.jira_key, rest.state) == (
        "dependabot[bot]",
        True,
        "PROJ-12",
        "closed",
    )
    assert rest.opened_as_draft is True


def test_children_parse_to_the_same_records_from_either_shape() -> None:
    pr = _pull_request(rest_records, REST_PR, [])
    pairs = {
        "review": (
            {
                "id": 5,
                "user": {"login": "ann", "id": 1, "type": "User"},
                "state": "APPROVED",
                "body": "ok",
                "commit_id": "c" * 40,
                "submitted_at": "2026-05-03T00:00:00Z",
            },
            {
                "databaseId": 5,
                "author": {"__typename": "User", "login": "ann", "databaseId": 1},
                "state": "APPROVED",
                "body": "ok",
                "commit": {"oid": "c" * 40},
                "submittedAt": "2026-05-03T00:00:00Z",
            },
        ),
        "commit": (
            {
                "sha": "c" * 40,
                "commit": {
                    "message": "fix",
                    "author": {"name": "Bot", "email": EMAIL, "date": "2026-05-02T00:00:00Z"},
                    "committer": {"date": "2026-05-02T00:00:00Z"},
                },
                "author": {"login": "x[bot]", "id": 1},
                "committer": None,
                "parents": None,
            },
            {
                "commit": {
                    "oid": "c" * 40,
                    "message": "fix",
                    "authoredDate": "2026-05-02T00:00:00Z",
                    "committedDate": "2026-05-02T00:00:00Z",
                    "author": {"name": "Bot", "email": EMAIL, "user": None},
                }
            },
        ),
        "file": (
            {"filename": "docs/a.md", "status": "removed", "additions": 0, "deletions": 4, "changes": 4},
            {"path": "docs/a.md", "changeType": "DELETED", "additions": 0, "deletions": 4},
        ),
        "check_run": (
            {
                "id": 8,
                "name": "ci",
                "head_sha": "a" * 40,
                "app": {"slug": "actions"},
                "status": "completed",
                "conclusion": "success",
                "started_at": "2026-05-03T00:00:00Z",
                "completed_at": None,
            },
            {
                "databaseId": 8,
                "name": "ci",
                "headSha": "a" * 40,
                "app": {"slug": "actions"},
                "status": "COMPLETED",
                "conclusion": "SUCCESS",
                "startedAt": "2026-05-03T00:00:00Z",
            },
        ),
    }
    for name, (rest_payload, node) in pairs.items():
        problems = ProblemLog()
        rest = getattr(rest_records, f"parse_{name}")(rest_payload, pr, AT, problems)
        graphql = getattr(graphql_records, f"parse_{name}")(node, pr, AT, problems)
        assert graphql == rest, name
        assert problems.total == 0, (name, problems.by_problem())
    comment = {
        "id": 3,
        "user": None,
        "body": "hm",
        "path": "a.py",
        "line": 2,
        "in_reply_to_id": 1,
        "created_at": "2026-05-03T00:00:00Z",
        "updated_at": "2026-05-03T00:00:00Z",
    }
    node = {
        "databaseId": 3,
        "author": None,
        "body": "hm",
        "path": "a.py",
        "line": 2,
        "replyTo": {"databaseId": 1},
        "createdAt": "2026-05-03T00:00:00Z",
        "updatedAt": "2026-05-03T00:00:00Z",
    }
    rest_problems, graphql_problems = ProblemLog(), ProblemLog()
    rest = rest_records.parse_comment(comment, "review", pr, AT, rest_problems)
    graphql = graphql_records.parse_comment(node, "review", pr, AT, graphql_problems)
    assert graphql == rest and dataclasses.asdict(rest)["author_login"] is None
    # a deleted account counts the same problem in both modes
    assert rest_problems.by_problem() == graphql_problems.by_problem() == {"review_comment.user_missing": 1}
