"""The three weekly charts as PNG bytes (matplotlib's Agg canvas, no display and no pyplot global state, so
Dagster's threads and processes can draw side by side): the cycle-time breakdown per week (median coding,
pickup, review and deploy hours stacked), the AI-assisted share per week, and DORA per month."""

from __future__ import annotations

import io
from collections.abc import Callable

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import MO, DateFormatter, WeekdayLocator
from matplotlib.figure import Figure

from dexxy_assets.analytics.weekly_charts_data import ChartData

PHASES = (
    ("coding_time_median_hours", "coding", "#4C78A8"),
    ("pickup_time_median_hours", "pickup", "#F58518"),
    ("review_time_median_hours", "review", "#54A24B"),
    ("deploy_time_median_hours", "deploy", "#B279A2"),
)
DPI = 96


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def _nothing(figure: Figure, title: str) -> Figure:
    axes = figure.add_subplot()
    axes.set_axis_off()
    axes.text(0.5, 0.5, f"{title}\n(no data for these weeks)", ha="center", va="center", fontsize=12)
    return figure


def cycle_time_breakdown(data: ChartData) -> bytes:
    """Stacked medians per week, one panel per team (medians of phases need not add up to the median cycle
    time: the stack shows where time goes, not the cycle time itself)."""
    teams = data.teams
    figure = Figure(figsize=(8, 1.2 + 2.2 * max(1, len(teams))), layout="constrained")
    if not teams:
        return _png(_nothing(figure, "Cycle-time breakdown"))
    panels = figure.subplots(len(teams), 1, squeeze=False, sharex=True)[:, 0]
    for axes, team in zip(panels, teams, strict=True):
        labels = [w["week_start"].strftime("%d %b") for w in team.weeks]
        bottom = [0.0] * len(team.weeks)
        for column, name, colour in PHASES:
            values = [float(w[column] or 0) for w in team.weeks]
            axes.bar(labels, values, bottom=bottom, label=name, color=colour)
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.set_title(team.team_name, fontsize=10, loc="left")
        axes.set_ylabel("hours")
        axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    handles, labels = panels[0].get_legend_handles_labels()
    figure.legend(handles, labels, ncols=4, fontsize=8, loc="outside lower center")
    figure.suptitle("Cycle-time breakdown per week (median hours per phase, stacked)")
    return _png(figure)


def ai_assisted_share(data: ChartData) -> bytes:
    """Share of merged pull requests that are AI-assisted, per team and week (percent)."""
    figure = Figure(figsize=(8, 3.6), layout="constrained")
    drawn = [t for t in data.teams if any(w["ai_assisted_share"] is not None for w in t.weeks)]
    if not drawn:
        return _png(_nothing(figure, "AI-assisted share"))
    axes = figure.add_subplot()
    for team in drawn:
        points = [
            (w["week_start"], float(w["ai_assisted_share"]) * 100)
            for w in team.weeks
            if w["ai_assisted_share"] is not None
        ]
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=team.team_name)
    axes.set_ylim(0, 100)
    axes.xaxis.set_major_locator(WeekdayLocator(byweekday=MO))
    axes.xaxis.set_major_formatter(DateFormatter("%d %b"))
    axes.set_ylabel("% of merged pull requests")
    axes.legend(fontsize=8)
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    figure.suptitle("AI-assisted share of merged pull requests per week")
    return _png(figure)


def dora_per_month(data: ChartData) -> bytes:
    """The four DORA metrics per month, one line per organisation (or the team)."""
    figure = Figure(figsize=(8, 5.2), layout="constrained")
    if not data.dora:
        return _png(_nothing(figure, "DORA per month"))
    panels = figure.subplots(2, 2, squeeze=False)
    metrics: tuple[tuple[str, str, Callable[[float], float]], ...] = (
        ("deployments", "deployments", float),
        ("lead_time_median_hours", "lead time, median h", float),
        ("change_failure_rate", "change failure rate %", lambda v: float(v) * 100),
        ("recovery_median_hours", "recovery, median h", float),
    )
    for axes, (column, label, scale) in zip(panels.flat, metrics, strict=True):
        for key, months in sorted(data.dora.items()):
            points = [
                (m["month_start"].strftime("%b %y"), scale(m[column]))
                for m in months
                if m[column] is not None
            ]
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=key)
        axes.set_title(label, fontsize=10, loc="left")
        axes.set_ylim(bottom=0)
        axes.tick_params(axis="x", labelsize=8)
    panels[0][0].legend(fontsize=8)
    figure.suptitle(f"DORA per month ({data.dora_grain})")
    return _png(figure)


CHARTS: dict[str, Callable[[ChartData], bytes]] = {
    "cycle_time_breakdown": cycle_time_breakdown,
    "ai_assisted_share": ai_assisted_share,
    "dora_monthly": dora_per_month,
}
