"""The admin actions behind `dexxy sync pause | resume | trigger | schedule` and the ``sync_admin_*`` jobs of
the Dagster UI: one implementation, each action checked (a known source, a valid cron) and recorded in
``ops.sync_log`` with who asked (the CLI or the UI)."""

from __future__ import annotations

from croniter import croniter
from sqlalchemy import Connection

from dexxy_assets.sync import state
from dexxy_assets.sync.scope_changes import pause_scope, resume_scope
from dexxy_assets.sync.shared_api import api_readers
from dexxy_assets.sync.state import WHOLE
from dexxy_assets.sync_log import record_event


class AdminError(ValueError):
    """An action that cannot be done as asked; the message says what to do instead."""


def check_source(source: str, known: tuple[str, ...]) -> None:
    if source not in known:
        raise AdminError(f"unknown source {source!r}: one of {', '.join(known)}")


def describe(source: str, scope: str) -> str:
    return source if scope == WHOLE else f"{source} scope {scope}"


def pause(conn: Connection, source: str, scope: str, *, by: str, reason: str | None = None) -> str:
    pause_scope(conn, source, scope, reason=reason or f"paused from {by}")
    readers = api_readers(source) if scope == WHOLE else ()
    held = f"; {', '.join(readers)} (the same API) held with it" if readers else ""
    return f"{describe(source, scope)} paused: its runs skip until `dexxy sync resume`{held}"


def resume(conn: Connection, source: str, scope: str, *, by: str, reason: str | None = None) -> str:
    resume_scope(conn, source, scope, reason=reason or f"resumed from {by}")
    hold = state.api_hold(conn, source)
    if hold:  # its own pause is lifted, the API's is not
        return f"{describe(source, scope)} resumed, but still held: {hold[1]}"
    return f"{describe(source, scope)} resumed: the next scheduled or triggered run syncs it"


def trigger(conn: Connection, source: str, scope: str, *, full: bool, by: str) -> str:
    """Ask the sync_control sensor for a run now: yesterday and today, or (``full``) the whole history."""
    stopped = state.stopped_reason(conn, source, scope)
    if stopped:
        raise AdminError(f"not triggered: {stopped}")
    state.request_trigger(conn, source, scope, full=full)
    span = "its whole history" if full else "yesterday and today"
    message = (
        f"{describe(source, scope)} sync requested over {span}: the sync_control sensor starts it at its "
        "next tick (within a minute while the Dagster daemon runs)"
    )
    record_event(
        conn,
        source=source,
        scope=scope,
        status="triggered",
        message=f"{message} (from {by})",
        detail={"full": full, "by": by},
    )
    return message


def schedule(conn: Connection, source: str, cron: str | None, *, by: str) -> str:
    """Store a source's cadence (a UTC cron); ``None`` or ``nightly`` goes back to the nightly automation."""
    if cron in (None, "", "nightly"):
        state.set_schedule(conn, source, None)
        message = f"{source} back on its nightly automation"
    else:
        if not croniter.is_valid(cron):
            raise AdminError(f"{cron!r} is not a cron expression: e.g. '0 */6 * * *' (every 6 hours, UTC)")
        state.set_schedule(conn, source, cron)
        message = f"{source} now syncs on `{cron}` (UTC): the sync_control sensor starts its runs"
    record_event(
        conn,
        source=source,
        scope=WHOLE,
        status="scheduled",
        message=f"{message} (from {by})",
        detail={"cron": cron, "by": by},
    )
    return message
