"""Scope changes from a source's lifecycle (a GitHub App installation's events, a new Jira project) and
from admins: each updates ``ops.sync_state`` and leaves a line in ``ops.sync_log``, in the caller's
transaction.

- ``add_scope``: the scope becomes ``pending``; the scope-onboarding sensor backfills it (the last 30
  days first, then the rest of history in the background).
- ``remove_scope``: archived, not deleted — ``disabled``; its rows stay and later syncs leave it out.
- ``pause_source`` / ``resume_source``: a suspended installation (or an admin) stops a whole source with
  status ``paused``; its runs skip with a message until it is resumed.
"""

from __future__ import annotations

from sqlalchemy import Connection

from dexxy_assets.sync.state import STOPPED, WHOLE, Status, set_status
from dexxy_assets.sync_log import record_event


def add_scope(conn: Connection, source: str, scope: str, *, reason: str) -> None:
    """A new repository, organisation or project to sync: pending until its onboarding starts. A scope
    already syncing is left as it is; a removed one comes back (its gap is backfilled)."""
    before = set_status(conn, source, scope, Status.PENDING, reason=reason)
    if before in (Status.SYNCING, Status.ACTIVE, Status.ERROR, Status.PAUSED):
        set_status(conn, source, scope, Status(before), reason=reason)
        record_event(
            conn,
            source=source,
            scope=scope,
            status="scope_added",
            message=f"{source} scope {scope} is already synced ({before}): nothing to backfill ({reason})",
        )
        return
    record_event(
        conn,
        source=source,
        scope=scope,
        status="scope_added",
        message=f"{source} scope {scope} added ({reason}): its history is backfilled, last 30 days first",
    )


def remove_scope(conn: Connection, source: str, scope: str, *, reason: str) -> None:
    """Stop syncing a scope and keep its history: archived (``disabled``), its rows untouched."""
    set_status(conn, source, scope, Status.DISABLED, reason=reason)
    record_event(
        conn,
        source=source,
        scope=scope,
        status="scope_removed",
        level="warning",
        message=f"{source} scope {scope} removed ({reason}): archived, its history is kept, no longer synced",
    )


def pause_scope(conn: Connection, source: str, scope: str, *, reason: str) -> None:
    """Pause a source (scope ``*``) or one of its scopes: its runs skip with a message until resumed."""
    set_status(conn, source, scope, Status.PAUSED, reason=reason)
    what = source if scope == WHOLE else f"{source} scope {scope}"
    record_event(
        conn,
        source=source,
        scope=scope,
        status="paused",
        level="warning",
        message=f"{what} paused ({reason}): its runs skip until resumed",
    )


def resume_scope(conn: Connection, source: str, scope: str, *, reason: str) -> None:
    """Undo a pause: the next scheduled or triggered run syncs again. A disabled scope is resumed too (an
    admin's explicit choice); a scope that was never paused is left as it is."""
    before = set_status(conn, source, scope, Status.ACTIVE, reason=reason)
    if before is not None and before not in (Status.PAUSED, Status.DISABLED):
        set_status(conn, source, scope, Status(before), reason=reason)
    what = source if scope == WHOLE else f"{source} scope {scope}"
    record_event(
        conn,
        source=source,
        scope=scope,
        status="resumed",
        message=f"{what} resumed ({reason})" + ("" if before in STOPPED else f"; it was {before or 'new'}"),
    )


def pause_source(conn: Connection, source: str, *, reason: str) -> None:
    """A suspended installation (or an admin) pauses the whole source: status ``paused``."""
    pause_scope(conn, source, WHOLE, reason=reason)


def resume_source(conn: Connection, source: str, *, reason: str) -> None:
    resume_scope(conn, source, WHOLE, reason=reason)
