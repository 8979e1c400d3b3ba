"""A UTC-day partition asks Jira for exactly its UTC day: JQL date literals in the API user's time zone
(``/myself``), daylight saving time included, against the sandbox over real HTTP (its zone is
America/Los_Angeles); and the literals' edges (minute precision, ambiguous and skipped local times)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from dexxy_sandbox.jira import JIRA_API_TOKEN, JiraSite
from dexxy_sandbox.server import SandboxServer
from resources.http.auth import BasicAuth
from resources.jira_adapter import JiraAdapter
from resources.jira_client import JiraClient
from resources.jira_time_window import jql_window, parse_jira_time
from tests.sandbox_fixtures import running_sandbox


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox(days=130) as running:  # February to June: both sides of the March DST change
        yield running


@pytest.fixture(scope="module")
def site(server: SandboxServer) -> JiraSite:
    return server.jira.site


def _utc_day(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), dt.UTC)
    return start, start + dt.timedelta(days=1)


def _busiest_day(site: JiraSite, months: set[int]) -> dt.date:
    days = [i.updated.astimezone(dt.UTC).date() for i in site.issues]
    return max((d for d in set(days) if d.month in months), key=days.count)


@pytest.mark.parametrize(("months", "offset"), [({2}, "16:00"), ({5, 6}, "17:00")], ids=["winter", "summer"])
def test_a_utc_day_asks_for_exactly_its_issues(
    server: SandboxServer, site: JiraSite, months: set[int], offset: str
) -> None:
    day = _busiest_day(site, months)
    start, end = _utc_day(day)
    with JiraClient(
        server.jira_base_url, JiraAdapter(BasicAuth(site.api_user.email or "", JIRA_API_TOKEN))
    ) as client:
        zone = client.time_zone()
        window = jql_window(start, end, zone)
        assert window.start_literal == f"{day - dt.timedelta(days=1):%Y-%m-%d} {offset}"  # PST -8, PDT -7
        jql = f"project in ({', '.join(site.project_keys)}) AND {window.clause()} ORDER BY updated ASC"
        found = client.search(jql, ["updated"])
    fetched = {i["key"] for i in found}
    kept = {i["key"] for i in found if window.contains(parse_jira_time(i["fields"]["updated"]))}
    expected = {i.key for i in site.issues if start <= i.updated < end}
    assert len(expected) >= 5 and kept == expected
    assert fetched == kept  # whole-minute bounds: the literals alone ask for exactly the day
    naive = (
        f'updated >= "{start:%Y-%m-%d %H:%M}" AND updated < "{end:%Y-%m-%d %H:%M}"'  # UTC, read as Pacific
    )
    with JiraClient(
        server.jira_base_url, JiraAdapter(BasicAuth(site.api_user.email or "", JIRA_API_TOKEN))
    ) as client:
        wrong = {i["key"] for i in client.search(f"project in ({', '.join(site.project_keys)}) AND {naive}")}
    assert wrong != expected


def test_the_day_of_the_spring_change_is_23_local_hours_of_24_utc_ones() -> None:
    start, end = _utc_day(dt.date(2026, 3, 8))  # US clocks skip 02:00-03:00 local that morning
    window = jql_window(start, end, "America/Los_Angeles")
    assert (window.start_literal, window.end_literal) == ("2026-03-07 16:00", "2026-03-08 17:00")
    berlin = jql_window(*_utc_day(dt.date(2026, 3, 29)), "Europe/Berlin")
    assert (berlin.start_literal, berlin.end_literal) == ("2026-03-29 01:00", "2026-03-30 02:00")
    assert jql_window(*_utc_day(dt.date(2026, 1, 5)), "UTC").clause() == (
        'updated >= "2026-01-05 00:00" AND updated < "2026-01-06 00:00"'
    )


def test_bounds_are_widened_never_narrowed() -> None:
    zone = ZoneInfo("America/Los_Angeles")
    # 09:30 UTC on 1 November 2026 is 01:30 PST, the second 01:30 of that night; Jira reads "01:30" as PDT
    # (08:30 UTC), so the end literal moves on to the first local minute Jira reads at or after 09:30 UTC.
    end = dt.datetime(2026, 11, 1, 9, 30, tzinfo=dt.UTC)
    window = jql_window(end - dt.timedelta(hours=3), end, "America/Los_Angeles")
    assert window.end_literal == "2026-11-01 02:00"
    read = dt.datetime(2026, 11, 1, 2, 0, tzinfo=zone).astimezone(dt.UTC)
    assert read >= end and read - end < dt.timedelta(hours=1)
    odd = jql_window(
        dt.datetime(2026, 6, 1, 10, 0, 30, tzinfo=dt.UTC),
        dt.datetime(2026, 6, 1, 11, 0, 1, tzinfo=dt.UTC),
        "UTC",
    )
    assert (odd.start_literal, odd.end_literal) == ("2026-06-01 10:00", "2026-06-01 11:01")
    assert not odd.contains(dt.datetime(2026, 6, 1, 10, 0, 10, tzinfo=dt.UTC))  # fetched, then filtered out
    assert odd.contains(dt.datetime(2026, 6, 1, 11, 0, 0, tzinfo=dt.UTC))
    with pytest.raises(ValueError, match="not an IANA zone"):
        jql_window(end, end, "Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="aware"):
        jql_window(dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2), "UTC")


def test_jira_times_parse_with_their_offsets() -> None:
    assert parse_jira_time("2025-03-31T09:15:30.000-0700") == dt.datetime(
        2025, 3, 31, 16, 15, 30, tzinfo=dt.UTC
    )
    assert parse_jira_time("2025-03-31T09:15:30.000Z") == dt.datetime(2025, 3, 31, 9, 15, 30, tzinfo=dt.UTC)
    assert parse_jira_time("2025-03-31T09:15:30.000+05:30").utcoffset() == dt.timedelta(hours=5, minutes=30)
