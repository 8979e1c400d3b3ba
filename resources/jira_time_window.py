"""A UTC window as JQL date literals. Jira reads ``"yyyy-MM-dd HH:mm"`` in the API user's time zone
(``/myself`` ``timeZone``), not UTC and not the server's zone, so a UTC-day partition that wrote its bounds in
UTC would ask for the wrong hours (seven or eight of them, in Los Angeles).

The edge: JQL has minute precision. UTC-day bounds are whole minutes in every zone in use today, so the
literals are exact; a bound that is not a whole minute, or a local time that daylight saving time makes
ambiguous, is widened (never narrowed) to the next minute that covers it. Callers fetch the literals' window
and keep an issue only if ``contains`` its exact ``updated`` time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_LITERAL = "%Y-%m-%d %H:%M"
_MINUTE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class JqlWindow:
    """[start, end) in UTC and the literals that ask Jira for (at least) it in ``zone``."""

    start: dt.datetime
    end: dt.datetime
    zone: str
    start_literal: str
    end_literal: str

    def clause(self, field: str = "updated") -> str:
        return f'{field} >= "{self.start_literal}" AND {field} < "{self.end_literal}"'

    def contains(self, moment: dt.datetime) -> bool:
        """Whether an exact time (aware) falls in the UTC window: the filter after the minute-wide fetch."""
        return self.start <= moment < self.end


def jql_window(start: dt.datetime, end: dt.datetime, zone_name: str) -> JqlWindow:
    """The literals of [start, end) read in ``zone_name`` (an IANA name, as ``/myself`` gives it)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("jql_window needs aware datetimes (UTC)")
    zone = _zone(zone_name)
    start_utc, end_utc = start.astimezone(dt.UTC), end.astimezone(dt.UTC)
    low = _floor_minute(start_utc.astimezone(zone).replace(tzinfo=None))
    while _as_jira_reads(low, zone) > start_utc:  # an ambiguous or skipped local minute: step back
        low -= _MINUTE
    high = _ceil_minute(end_utc.astimezone(zone).replace(tzinfo=None))
    while _as_jira_reads(high, zone) < end_utc:  # read as the earlier of two same wall times: step on
        high += _MINUTE
    return JqlWindow(start_utc, end_utc, zone_name, low.strftime(_LITERAL), high.strftime(_LITERAL))


def parse_jira_time(value: str) -> dt.datetime:
    """Jira's timestamps (``2025-03-31T09:15:30.000-0700``, agile ``…000Z``) as aware datetimes."""
    text = value.strip()
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    elif len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():
        text = f"{text[:-2]}:{text[-2:]}"
    return dt.datetime.fromisoformat(text)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Jira's /myself time zone {name!r} is not an IANA zone this system knows") from None


def _as_jira_reads(wall: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """The instant Jira (java.time) gives a local wall time: the earlier offset when it is ambiguous, shifted
    forward by the gap when it does not exist (Python's fold=0 lands on that same instant)."""
    return wall.replace(tzinfo=zone, fold=0).astimezone(dt.UTC)


def _floor_minute(moment: dt.datetime) -> dt.datetime:
    return moment.replace(second=0, microsecond=0)


def _ceil_minute(moment: dt.datetime) -> dt.datetime:
    floored = _floor_minute(moment)
    return floored if floored == moment else floored + _MINUTE
