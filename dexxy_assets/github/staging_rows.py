"""GitHub payloads of the snapshots and deployments → typed staging rows (pull requests and their children:
``rest_records`` / ``graphql_records``). A payload that cannot be keyed stays in raw only and is counted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.pull_request_records import ACCOUNT_TYPES
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

DEPLOYMENT_STATES = frozenset({"error", "failure", "inactive", "pending", "success", "queued", "in_progress"})
PRODUCTION_ENVIRONMENTS = frozenset({"production", "prod", "live", "prd"})

Row = dict[str, Any]


def user_row(payload: Any, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "user", problems, None)
    user_id, login = f.integer("id", required=True), f.text("login")
    if user_id is None or not login:
        f.problem("unkeyed", payload)
        return None
    user_type = f.enum(ACCOUNT_TYPES, "type")
    return {
        "user_id": user_id,
        "login": login,
        "name": f.text("name"),
        "email": f.text("email"),
        "user_type": user_type,
        "is_bot": is_bot_account(login, user_type),
        "site_admin": f.boolean("site_admin"),
        "created_at": f.timestamp("created_at"),
        # /users/{login} always has updated_at; the members list does not: fall back to the fetch time
        "updated_at": f.timestamp("updated_at") or fetched_at,
        "fetched_at": fetched_at,
    }


def repository_row(payload: Any, org: str, fetched_at: dt.datetime, problems: ProblemLog) -> Row | None:
    f = FieldReader(payload, "repository", problems, None)
    repo_id, full_name, name = f.integer("id", required=True), f.text("full_name"), f.text("name")
    if repo_id is None or not full_name or not name:
        f.problem("unkeyed", payload)
        return None
    return {
        "repo_id": repo_id,
        "org": org,
        "full_name": full_name,
        "name": name,
        "is_private": f.boolean("private"),
        "is_archived": f.boolean("archived"),
        "is_fork": f.boolean("fork"),
        "default_branch": f.text("default_branch"),
        "language": f.text("language"),
        "created_at": f.timestamp("created_at"),
        "updated_at": f.timestamp("updated_at") or fetched_at,
        "pushed_at": f.timestamp("pushed_at"),
        "fetched_at": fetched_at,
    }


def deployment_row(
    payload: Any,
    statuses: list[Any],
    repo_full_name: str,
    partition: dt.date,
    fetched_at: dt.datetime,
    problems: ProblemLog,
) -> Row | None:
    f = FieldReader(payload, "deployment", problems, partition)
    deployment_id = f.integer("id", required=True)
    if deployment_id is None:
        f.problem("unkeyed", payload)
        return None
    states = []
    for status in statuses:
        s = FieldReader(status, "deployment_status", problems, partition)
        states.append((s.timestamp("created_at"), s.enum(DEPLOYMENT_STATES, "state")))
    dated = sorted((at, state) for at, state in states if at is not None)
    successes = [at for at, state in dated if state == "success"]
    environment = f.text("environment")
    created_at = f.timestamp("created_at", required=True)
    return {
        "deployment_id": deployment_id,
        "repo_full_name": repo_full_name,
        "environment": environment,
        "sha": f.text("sha"),
        "ref": f.text("ref"),
        "task": f.text("task"),
        "creator_login": f.text("creator", "login"),
        "is_production": is_production_environment(environment, f.boolean("production_environment")),
        "latest_state": dated[-1][1] if dated else None,
        "succeeded_at": successes[0] if successes else None,
        "created_at": created_at,
        "updated_at": max([created_at or fetched_at, *(at for at, _ in dated)]),
        "partition_date": partition,
        "fetched_at": fetched_at,
    }


def is_production_environment(name: str | None, flagged: bool | None) -> bool:
    """GitHub's ``production_environment`` flag, else the environment's name."""
    if flagged:
        return True
    return (name or "").strip().lower() in PRODUCTION_ENVIRONMENTS
