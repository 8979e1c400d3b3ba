"""REST handlers for GitHub Actions workflow runs and for releases (``org/pipeline_deployments.py``).

``GET /repos/{owner}/{repo}/actions/runs`` answers ``{total_count, workflow_runs}``, newest first, with the
filters GitHub documents that a deployment reader needs: ``created`` (a date, ``a..b``, ``>=a``, ``<b``...),
``branch``, ``event``, ``status`` (a status or a conclusion) and ``head_sha``.
``GET /repos/{owner}/{repo}/releases`` lists releases newest first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from dexxy_sandbox.github_rest.handling import ApiError, Listing, OrgLookup, RestRequest
from dexxy_sandbox.github_rest.payloads import GitHubPayloads, Json, iso
from dexxy_sandbox.org.github_ids import legacy_node_id, stable_sha
from dexxy_sandbox.org.pipeline_deployments import Release, WorkflowRun, releases, workflow_runs

Handler = Callable[[RestRequest], Json | Listing]
_STATUSES = frozenset({"queued", "in_progress", "completed", "requested", "waiting", "pending"})


class ActionsHandlers:
    """Workflow runs and releases of one org."""

    def __init__(self, lookup: OrgLookup, payloads: GitHubPayloads, api_root: str) -> None:
        self.lookup = lookup
        self.payloads = payloads
        self.org = payloads.org
        self.api_root = api_root.rstrip("/")

    def routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        repo, alias = "/repos/{owner}/{repo}", "/repositories/{repo_id:int}"
        return [
            (f"{repo}/actions/runs", (f"{alias}/actions/runs",), self.runs),
            (f"{repo}/releases", (f"{alias}/releases",), self.releases),
        ]

    def runs(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        query = request.query
        found = list(reversed(workflow_runs(self.org, repo.name)))  # newest first
        created = query.get("created")
        if created:
            within = _date_filter(created)
            found = [run for run in found if within(run.created_at)]
        for name, attribute in (("branch", "head_branch"), ("event", "event"), ("head_sha", "head_sha")):
            if query.get(name):
                found = [run for run in found if getattr(run, attribute) == query[name]]
        status = query.get("status")
        if status:
            found = [
                run for run in found if (run.status if status in _STATUSES else run.conclusion) == status
            ]

        def render(run: WorkflowRun) -> Json:
            return self._run(run)

        return Listing(
            found,
            render,
            f"{self.api_root}/repositories/{repo.id}/actions/runs",
            envelope=lambda page, total: {"total_count": total, "workflow_runs": [render(r) for r in page]},
        )

    def releases(self, request: RestRequest) -> Listing:
        repo = self.lookup.repo(request.params)
        found = sorted(releases(self.org, repo.name), key=lambda r: (r.created_at, r.id), reverse=True)
        return Listing(found, self._release, f"{self.api_root}/repositories/{repo.id}/releases")

    # ----- payloads -----
    def _run(self, run: WorkflowRun) -> Json:
        full_name = f"{self.org.login}/{run.repo}"
        api = f"{self.payloads.api}/repos/{full_name}"
        url = f"{api}/actions/runs/{run.id}"
        repository = self.org.repository(run.repo)
        minimal = self.payloads.repository(repository) if repository is not None else None
        suite_id = run.id + 1_000_000_000
        actor = self.payloads.simple_user(run.actor) or self.payloads.user_or_ghost(run.actor)
        return {
            "id": run.id,
            "name": run.name,
            "node_id": legacy_node_id("WorkflowRun", run.id),
            "check_suite_id": suite_id,
            "check_suite_node_id": legacy_node_id("CheckSuite", suite_id),
            "head_branch": run.head_branch,
            "head_sha": run.head_sha,
            "path": run.path,
            "display_title": run.title,
            "run_number": run.run_number,
            "run_attempt": 1,
            "referenced_workflows": [],
            "event": run.event,
            "status": run.status,
            "conclusion": run.conclusion,
            "workflow_id": run.workflow_id,
            "url": url,
            "html_url": f"{self.payloads.web}/{full_name}/actions/runs/{run.id}",
            "pull_requests": [],
            "created_at": iso(run.created_at),
            "updated_at": iso(run.updated_at),
            "actor": actor,
            "triggering_actor": actor,
            "run_started_at": iso(run.run_started_at),
            "jobs_url": f"{url}/jobs",
            "logs_url": f"{url}/logs",
            "check_suite_url": f"{api}/check-suites/{suite_id}",
            "artifacts_url": f"{url}/artifacts",
            "cancel_url": f"{url}/cancel",
            "rerun_url": f"{url}/rerun",
            "previous_attempt_url": None,
            "workflow_url": f"{api}/actions/workflows/{run.workflow_id}",
            "head_commit": {
                "id": run.head_sha,
                "tree_id": stable_sha("tree", run.head_sha),
                "message": run.title,
                "timestamp": iso(run.created_at),
                "author": {"name": run.actor, "email": f"{run.actor}@users.noreply.github.com"},
                "committer": {"name": "GitHub", "email": "noreply@github.com"},
            },
            "repository": minimal,
            "head_repository": minimal,
        }

    def _release(self, release: Release) -> Json:
        full_name = f"{self.org.login}/{release.repo}"
        api = f"{self.payloads.api}/repos/{full_name}"
        url = f"{api}/releases/{release.id}"
        web = f"{self.payloads.web}/{full_name}"
        return {
            "url": url,
            "html_url": f"{web}/releases/tag/{release.tag_name}",
            "assets_url": f"{url}/assets",
            "upload_url": f"{url}/assets{{?name,label}}",
            "tarball_url": f"{api}/tarball/{release.tag_name}",
            "zipball_url": f"{api}/zipball/{release.tag_name}",
            "id": release.id,
            "node_id": legacy_node_id("Release", release.id),
            "tag_name": release.tag_name,
            "target_commitish": release.target_commitish,
            "name": release.name,
            "body": release.body,
            "draft": release.draft,
            "prerelease": release.prerelease,
            "created_at": iso(release.created_at),
            "published_at": iso(release.published_at),
            "author": self.payloads.user_or_ghost(release.author),
            "assets": [],
        }


def _day(text: str, end: bool) -> dt.datetime:
    try:
        if "T" in text:
            value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        day = dt.date.fromisoformat(text)
    except ValueError as error:
        raise ApiError(422, "Validation Failed", [{"field": "created", "code": "invalid"}]) from error
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return start + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end else start


def _date_filter(created: str) -> Callable[[dt.datetime], bool]:
    """GitHub's search date syntax for ``created``: ``D``, ``a..b``, ``>=a``, ``>a``, ``<=b``, ``<b``."""
    text = created.strip()
    if ".." in text:
        low, _, high = text.partition("..")
        start = None if low in ("", "*") else _day(low, end=False)
        stop = None if high in ("", "*") else _day(high, end=True)
        return lambda at: (start is None or at >= start) and (stop is None or at <= stop)
    for prefix, test in (
        (">=", lambda at, v: at >= _day(v, end=False)),
        ("<=", lambda at, v: at <= _day(v, end=True)),
        (">", lambda at, v: at > _day(v, end=True)),
        ("<", lambda at, v: at < _day(v, end=False)),
    ):
        if text.startswith(prefix):
            value = text[len(prefix) :]
            _day(value, end=False)  # 422 now, not per run
            return lambda at, value=value, test=test: bool(test(at, value))  # type: ignore[misc]
    start, stop = _day(text, end=False), _day(text, end=True)
    return lambda at: start <= at <= stop
