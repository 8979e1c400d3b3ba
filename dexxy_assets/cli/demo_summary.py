"""What `dexxy demo` prints at the end: what was loaded and the median cycle time per week."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from sqlalchemy import Engine, text

_COUNTS = text(
    """
    SELECT (SELECT count(*) FROM analytics.pull_requests) AS pull_requests,
           (SELECT count(*) FROM analytics.pr_reviews) AS reviews,
           (SELECT count(*) FROM analytics.commits) AS commits,
           (SELECT count(*) FROM analytics.team_members) AS team_members
    """
)
_WEEKLY_CYCLE_TIME = text(
    """
    SELECT date_trunc('week', merged_at)::date AS week,
           count(*) AS merged,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY cycle_time_hours) AS median_hours
    FROM analytics.pull_requests
    WHERE state = 'merged' AND NOT is_bot
    GROUP BY 1
    ORDER BY 1
    """
)


def load_summary(engine: Engine) -> tuple[dict[str, int], list[tuple]]:
    with engine.connect() as conn:
        counts = dict(conn.execute(_COUNTS).one()._mapping)
        weekly = [tuple(row) for row in conn.execute(_WEEKLY_CYCLE_TIME)]
    return counts, weekly


def print_summary(console: Console, counts: dict[str, int], weekly: list[tuple]) -> None:
    console.print(
        f"Loaded [bold]{counts['pull_requests']}[/bold] pull requests, "
        f"[bold]{counts['reviews']}[/bold] reviews, "
        f"[bold]{counts['commits']}[/bold] commits, {counts['team_members']} team members."
    )
    table = Table(title="Median cycle time per week (merged, non-bot PRs)")
    table.add_column("week (Mon)")
    table.add_column("merged", justify="right")
    table.add_column("median hours", justify="right")
    for week, merged, median in weekly:
        table.add_row(str(week), str(merged), f"{median:.1f}" if median is not None else "-")
    console.print(table)
