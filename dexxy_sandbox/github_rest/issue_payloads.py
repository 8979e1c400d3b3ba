"""Issues in GitHub's REST shapes: `issue` (a pull request listed as an issue carries a `pull_request` key),
`issue-comment` (an issue's comments link to `/issues/N`, a pull request's to `/pull/N`), and the timeline's
`state-change-issue-event` for `closed` (with the merge commit when a pull request closed it), `reopened` and
`transferred`."""

from __future__ import annotations

from typing import Any

from dexxy_sandbox.github_rest.activity_payloads import GitHubActivityPayloads
from dexxy_sandbox.github_rest.payloads import Json, iso
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.issue_model import Issue, IssueStateEvent
from dexxy_sandbox.org.model import IssueComment, PullRequest


class IssuePayloads:
    """Renders one org's issues, sharing the pull-request and user objects of `activity`."""

    def __init__(self, activity: GitHubActivityPayloads) -> None:
        self.activity = activity
        self.core = activity.core
        self.org = activity.org

    def _urls(self, repo: str, number: int) -> tuple[str, str, str]:
        full_name = f"{self.org.login}/{repo}"
        return f"{self.core.api}/repos/{full_name}", f"{self.core.web}/{full_name}", full_name

    def _common(
        self,
        repo: str,
        number: int,
        item_id: int,
        node_id: str,
        labels: tuple[str, ...],
        assignees: tuple[str, ...],
    ) -> Json:
        api, web, _ = self._urls(repo, number)
        url = f"{api}/issues/{number}"
        repository = self.org.repository(repo)
        assert repository is not None
        people = [u for u in map(self.core.simple_user, assignees) if u]
        return {
            "url": url,
            "repository_url": api,
            "labels_url": f"{url}/labels{{/name}}",
            "comments_url": f"{url}/comments",
            "events_url": f"{url}/events",
            "html_url": f"{web}/issues/{number}",
            "id": item_id,
            "node_id": node_id,
            "number": number,
            "labels": [self.core.label(repository, name) for name in labels],
            "assignee": people[0] if people else None,
            "assignees": people,
            "milestone": None,
            "locked": False,
            "active_lock_reason": None,
            "timeline_url": f"{url}/timeline",
            "performed_via_github_app": None,
        }

    def issue(self, issue: Issue, detail: bool = False) -> Json:
        """An `issue`; a deleted author is `user: null`, as in GitHub's listings."""
        payload = self._common(
            issue.repo, issue.number, issue.id, issue.node_id, issue.labels, issue.assignees
        )
        payload.update(
            {
                "title": issue.title,
                "user": self.core.simple_user(issue.author),
                "state": issue.state,
                "state_reason": issue.state_reason,
                "comments": len(issue.comments),
                "created_at": iso(issue.created_at),
                "updated_at": iso(issue.updated_at),
                "closed_at": iso(issue.closed_at),
                "author_association": self.core.association(issue.author),
                "body": issue.body,
                "reactions": self.activity._reactions(payload["url"], issue.id),
            }
        )
        if detail:
            payload["closed_by"] = self.core.simple_user(issue.closed_by) if issue.closed_by else None
        return payload

    def pull_as_issue(self, pr: PullRequest) -> Json:
        """A pull request as the issues API lists it: its issue id, and `pull_request` with its links."""
        issue_id = pr.id + 1_000_000_000  # a pull request's issue has an id of its own
        payload = self._common(
            pr.repo, pr.number, issue_id, legacy_node_id("Issue", issue_id), pr.labels, pr.assignees
        )
        api, web, _ = self._urls(pr.repo, pr.number)
        html = f"{web}/pull/{pr.number}"
        payload.update(
            {
                "html_url": html,
                "title": pr.title,
                "user": self.core.simple_user(pr.author),
                "state": pr.state,
                "state_reason": None,
                "comments": pr.comments,
                "created_at": iso(pr.created_at),
                "updated_at": iso(pr.updated_at),
                "closed_at": iso(pr.closed_at),
                "author_association": self.core.association(pr.author),
                "body": pr.body,
                "draft": pr.draft,
                "pull_request": {
                    "url": f"{api}/pulls/{pr.number}",
                    "html_url": html,
                    "diff_url": f"{html}.diff",
                    "patch_url": f"{html}.patch",
                    "merged_at": iso(pr.merged_at),
                },
            }
        )
        return payload

    def comment(self, comment: IssueComment) -> Json:
        """An issue's `issue-comment` (`html_url` under `/issues/`)."""
        payload: dict[str, Any] = self.activity.issue_comment(comment)
        _, web, _ = self._urls(comment.repo, comment.number)
        payload["html_url"] = f"{web}/issues/{comment.number}#issuecomment-{comment.id}"
        return payload

    def state_event(self, issue: Issue, event: IssueStateEvent) -> Json:
        """A timeline `state-change-issue-event`; `commit_id` is the merge that closed it, if one did."""
        api, _, _ = self._urls(issue.repo, issue.number)
        commit_url = f"{api}/commits/{event.commit_id}" if event.commit_id else None
        return {
            "id": event.id,
            "node_id": legacy_node_id(_NODE_TYPES[event.event], event.id),
            "url": f"{api}/issues/events/{event.id}",
            "actor": self.core.user_or_ghost(event.actor),
            "event": event.event,
            "commit_id": event.commit_id,
            "commit_url": commit_url,
            "created_at": iso(event.created_at),
            "performed_via_github_app": None,
            "state_reason": event.state_reason,
        }


_NODE_TYPES = {"closed": "ClosedEvent", "reopened": "ReopenedEvent", "transferred": "TransferredEvent"}
