"""Identifiers in GitHub's formats: legacy global node ids and stable fake SHAs."""

from __future__ import annotations

import base64
import hashlib


def legacy_node_id(type_name: str, ident: int | str) -> str:
    """GitHub's legacy global id, e.g. `MDQ6VXNlcjE=` for ("User", 1): base64 of "04:User1"."""
    return base64.b64encode(f"0{len(type_name)}:{type_name}{ident}".encode()).decode()


def stable_sha(*parts: object) -> str:
    """A 40-hex SHA that depends only on `parts`, so commits and trees are reproducible."""
    return hashlib.sha1("/".join(str(part) for part in parts).encode(), usedforsecurity=False).hexdigest()


def commit_sha(plan_seed: int, index: int) -> str:
    """SHA of the `index`-th commit of the PR whose commit plan has seed `plan_seed`."""
    return stable_sha("commit", plan_seed, index)


def merge_commit_sha(plan_seed: int) -> str:
    """SHA of the squash commit a PR's merge puts on the default branch (its `merge_commit_sha`)."""
    return stable_sha("merge", plan_seed)


def baseline_sha(repo_id: int) -> str:
    """SHA of the default branch's tip when the generated history starts (it was deployed before)."""
    return stable_sha("baseline", repo_id)
