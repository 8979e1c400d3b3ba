"""`POST /repos/{owner}/{repo}/issues/{issue_number}/comments` on a pull request: GitHub's "Create an issue
comment" (request `{"body": ...}`, answer 201 with the `issue-comment`). The comment is kept
(`org.posted_comments`) and then listed by REST (`/issues/{n}/comments`, the repository's
`/issues/comments` with `since`, and `/issues/comments/{id}`) and GraphQL (`PullRequest.comments`); as on
GitHub, the pull request counts it (`comments`) and its `updated_at` becomes the comment's time (REST's pull
request and issue, GraphQL's `updatedAt`, the `since` / `sort=updated` / `UPDATED_AT` listings and search
all follow). The sandbox's token belongs to an app, so the comment's author is its bot
(`github-actions[bot]`).

The simulated people answer a comment that mentions the pull request's author and asks for an `/ai`
reply: the author replies (a comment of theirs, 90 seconds later) with `/ai none|some|most [tool]`, chosen
from a hash of the pull request so every run of a seed answers the same; a share never answers.
`dexxy sandbox serve --no-simulated-replies` (`SandboxServer(simulated_replies=False)`) switches the
respondent off (`PostedComments.auto_reply = False`); tests then write replies themselves with `reply`."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from dexxy_sandbox.github_rest.activity_payloads import GitHubActivityPayloads
from dexxy_sandbox.github_rest.handling import ApiError, OrgLookup, RestRequest
from dexxy_sandbox.github_rest.payloads import Json
from dexxy_sandbox.org.conversation_planner import CI_BOT
from dexxy_sandbox.org.model import IssueComment, SyntheticOrg

REPLY_DELAY = dt.timedelta(seconds=90)
_ANSWERS = ("none", "some", "most")
_TOOLS = ("copilot", "cursor", "claude", "chatgpt")


class CommentPosting:
    def __init__(self, org: SyntheticOrg, payloads: GitHubActivityPayloads, lookup: OrgLookup) -> None:
        self.org = org
        self.payloads = payloads
        self.lookup = lookup

    def routes(self) -> list[tuple[str, Any]]:
        """(path template, handler) of the POST routes."""
        return [("/repos/{owner}/{repo}/issues/{issue_number:int}/comments", self.create)]

    def create(self, request: RestRequest) -> Json:
        repo, pr = self.lookup.pull_request(request.params, "issue_number")
        try:
            sent = json.loads(request.body or b"null")
        except ValueError:
            raise ApiError(400, "Problems parsing JSON") from None
        body = sent.get("body") if isinstance(sent, dict) else None
        if not isinstance(body, str) or not body:
            raise ApiError(422, 'Invalid request.\n\n"body" wasn\'t supplied.')
        comment = reply(self.org, repo.name, pr.number, CI_BOT, body)
        if self.org.posted_comments.auto_reply and f"@{pr.author}" in body and "/ai" in body:
            self._respond(repo.name, pr.number, pr.author, comment.created_at)
        return self.payloads.issue_comment(comment)

    def _respond(self, repo: str, number: int, author: str, asked_at: dt.datetime) -> None:
        draw = hashlib.sha256(f"{self.org.seed}:{repo}:{number}".encode()).digest()
        if draw[0] / 256 < self.org.posted_comments.never_answer_share:
            return
        answer = _ANSWERS[draw[1] % len(_ANSWERS)]
        tool = f" {_TOOLS[draw[2] % len(_TOOLS)]}" if answer != "none" else ""
        reply(self.org, repo, number, author, f"/ai {answer}{tool}", asked_at + REPLY_DELAY)


def reply(
    org: SyntheticOrg, repo: str, number: int, author: str, body: str, at: dt.datetime | None = None
) -> IssueComment:
    """A conversation comment by `author` on the pull request, kept and listed from now on."""
    stamp = at or dt.datetime.now(dt.UTC).replace(microsecond=0)
    comment = IssueComment(org.posted_comments.next_id(), repo, number, author, body, stamp, stamp)
    org.add_comment(comment)
    return comment
