"""What the ingestion factory asks and tells ``ops.sync_state`` around every fetch, for every source alike:
may this run sync (not paused, not disabled, inside the stored cadence), which scopes to leave out
(archived or paused), and how it ended (last success and window, or the classified error).

Only steps that call an API are gated: a staging step parses stored raw and keeps working while a source is
paused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Protocol, Self, runtime_checkable

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from dexxy_assets.sync import state
from dexxy_assets.sync.state import WHOLE, Status
from dexxy_assets.sync_log import record_event
from resources.http.errors import ServiceError
from resources.warehouse import WarehouseResource

SCOPE_TAG = "dexxy/scope"  # a run narrowed to (or onboarding) one scope of its source
# Dagster's tag on runs the automation condition sensor launched (value "true").
AUTOMATION_TAG = "dagster/from_automation_condition"
UNKNOWN = "UNKNOWN"
INTERRUPTED = "INTERRUPTED"  # a run stopped by Ctrl-C or terminated, not a failure of the source
HOLD_METADATA = "sync_hold"  # on a skipped materialization: why (paused, disabled, stored cadence)
NOTE_METADATA = "sync_note"  # on a materialization that landed nothing for a reason (an org without Copilot)


@runtime_checkable
class ScopedResource(Protocol):
    """An API resource whose scope follows ops.sync_state: it adds the scopes installation events added and
    leaves out the archived or paused ones (GitHub: organisations and repositories)."""

    def scoped(self, added: frozenset[str], left_out: frozenset[str]) -> Self: ...


@dataclass(frozen=True)
class Gate:
    """What ``start`` decided: why the run must not sync (None: it may), and the source's scopes."""

    held: str | None
    added: frozenset[str] = frozenset()
    left_out: frozenset[str] = frozenset()


def run_scope(tags: Mapping[str, str]) -> str:
    return tags.get(SCOPE_TAG) or WHOLE


def hold_back(conn: Connection, source: str, tags: Mapping[str, str]) -> str | None:
    """Why this run must not sync (paused, disabled, or launched by the nightly automation while a stored
    cadence owns the source), or None."""
    reason = state.stopped_reason(conn, source, run_scope(tags))
    if reason:
        return reason
    if tags.get(AUTOMATION_TAG) == "true":
        cron = state.schedules(conn).get(source)
        if cron:
            return (
                f"{source} follows its stored schedule `{cron}` (UTC, `dexxy sync schedule`): the nightly "
                "automation leaves its runs to the sync_control sensor"
            )
    return None


def start(
    warehouse: WarehouseResource, source: str, entities: Iterable[str], tags: Mapping[str, str], run_id: str
) -> Gate:
    """Before the fetch: the reason to skip (recorded in the sync log), else the entities are ``syncing``;
    and the source's scopes to add (added by events) and to leave out (disabled or paused)."""
    scope = run_scope(tags)
    with warehouse.begin() as conn:
        reason = hold_back(conn, source, tags)
        if reason:
            for entity in entities:
                record_event(
                    conn,
                    source=source,
                    scope=scope,
                    entity=entity,
                    status="skipped",
                    level="warning",
                    message=reason,
                    run_id=run_id,
                )
            return Gate(reason)
        for entity in entities:
            state.set_status(conn, source, scope, Status.SYNCING, entity=entity)
        return Gate(None, state.added_scopes(conn, source), state.stopped_scopes(conn, source))


def succeeded(
    conn: Connection, source: str, scope: str, entity: str, days: list[dt.date], *, note: str | None = None
) -> None:
    state.record_success(conn, source, scope, entity, (min(days), max(days)) if days else None, note=note)


def classified_code(error: BaseException) -> str:
    """The failure class of the shared HTTP client's hierarchy (``RATE_LIMIT``, ``AUTH_EXPIRED``, ...),
    found on the error or on what caused it; ``INTERRUPTED`` for a run stopped (Ctrl-C, a terminated run);
    ``UNKNOWN`` otherwise."""
    if not isinstance(error, Exception):
        return INTERRUPTED
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, ServiceError):
            return seen.category.name
        seen = seen.__cause__ or seen.__context__
    return UNKNOWN


def failed(
    warehouse: WarehouseResource,
    source: str,
    entities: Iterable[str],
    tags: Mapping[str, str],
    run_id: str,
    error: BaseException,
) -> None:
    """After a failed fetch or load: each entity is ``error`` with the classified code, and the sync log
    says what happened and what to do (the error class's action)."""
    code = classified_code(error)
    scope = run_scope(tags)
    cause = f"{type(error).__name__}: {error}".splitlines()[0][:300]
    action = error.action if isinstance(error, ServiceError) else None
    message = f"{source} sync failed ({code}): {cause}" + (f"; {action}" if action else "")
    try:
        with warehouse.begin() as conn:
            for entity in entities:
                state.record_failure(conn, source, scope, entity, code, cause)
                record_event(
                    conn,
                    source=source,
                    scope=scope,
                    entity=entity,
                    status="failure",
                    level="error",
                    message=message,
                    code=code,
                    run_id=run_id,
                    detail={"error_class": type(error).__name__},
                )
    except SQLAlchemyError:
        pass  # the warehouse itself failed: the run's own error says so, and must not be masked
