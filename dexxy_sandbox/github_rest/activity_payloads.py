"""GitHub REST shapes for what happens around a pull request: files, check runs, comments, timeline events,
deployments, comparisons, single commits and installation tokens.

Built on `GitHubPayloads` (users, repositories, commits), with the same conventions: API links under the REST
root, web links under the server root, `user: null` for deleted accounts where the schema allows it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from urllib.parse import quote

from dexxy_sandbox.github_rest.payloads import GitHubPayloads, Json, iso
from dexxy_sandbox.org.git_graph import Comparison, Position, RepositoryGraph
from dexxy_sandbox.org.github_ids import legacy_node_id, stable_sha
from dexxy_sandbox.org.model import (
    ChangedFile,
    CheckRun,
    Commit,
    Deployment,
    DeploymentStatus,
    IssueComment,
    IssueEvent,
    PullRequest,
    Repository,
    ReviewComment,
)

# The GitHub-owned apps that own check runs and deployments (their real ids, for recognisability).
_APPS: dict[str, dict[str, object]] = {
    "github-actions": {
        "id": 15368,
        "client_id": "Iv1.05c79e9ad1f6bdfa",
        "name": "GitHub Actions",
        "description": "Automate your workflow from idea to production",
        "external_url": "https://help.github.com/en/actions",
        "created_at": "2018-07-30T09:30:17Z",
        "updated_at": "2024-04-10T20:33:16Z",
        "permissions": {
            "actions": "write",
            "checks": "write",
            "contents": "write",
            "deployments": "write",
            "issues": "write",
            "metadata": "read",
            "pull_requests": "write",
            "statuses": "write",
        },
        "events": ["check_run", "check_suite", "deployment", "pull_request", "push", "workflow_dispatch"],
    },
    "github-advanced-security": {
        "id": 57789,
        "client_id": "Iv1.4a1f8c5b6e3d2c19",
        "name": "GitHub Advanced Security",
        "description": "Code scanning results from CodeQL",
        "external_url": "https://github.com/features/security",
        "created_at": "2020-01-23T21:24:36Z",
        "updated_at": "2024-06-11T09:02:51Z",
        "permissions": {
            "checks": "write",
            "contents": "read",
            "metadata": "read",
            "security_events": "write",
        },
        "events": ["check_run", "check_suite", "code_scanning_alert"],
    },
}
_EVENT_NODE_TYPES = {
    "labeled": "LabeledEvent",
    "assigned": "AssignedEvent",
    "review_requested": "ReviewRequestedEvent",
    "ready_for_review": "ReadyForReviewEvent",
    "convert_to_draft": "ConvertToDraftEvent",
    "merged": "MergedEvent",
    "closed": "ClosedEvent",
    "head_ref_deleted": "HeadRefDeletedEvent",
}


class GitHubActivityPayloads:
    """Builds the activity payloads of one org, sharing `core`'s user and repository objects."""

    def __init__(self, core: GitHubPayloads) -> None:
        self.core = core
        self.org = core.org
        self.api = core.api
        self.web = core.web
        self._github_owner = core._simple_user_dict(
            "github", 9919, legacy_node_id("Organization", 9919), "Organization"
        )
        self._apps: dict[str, Json] = {}

    def _repo_urls(self, repo: str) -> tuple[str, str]:
        full_name = f"{self.org.login}/{repo}"
        return f"{self.api}/repos/{full_name}", f"{self.web}/{full_name}"

    def app(self, slug: str) -> Json:
        """An `integration` (GitHub Actions or GitHub Advanced Security)."""
        cached = self._apps.get(slug)
        if cached is None:
            info = _APPS[slug]
            cached = {
                "id": info["id"],
                "slug": slug,
                "node_id": legacy_node_id("App", str(info["id"])),
                "client_id": info["client_id"],
                "owner": self._github_owner,
                "name": info["name"],
                "description": info["description"],
                "external_url": info["external_url"],
                "html_url": f"{self.web}/apps/{slug}",
                "created_at": info["created_at"],
                "updated_at": info["updated_at"],
                "permissions": info["permissions"],
                "events": info["events"],
            }
            self._apps[slug] = cached
        return cached

    def _reactions(self, url: str, seed: int) -> Json:
        thumbs = 1 if seed % 7 == 0 else 0
        hearts = 1 if seed % 23 == 0 else 0
        return {
            "url": f"{url}/reactions",
            "total_count": thumbs + hearts,
            "+1": thumbs,
            "-1": 0,
            "laugh": 0,
            "confused": 0,
            "heart": hearts,
            "hooray": 0,
            "eyes": 0,
            "rocket": 0,
        }

    # ----- files -----
    def changed_file(self, repo: str, ref: str, file: ChangedFile) -> Json:
        """A `diff-entry` (GET /pulls/{n}/files, compare and single-commit `files`)."""
        api, web = self._repo_urls(repo)
        path = quote(file.filename)
        payload: Json = {
            "sha": file.blob_sha,
            "filename": file.filename,
            "status": file.status,
            "additions": file.additions,
            "deletions": file.deletions,
            "changes": file.changes,
            "blob_url": f"{web}/blob/{ref}/{path}",
            "raw_url": f"{web}/raw/{ref}/{path}",
            "contents_url": f"{api}/contents/{path}?ref={ref}",
        }
        if file.patch is not None:
            payload["patch"] = file.patch
        if file.previous_filename is not None:
            payload["previous_filename"] = file.previous_filename
        return payload

    # ----- check runs -----
    def check_run(self, repo: str, run: CheckRun) -> Json:
        """A `check-run`; `pull_requests` lists the open PR whose head it ran on."""
        api, web = self._repo_urls(repo)
        if run.app == "github-actions":
            html = f"{web}/actions/runs/{run.workflow_run_id}/job/{run.id}"
        else:
            html = f"{web}/runs/{run.id}"
        pulls: list[Json] = []
        pr = self.org.pull(repo, run.pull_number) if run.pull_number is not None else None
        if pr is not None and pr.state == "open" and pr.head_sha == run.head_sha:
            pulls.append(self.pull_minimal(pr))
        return {
            "id": run.id,
            "name": run.name,
            "node_id": legacy_node_id("CheckRun", run.id),
            "head_sha": run.head_sha,
            "external_id": str(uuid.UUID(stable_sha("check-run", run.id)[:32])),
            "url": f"{api}/check-runs/{run.id}",
            "html_url": html,
            "details_url": html,
            "status": run.status,
            "conclusion": run.conclusion,
            "started_at": iso(run.started_at),
            "completed_at": iso(run.completed_at),
            "output": {
                "title": run.output_title,
                "summary": run.output_summary,
                "text": None,
                "annotations_count": run.annotations,
                "annotations_url": f"{api}/check-runs/{run.id}/annotations",
            },
            "check_suite": {"id": run.suite_id},
            "app": self.app(run.app),
            "pull_requests": pulls,
        }

    def pull_minimal(self, pr: PullRequest) -> Json:
        repo = self.org.repository(pr.repo)
        assert repo is not None
        api, _ = self._repo_urls(pr.repo)
        ref_repo = {"id": repo.id, "url": api, "name": repo.name}
        return {
            "id": pr.id,
            "number": pr.number,
            "url": f"{api}/pulls/{pr.number}",
            "head": {"ref": pr.head_ref, "sha": pr.head_sha, "repo": ref_repo},
            "base": {"ref": pr.base_ref, "sha": pr.base_sha, "repo": ref_repo},
        }

    # ----- comments -----
    def issue_comment(self, comment: IssueComment) -> Json:
        """An `issue-comment`; a deleted author is `user: null`."""
        api, web = self._repo_urls(comment.repo)
        url = f"{api}/issues/comments/{comment.id}"
        return {
            "id": comment.id,
            "node_id": legacy_node_id("IssueComment", comment.id),
            "url": url,
            "html_url": f"{web}/pull/{comment.number}#issuecomment-{comment.id}",
            "body": comment.body,
            "user": self.core.simple_user(comment.author),
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "issue_url": f"{api}/issues/{comment.number}",
            "author_association": self.core.association(comment.author),
            "performed_via_github_app": None,
            "reactions": self._reactions(url, comment.id),
        }

    def review_comment(self, comment: ReviewComment) -> Json:
        """A `pull-request-review-comment`; replies carry `in_reply_to_id`, first comments do not."""
        api, web = self._repo_urls(comment.repo)
        url = f"{api}/pulls/comments/{comment.id}"
        html = f"{web}/pull/{comment.number}#discussion_r{comment.id}"
        pull_url = f"{api}/pulls/{comment.number}"
        payload: Json = {
            "url": url,
            "pull_request_review_id": comment.review_id,
            "id": comment.id,
            "node_id": legacy_node_id("PullRequestReviewComment", comment.id),
            "diff_hunk": comment.diff_hunk,
            "path": comment.path,
            "commit_id": comment.commit_id,
            "original_commit_id": comment.original_commit_id,
            "user": self.core.simple_user(comment.author),
            "body": comment.body,
            "created_at": iso(comment.created_at),
            "updated_at": iso(comment.updated_at),
            "html_url": html,
            "pull_request_url": pull_url,
            "author_association": self.core.association(comment.author),
            "_links": {"self": {"href": url}, "html": {"href": html}, "pull_request": {"href": pull_url}},
            "reactions": self._reactions(url, comment.id),
            "start_line": None,
            "original_start_line": None,
            "start_side": None,
            "subject_type": "line" if comment.line is not None else "file",
        }
        if comment.position is not None:
            payload["position"] = comment.position
            payload["original_position"] = comment.position
        if comment.line is not None:
            payload.update({"line": comment.line, "original_line": comment.line, "side": comment.side})
        if comment.in_reply_to_id is not None:
            payload["in_reply_to_id"] = comment.in_reply_to_id
        return payload

    # ----- timeline events -----
    def issue_event(self, pr: PullRequest, event: IssueEvent) -> Json:
        """An `issue-event-for-issue`; deleted actors show as `ghost`, as GitHub does."""
        api, _ = self._repo_urls(pr.repo)
        node_type = _EVENT_NODE_TYPES.get(event.event, "IssueEvent")
        payload: Json = {
            "id": event.id,
            "node_id": legacy_node_id(node_type, event.id),
            "url": f"{api}/issues/events/{event.id}",
            "actor": self.core.user_or_ghost(event.actor),
            "event": event.event,
            "commit_id": event.commit_id,
            "commit_url": f"{api}/commits/{event.commit_id}" if event.commit_id else None,
            "created_at": iso(event.created_at),
            "performed_via_github_app": None,
        }
        if event.event == "labeled" and event.label:
            label = self.core.label(self._repository(pr.repo), event.label)
            payload["label"] = {"name": label["name"], "color": label["color"]}
        elif event.event == "assigned" and event.subject:
            payload["assignee"] = self.core.user_or_ghost(event.subject)
            payload["assigner"] = self.core.user_or_ghost(event.actor)
        elif event.event == "review_requested" and event.subject:
            payload["review_requester"] = self.core.user_or_ghost(event.actor)
            payload["requested_reviewer"] = self.core.user_or_ghost(event.subject)
        return payload

    def _repository(self, name: str) -> Repository:
        repo = self.org.repository(name)
        assert repo is not None
        return repo

    # ----- deployments -----
    def deployment(self, deployment: Deployment) -> Json:
        """A `deployment`; those created by the Actions bot name GitHub Actions as the app."""
        api, _ = self._repo_urls(deployment.repo)
        url = f"{api}/deployments/{deployment.id}"
        by_actions = deployment.creator == "github-actions[bot]"
        return {
            "url": url,
            "id": deployment.id,
            "node_id": legacy_node_id("Deployment", deployment.id),
            "sha": deployment.sha,
            "ref": deployment.ref,
            "task": deployment.task,
            "payload": dict(deployment.payload),
            "original_environment": deployment.environment,
            "environment": deployment.environment,
            "description": deployment.description,
            "creator": self.core.simple_user(deployment.creator),
            "created_at": iso(deployment.created_at),
            "updated_at": iso(deployment.updated_at),
            "statuses_url": f"{url}/statuses",
            "repository_url": api,
            "transient_environment": False,
            "production_environment": deployment.production,
            "performed_via_github_app": self.app("github-actions") if by_actions else None,
        }

    def deployment_status(self, deployment: Deployment, status: DeploymentStatus) -> Json:
        api, web = self._repo_urls(deployment.repo)
        url = f"{api}/deployments/{deployment.id}"
        log = f"{web}/actions/runs/{3_500_000_000 + deployment.id % 400_000_000}"
        host = f"{deployment.repo}.{'' if deployment.production else 'staging.'}dexxy.example"
        return {
            "url": f"{url}/statuses/{status.id}",
            "id": status.id,
            "node_id": legacy_node_id("DeploymentStatus", status.id),
            "state": status.state,
            "creator": self.core.simple_user(status.creator),
            "description": status.description,
            "environment": deployment.environment,
            "target_url": log,
            "created_at": iso(status.created_at),
            "updated_at": iso(status.created_at),
            "deployment_url": url,
            "repository_url": api,
            "environment_url": f"https://{host}",
            "log_url": log,
            "performed_via_github_app": self.app("github-actions")
            if status.creator == "github-actions[bot]"
            else None,
        }

    # ----- commits and comparisons -----
    def single_commit(self, repo: str, commit: Commit, files: Sequence[ChangedFile]) -> Json:
        """GET /commits/{ref}: a `commit` with `stats` and `files`."""
        payload = dict(self.core.repo_commit(repo, commit))
        additions = sum(f.additions for f in files)
        deletions = sum(f.deletions for f in files)
        payload["stats"] = {"additions": additions, "deletions": deletions, "total": additions + deletions}
        payload["files"] = [self.changed_file(repo, commit.sha, f) for f in files]
        return payload

    def comparison(
        self,
        repo: str,
        graph: RepositoryGraph,
        basehead: str,
        result: Comparison,
        commits: Sequence[Position],
        files: Sequence[ChangedFile],
        head_sha: str,
    ) -> Json:
        """A `commit-comparison` whose `commits` are the given (already capped or paged) slice."""
        api, web = self._repo_urls(repo)
        login = self.org.login
        html = f"{web}/compare/{basehead}"
        permalink = f"{web}/compare/{login}:{result.base.sha[:7]}...{login}:{head_sha[:7]}"
        return {
            "url": f"{api}/compare/{basehead}",
            "html_url": html,
            "permalink_url": permalink,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "base_commit": self.core.repo_commit(repo, graph.commit(result.base)),
            "merge_base_commit": self.core.repo_commit(repo, graph.commit(result.merge_base)),
            "status": result.status,
            "ahead_by": result.ahead_by,
            "behind_by": result.behind_by,
            "total_commits": result.ahead_by,
            "commits": [self.core.repo_commit(repo, graph.commit(p)) for p in commits],
            "files": [self.changed_file(repo, head_sha, f) for f in files],
        }

    def installation_token(self, token: str, expires_at: dt.datetime, permissions: dict[str, str]) -> Json:
        """POST /app/installations/{id}/access_tokens (`installation-token`)."""
        return {
            "token": token,
            "expires_at": iso(expires_at),
            "permissions": permissions,
            "repository_selection": "all",
        }
