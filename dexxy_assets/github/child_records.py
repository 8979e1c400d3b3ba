"""What the REST and GraphQL parsers of a pull request's children (reviews, commits, files, check runs,
comments) do alike, written once: open the payload and read its key (a payload without one stays in raw
only and is counted as ``<entity>.unkeyed``), and turn an account into a record's columns. Each shape's
parser keeps only what differs: where its fields are."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dexxy_assets.github.accounts import is_bot_account
from dexxy_assets.github.pull_request_records import PullRequestRecord
from dexxy_assets.payload_fields import FieldReader
from dexxy_assets.problems import ProblemLog

Account = tuple[int | None, str | None, str | None]  # (id, login, type); all None for a deleted account
Key = TypeVar("Key", int, str)


def open_child(
    payload: Any,
    entity: str,
    pr: PullRequestRecord,
    problems: ProblemLog,
    key: Callable[[FieldReader], Key | None],
) -> tuple[FieldReader, Key] | None:
    """A reader of one child payload and its key; None (counted as ``<entity>.unkeyed``) without a key."""
    f = FieldReader(payload, entity, problems, pr.partition_date)
    value = key(f)
    if value is None or value == "":
        f.problem("unkeyed", payload)
        return None
    return f, value


def integer_key(*path: str) -> Callable[[FieldReader], int | None]:
    """A child keyed by the integer at `path` (GitHub's numeric id)."""
    return lambda f: f.integer(*path, required=True)


def text_key(*path: str) -> Callable[[FieldReader], str | None]:
    """A child keyed by the text at `path` (a commit's sha, a file's path); empty text is no key."""
    return lambda f: f.text(*path)


def account_columns(role: str, account: Account, *, with_type: bool = False) -> dict[str, Any]:
    """``<role>_id``, ``<role>_login``, ``<role>_is_bot`` (and ``<role>_type``) of a record."""
    account_id, login, account_type = account
    columns: dict[str, Any] = {
        f"{role}_id": account_id,
        f"{role}_login": login,
        f"{role}_is_bot": is_bot_account(login, account_type),
    }
    if with_type:
        columns[f"{role}_type"] = account_type
    return columns
