"""`dexxy sync status` as a table a person reads at a glance: per source, scope and entity its status (in
colour), how long ago it last succeeded, the window it covered, its cadence and its last error; a source
held because the source whose API it reads is paused says so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

from rich.table import Table
from rich.text import Text

from dexxy_assets.sync.state import STOPPED, WHOLE, SyncState

_STYLES = {
    "pending": "cyan",
    "syncing": "blue",
    "active": "green",
    "error": "bold red",
    "paused": "yellow",
    "disabled": "dim",
}


def age(then: dt.datetime | None, now: dt.datetime) -> str:
    """``5m ago``, ``3h ago``, ``2d ago``; ``never`` before the first success."""
    if then is None:
        return "never"
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("d", 86_400), ("h", 3_600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return "just now"


def window(row: SyncState) -> str:
    if row.window_start is None:
        return row.sync_cursor or ("snapshot" if row.last_success_at and row.entity != WHOLE else "")
    if row.window_start == row.window_end:
        return row.window_start.isoformat()
    return f"{row.window_start} → {row.window_end}"


def last_error(row: SyncState) -> str:
    if not row.last_error_code:
        return ""
    return f"{row.last_error_code}: {row.last_error or ''}".strip().rstrip(":")


def note(row: SyncState, cadence: str) -> str:
    """The reason of a pause or removal, or the note of a sync that landed nothing (an org without Copilot),
    else the scope's cadence."""
    if row.status in ("paused", "disabled", "pending", "active") and row.reason:
        return row.reason
    return cadence if row.entity == WHOLE else ""


def _held(owner_status: str) -> Text:
    return Text(f"{owner_status} (held)", style=_STYLES.get(owner_status, ""))


def _held_row(source: str, hold: tuple[str, str]) -> tuple[str | Text, ...]:
    """The line of a source held by the source whose API it reads (see sync/shared_api.py)."""
    return (source, "all", "all", _held(hold[0]), "", "", hold[1], "")


def status_table(
    rows: Sequence[SyncState],
    never_synced: Iterable[str],
    schedules: dict[str, str],
    now: dt.datetime,
    held: Mapping[str, tuple[str, str]] | None = None,
) -> Table:
    """``held``: source → (the status of the source whose API it reads, why it does not sync); its
    whole-source line shows that status, marked ``(held)``, with the reason."""
    held = held or {}
    table = Table(title="Dexxy sync status", title_justify="left", header_style="bold")
    for column in ("source", "scope", "entity", "status", "last success", "window", "cadence / reason"):
        table.add_column(column, no_wrap=column in ("source", "status", "last success"))
    table.add_column("last error", overflow="fold", max_width=60)
    latest: dict[tuple[str, str], dt.datetime] = {}  # a scope's last success: its newest entity's
    for row in rows:
        if row.last_success_at is not None:
            where = (row.source, row.scope)
            latest[where] = max(latest.get(where, row.last_success_at), row.last_success_at)
    shown: set[str] = set()  # held sources whose line is in the table
    for row in rows:
        whole = row.scope == WHOLE and row.entity == WHOLE
        if row.source in held and row.source not in shown and not whole:
            table.add_row(*_held_row(row.source, held[row.source]))
            shown.add(row.source)
        cadence = schedules.get(row.source, "nightly") if row.scope == WHOLE else ""
        status, reason = Text(row.status, style=_STYLES.get(row.status, "")), note(row, cadence)
        if whole and row.source in held and row.status not in STOPPED:
            status, reason = _held(held[row.source][0]), held[row.source][1]
            shown.add(row.source)
        table.add_row(
            row.source,
            "all" if row.scope == WHOLE else row.scope,
            "all" if row.entity == WHOLE else row.entity,
            status,
            age(
                row.last_success_at or (latest.get((row.source, row.scope)) if row.entity == WHOLE else None),
                now,
            ),
            window(row),
            reason,
            Text(last_error(row), style="red"),
        )
    for source in never_synced:
        if source in held:
            table.add_row(*_held_row(source, held[source]))
            continue
        table.add_row(
            source,
            "all",
            "all",
            Text("not synced yet", style="dim"),
            "never",
            "",
            schedules.get(source, "nightly"),
            "",
        )
    return table
