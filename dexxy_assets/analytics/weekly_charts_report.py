"""The one-page HTML report of a week (`dexxy report`): the headline numbers per team, the week's insights and
the three weekly charts inline (base64 images), so the file opens anywhere, offline, as one attachment."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlalchemy import Connection

from dexxy_assets.analytics.weekly_charts import TITLES
from dexxy_assets.analytics.weekly_charts_data import chart_data, monday, week_headlines
from dexxy_assets.analytics.weekly_charts_render import CHARTS

TEMPLATE = "weekly_report.html.j2"


def _hours(value: Decimal | float | None) -> str:
    return "-" if value is None else f"{float(value):.1f} h"


def _percent(value: Decimal | float | None) -> str:
    return "-" if value is None else f"{float(value) * 100:.0f} %"


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("dexxy_assets.analytics", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["hours"] = _hours
    environment.filters["percent"] = _percent
    return environment


def render_report(conn: Connection, week: dt.date, team: tuple[str, str] | None = None) -> str:
    """The report's HTML for ``week``'s Monday, for one team (key, name) or every team."""
    week = monday(week)
    team_key = team[0] if team else None
    data = chart_data(conn, week, team_key)
    charts = [
        {"title": TITLES[name], "base64": base64.b64encode(draw(data)).decode("ascii")}
        for name, draw in CHARTS.items()
    ]
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            scope=team[1] if team else "All teams",
            team=team_key,
            week=week.isoformat(),
            teams=week_headlines(conn, week, team_key),
            charts=charts,
        )
    )


def report_path(home: Path, week: dt.date, team_key: str | None) -> Path:
    """``$DEXXY_HOME/reports/weekly-report-<week>[-<team>].html`` (the team key made file-safe)."""
    suffix = "" if team_key is None else "-" + "".join(c if c.isalnum() else "_" for c in team_key)
    return home / "reports" / f"weekly-report-{monday(week).isoformat()}{suffix}.html"
