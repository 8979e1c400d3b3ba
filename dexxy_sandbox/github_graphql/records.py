"""What the GraphQL emulator reads from the org model beyond PRs, reviews and commits.

Changed files, check runs, issue comments, review comments and timeline events are generated on demand by
the model (`SyntheticOrg.files(pr)`, `check_runs_for(pr, index)`, `issue_comments(pr)`,
`review_comments(pr)`, `issue_events(pr)`). This module is the one place that calls them: an org built
without those generators (a hand-made `SyntheticOrg`) answers empty tuples, so GraphQL connections are empty
rather than failing.
"""

from __future__ import annotations

from typing import Any

from dexxy_sandbox.org.model import PullRequest, SyntheticOrg

PATCH_STATUS = {  # REST `status` of a changed file -> GraphQL PatchStatus
    "added": "ADDED",
    "modified": "MODIFIED",
    "removed": "DELETED",
    "renamed": "RENAMED",
    "copied": "COPIED",
    "changed": "CHANGED",
    "unchanged": "MODIFIED",
}


def _details(org: SyntheticOrg, method: str, *args: Any) -> tuple[Any, ...]:
    """`org.<method>(*args)`, or () when the org has no such details."""
    if getattr(org, "generators", None) is None or not hasattr(org, method):
        return ()
    return tuple(getattr(org, method)(*args) or ())


def changed_files(org: SyntheticOrg, pr: PullRequest) -> tuple[Any, ...]:
    return _details(org, "files", pr)


def patch_status(status: str) -> str:
    return PATCH_STATUS.get(status.lower(), "MODIFIED")


def check_runs_on(org: SyntheticOrg, pr: PullRequest, commit_index: int | None) -> tuple[Any, ...]:
    """Runs on the PR's `commit_index`-th commit (None: its merge commit); only pushed tips have any."""
    return _details(org, "check_runs_for", pr, commit_index)


def issue_comments(org: SyntheticOrg, pr: PullRequest) -> tuple[Any, ...]:
    return _details(org, "issue_comments", pr)


def review_comments(org: SyntheticOrg, pr: PullRequest) -> tuple[Any, ...]:
    return _details(org, "review_comments", pr)


def issue_events(org: SyntheticOrg, pr: PullRequest) -> tuple[Any, ...] | None:
    """The PR's timeline events as REST's /issues/{n}/events lists them; None if the model has none."""
    if getattr(org, "generators", None) is None or not hasattr(org, "issue_events"):
        return None
    return tuple(org.issue_events(pr))
