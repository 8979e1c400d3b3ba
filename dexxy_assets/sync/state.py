"""``ops.sync_state``: one row per source, scope and entity, with the status a person reads at a glance.

Scope ``*`` is the whole source and entity ``*`` the scope as a whole: pause, schedule, triggers and
onboarding live on ``(source, scope, '*')`` rows; the ingestion factory writes one row per entity it syncs.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

from dexxy_assets.sync.shared_api import api_owner

WHOLE = "*"  # the whole source (as a scope) or every entity of a scope (as an entity)


class Status(enum.StrEnum):
    PENDING = "pending"  # added (its onboarding has not started), or a source not synced yet
    SYNCING = "syncing"  # runs requested or running
    ACTIVE = "active"  # the last sync succeeded
    ERROR = "error"  # the last sync failed (last_error_code says why)
    PAUSED = "paused"  # stopped by an admin or a suspended installation: runs skip
    DISABLED = "disabled"  # removed or archived: runs skip, its history stays


STOPPED = (Status.PAUSED, Status.DISABLED)


@dataclass(frozen=True)
class SyncState:
    """One row of ``ops.sync_state``."""

    source: str
    scope: str
    entity: str
    status: str
    last_success_at: dt.datetime | None
    window_start: dt.date | None
    window_end: dt.date | None
    sync_cursor: str | None
    last_error_code: str | None
    last_error: str | None
    reason: str | None
    cron_schedule: str | None
    requested_at: dt.datetime | None
    requested_full: bool
    updated_at: dt.datetime


_COLUMNS = ", ".join(SyncState.__dataclass_fields__)
_SET_STATUS = text(
    "INSERT INTO ops.sync_state (source, scope, entity, status, reason, updated_at) "
    "VALUES (:source, :scope, :entity, :status, :reason, now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET status = EXCLUDED.status, "
    "reason = COALESCE(EXCLUDED.reason, ops.sync_state.reason), updated_at = now() "
    "RETURNING (SELECT s.status FROM ops.sync_state AS s "
    "           WHERE s.source = :source AND s.scope = :scope AND s.entity = :entity)"
)
_SUCCESS = text(
    "INSERT INTO ops.sync_state (source, scope, entity, status, last_success_at, window_start, window_end, "
    "                            reason, updated_at) "
    "VALUES (:source, :scope, :entity, 'active', now(), :start, :end, :note, now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET last_success_at = now(), "
    "window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, updated_at = now(), "
    "status = CASE WHEN ops.sync_state.status IN ('paused', 'disabled') THEN ops.sync_state.status "
    "              ELSE 'active' END, "
    "reason = CASE WHEN ops.sync_state.status IN ('paused', 'disabled') THEN ops.sync_state.reason "
    "              ELSE EXCLUDED.reason END"
)
_SOURCE_ACTIVE = text(
    "UPDATE ops.sync_state SET status = 'active', updated_at = now() "
    "WHERE source = :source AND scope = '*' AND entity = '*' AND status = 'pending'"
)
_FAILURE = text(
    "INSERT INTO ops.sync_state (source, scope, entity, status, last_error_code, last_error, last_error_at, "
    "                            updated_at) "
    "VALUES (:source, :scope, :entity, 'error', :code, :error, now(), now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET last_error_code = EXCLUDED.last_error_code, "
    "last_error = EXCLUDED.last_error, last_error_at = now(), updated_at = now(), "
    "status = CASE WHEN ops.sync_state.status IN ('paused', 'disabled') THEN ops.sync_state.status "
    "              ELSE 'error' END"
)
_SCHEDULE = text(
    "INSERT INTO ops.sync_state (source, scope, entity, status, cron_schedule, updated_at) "
    "VALUES (:source, :scope, '*', 'pending', :cron, now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET cron_schedule = EXCLUDED.cron_schedule, "
    "updated_at = now()"
)
_REQUEST = text(  # a scope first seen in a trigger is part of the source's scope: not one to onboard
    "INSERT INTO ops.sync_state (source, scope, entity, status, requested_at, requested_full, updated_at) "
    "VALUES (:source, :scope, '*', CASE WHEN :scope = '*' THEN 'pending' ELSE 'active' END, now(), :full, "
    "        now()) "
    "ON CONFLICT (source, scope, entity) DO UPDATE SET requested_at = now(), "
    "requested_full = ops.sync_state.requested_full OR EXCLUDED.requested_full, updated_at = now()"
)
_TAKE_REQUESTS = text(  # RETURNING shows the updated row: the request's own values come from ``asked``
    "UPDATE ops.sync_state AS s SET requested_at = NULL, requested_full = false, updated_at = now() "
    "FROM (SELECT source, scope, entity, requested_full FROM ops.sync_state "
    "      WHERE requested_at IS NOT NULL AND entity = '*' FOR UPDATE) AS asked "
    "WHERE s.source = asked.source AND s.scope = asked.scope AND s.entity = asked.entity "
    "RETURNING s.source, s.scope, asked.requested_full"
)


def set_status(
    conn: Connection,
    source: str,
    scope: str,
    status: Status,
    *,
    reason: str | None = None,
    entity: str = WHOLE,
) -> str | None:
    """Set a row's status (creating it); returns the status it had before (None: a new row)."""
    return conn.execute(
        _SET_STATUS,
        {"source": source, "scope": scope, "entity": entity, "status": str(status), "reason": reason},
    ).scalar_one()


def record_success(
    conn: Connection,
    source: str,
    scope: str,
    entity: str,
    window: tuple[dt.date, dt.date] | None,
    *,
    note: str | None = None,
) -> None:
    """A sync of ``entity`` succeeded over ``window`` (None: a snapshot). A paused row stays paused; the
    source's own row (created ``pending`` by a schedule or a trigger) turns active with it. A scope's row
    is left to its onboarding (all of its runs decide). ``note`` (why the sync landed nothing, e.g. no
    Copilot for the org) replaces the last note; a clean success clears it."""
    start, end = window or (None, None)
    params = {"source": source, "scope": scope, "entity": entity, "start": start, "end": end, "note": note}
    conn.execute(_SUCCESS, params)
    conn.execute(_SOURCE_ACTIVE, {"source": source})


def record_failure(conn: Connection, source: str, scope: str, entity: str, code: str, error: str) -> None:
    conn.execute(
        _FAILURE,
        {"source": source, "scope": scope, "entity": entity, "code": code, "error": error[:500]},
    )


def set_schedule(conn: Connection, source: str, cron: str | None, scope: str = WHOLE) -> None:
    """Store a source's cadence (None: back to its nightly automation)."""
    conn.execute(_SCHEDULE, {"source": source, "scope": scope, "cron": cron})


def request_trigger(conn: Connection, source: str, scope: str, *, full: bool) -> None:
    conn.execute(_REQUEST, {"source": source, "scope": scope, "full": full})


def take_triggers(conn: Connection) -> list[tuple[str, str, bool]]:
    """The waiting triggers (source, scope, full), cleared in the same statement: each is taken once."""
    return [(r.source, r.scope, r.requested_full) for r in conn.execute(_TAKE_REQUESTS)]


def read(
    conn: Connection, source: str | None = None, scope: str | None = None, entity: str | None = None
) -> list[SyncState]:
    """Rows in (source, scope, entity) order, narrowed to what is given."""
    rows = conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM ops.sync_state "  # noqa: S608 - column names of the dataclass
            "WHERE (CAST(:source AS text) IS NULL OR source = :source) "
            "AND (CAST(:scope AS text) IS NULL OR scope = :scope) "
            "AND (CAST(:entity AS text) IS NULL OR entity = :entity) "
            "ORDER BY source, scope = '*' DESC, scope, entity = '*' DESC, entity"
        ),
        {"source": source, "scope": scope, "entity": entity},
    )
    return [SyncState(**row._mapping) for row in rows]


def scope_row(conn: Connection, source: str, scope: str = WHOLE) -> SyncState | None:
    found = read(conn, source, scope, WHOLE)
    return found[0] if found else None


def stopped_reason(conn: Connection, source: str, scope: str = WHOLE) -> str | None:
    """Why runs of ``source`` (narrowed to ``scope``) must not sync now, or None: the source, or the scope,
    is paused or disabled, or so is the source whose API it reads (``shared_api``)."""
    for where in dict.fromkeys((WHOLE, scope)):
        row = scope_row(conn, source, where)
        if row is not None and row.status in STOPPED:
            what = source if where == WHOLE else f"{source} scope {where}"
            why = f" ({row.reason})" if row.reason else ""
            hint = (
                f"`dexxy sync resume --source {source}"
                + ("" if where == WHOLE else f" --scope {where}")
                + "`"
            )
            if row.status == Status.PAUSED:
                return f"{what} is paused{why}: not syncing; {hint} to sync again"
            return f"{what} is disabled{why}: not syncing; its history is kept"
    hold = api_hold(conn, source)
    return hold[1] if hold else None


def held_sources(conn: Connection, sources: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Source -> (the status of the source whose API it reads, why it does not sync), for the held ones."""
    return {source: hold for source in sources if (hold := api_hold(conn, source))}


def api_hold(conn: Connection, source: str) -> tuple[str, str] | None:
    """(status, why) while the source whose API ``source`` reads is paused or disabled, else None."""
    owner = api_owner(source)
    row = scope_row(conn, owner) if owner else None
    if row is None or row.status not in STOPPED:
        return None
    why = f" ({row.reason})" if row.reason else ""
    again = (
        f"`dexxy sync resume --source {owner}` to sync again"
        if row.status == Status.PAUSED
        else "its history is kept"
    )
    return (
        row.status,
        f"{source} reads the {owner} API and {owner} is {row.status}{why}: not syncing; {again}",
    )


def stopped_scopes(conn: Connection, source: str) -> frozenset[str]:
    """The scopes of a source (repositories, organisations, projects) a whole-source run leaves out: the
    removed or archived ones (disabled) and the paused ones."""
    return frozenset(
        r.scope for r in read(conn, source, entity=WHOLE) if r.scope != WHOLE and r.status in STOPPED
    )


def added_scopes(conn: Connection, source: str) -> frozenset[str]:
    """The scopes of a source added to ops.sync_state (by installation events or onboarding) and neither
    paused nor disabled: what a whole-source run syncs besides its configuration."""
    return frozenset(
        r.scope for r in read(conn, source, entity=WHOLE) if r.scope != WHOLE and r.status not in STOPPED
    )


def schedules(conn: Connection) -> dict[str, str]:
    """Source -> its stored cadence (a UTC cron), for the sources that have one."""
    return {
        r.source: r.cron_schedule
        for r in conn.execute(
            text(
                "SELECT source, cron_schedule FROM ops.sync_state "
                "WHERE scope = '*' AND entity = '*' AND cron_schedule IS NOT NULL"
            )
        )
    }
