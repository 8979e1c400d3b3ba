"""When assets refresh by themselves: the nightly syncs, and the rebuilds downstream of them.

Dagster's stock conditions fit a pipeline whose only new data is in the latest partition. Ours is not one:
a pull request merged late on day D is updated on D after the 02:00 sync has run, and a backfill fills
old partitions while others stay missing. So:

- ``nightly(cron)`` requests yesterday's *and* today's partitions at every tick (``on_cron`` requests only
  the latest window, which with ``end_offset=1`` is today: the rest of yesterday would never be read), and
  does not wait for upstream assets to be updated after the tick (the 04:00 LLM step reads what the 02:00
  sync landed).
- ``after_upstream_partitions()`` re-runs any partition of a daily derived asset whose upstream partition
  changed, not only the latest one.
- ``recent_partitions(grain)`` re-runs a weekly or monthly mart's recent days (today and the seven
  before, so the current period and the previous one) after any upstream materialization, and never the
  older ones: its upstream marts are unpartitioned (a change to one touches every partition), and what
  they learn late lands in the last days (an incident up to the change-failure window after a
  deployment, a Copilot day reported late). Older periods change by a backfill of their range.
- ``after_any_upstream()`` rebuilds an unpartitioned mart after any upstream materialization it reads,
  even while some upstream partitions were never materialized (a partial history is still data).
"""

from __future__ import annotations

import datetime as dt

import dagster as dg

AC = dg.AutomationCondition

# The latest window ends at tomorrow 00:00 (end_offset=1): two days back from there is yesterday and today.
NIGHTLY_LOOKBACK = dt.timedelta(days=2)
# Today and the 7 days before: every day of the previous week (of the previous month, in a month's first
# week) stays in reach, so a week's or month's rows are refreshed for at least 7 days after it ends.
RECENT_LOOKBACK = dt.timedelta(days=8)


def nightly(cron_schedule: str) -> dg.AutomationCondition:
    """At each tick of ``cron_schedule`` (UTC), yesterday's and today's partitions, once each."""
    tick = AC.cron_tick_passed(cron_schedule, cron_timezone="UTC")
    return (
        AC.in_latest_time_window(lookback_delta=NIGHTLY_LOOKBACK)
        & tick.since_last_handled()
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label(f"nightly at {cron_schedule} UTC: yesterday and today")


def after_upstream_partitions() -> dg.AutomationCondition:
    """A daily derived asset: each partition re-runs when its upstream partitions change; today's runs
    as soon as it exists."""
    return (
        ((AC.in_latest_time_window() & AC.newly_missing()) | AC.any_deps_updated()).since_last_handled()
        & ~AC.any_deps_missing()
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label("after its upstream partitions change")


def recent_partitions(grain: str) -> dg.AutomationCondition:
    """A weekly or monthly mart on daily partitions (its runs rebuild whole periods): its recent partitions
    re-run after any upstream materialization, today's as soon as it exists; older ones never by
    themselves, so an update of an unpartitioned upstream does not request the whole history."""
    return (
        AC.in_latest_time_window(lookback_delta=RECENT_LOOKBACK)
        & (AC.newly_missing() | AC.any_deps_updated()).since_last_handled()
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label(f"its recent days ({grain}s refreshed whole) after any upstream materialization")


def after_any_upstream() -> dg.AutomationCondition:
    """An unpartitioned mart: rebuilt after any upstream materialization, missing partitions or not."""
    return (
        (AC.newly_missing() | AC.any_deps_updated()).since_last_handled()
        & ~AC.any_deps_in_progress()
        & ~AC.in_progress()
    ).with_label("after any upstream materialization")
