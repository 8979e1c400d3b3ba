"""`dexxy report --week W [--team T]`: a one-page HTML report of a week (headline numbers, insights, the
weekly charts inline) under $DEXXY_HOME/reports/, from what the warehouse holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from resources.environment import dexxy_home
from resources.warehouse import resolve_database_url, warehouse_engine


@click.command()
@click.option(
    "--week",
    "week",
    required=True,
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Any day of the week (YYYY-MM-DD); weeks start on Monday, UTC.",
)
@click.option(
    "--team", default=None, help="A team's key, name or slug (analytics.teams); default: all teams."
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the HTML (default: $DEXXY_HOME/reports/weekly-report-<week>[-<team>].html).",
)
def report(week: dt.datetime, team: str | None, output: Path | None) -> None:
    """Write a one-page HTML report of a week's numbers and charts, and print its path."""
    from dexxy_assets.analytics.weekly_charts_data import resolve_team  # matplotlib: only for this command
    from dexxy_assets.analytics.weekly_charts_report import render_report, report_path

    engine = warehouse_engine(resolve_database_url())
    with engine.connect() as conn:
        chosen = None
        if team is not None:
            chosen = resolve_team(conn, team)
            if chosen is None:
                raise click.BadParameter(f"no team with key, name or slug {team!r}", param_hint="--team")
        html = render_report(conn, week.date(), chosen)
    path = output or report_path(dexxy_home(), week.date(), chosen[0] if chosen else None)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    click.echo(str(path))
