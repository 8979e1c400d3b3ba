"""``analytics/weekly_charts``: the weekly rollup's pictures, for people who look rather than read.

After the rollups and DORA are rebuilt, it draws the cycle-time breakdown per week, the AI-assisted share and
DORA per month for the latest rolled-up week (the most active teams, the organisations' DORA) as PNG files
under ``$DEXXY_HOME/reports/weekly_charts/<week>/`` and embeds them in its materialization metadata
(markdown images with base64 data, which the asset page renders), with each file's path beside them. A
separate small asset, not a step of the mart factory: a chart that fails never fails a table."""

import base64
import datetime as dt
from pathlib import Path

import dagster as dg

from dexxy_assets.analytics.weekly_charts_data import chart_data, latest_week
from dexxy_assets.automation import after_any_upstream
from resources.environment import dexxy_home
from resources.warehouse import WarehouseResource

WEEKLY_CHARTS_KEY = dg.AssetKey(["analytics", "weekly_charts"])
READS = tuple(dg.AssetKey(["analytics", name]) for name in ("weekly_team_rollup", "dora_monthly"))
CHARTS_FOLDER = "reports/weekly_charts"
TITLES = {
    "cycle_time_breakdown": "Cycle-time breakdown per week",
    "ai_assisted_share": "AI-assisted share",
    "dora_monthly": "DORA per month",
}


def charts_dir(week: dt.date, home: Path | None = None) -> Path:
    return (home or dexxy_home()) / CHARTS_FOLDER / week.isoformat()


def latest_chart_paths(home: Path | None = None) -> list[Path]:
    """The PNG files of the latest week drawn (what `dexxy demo` prints), or none."""
    root = (home or dexxy_home()) / CHARTS_FOLDER
    weeks = sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []
    return sorted(weeks[-1].glob("*.png")) if weeks else []


def markdown_image(title: str, png: bytes) -> str:
    """A markdown image with the PNG inline (the Dagster UI renders data-URI images in markdown metadata)."""
    return f"![{title}](data:image/png;base64,{base64.b64encode(png).decode('ascii')})"


@dg.asset(
    key=WEEKLY_CHARTS_KEY,
    description="PNG charts of the weekly rollup (cycle-time breakdown per week, AI-assisted share, DORA per "
    "month) for the latest week, shown on this asset's page and written under $DEXXY_HOME/reports/.",
    group_name="analytics",
    owners=["team:data-platform"],
    kinds={"python", "matplotlib"},
    deps=list(READS),
    automation_condition=after_any_upstream(),
)
def weekly_charts(context: dg.AssetExecutionContext, warehouse: WarehouseResource) -> dg.MaterializeResult:
    with warehouse.connect() as conn:
        week = latest_week(conn)
        if week is None:
            reason = "no charts: analytics.weekly_team_rollup has no week yet"
            context.log.info(reason)
            return dg.MaterializeResult(metadata={"status": reason})
        data = chart_data(conn, week)
    from dexxy_assets.analytics.weekly_charts_render import CHARTS  # matplotlib: only for runs that draw

    folder = charts_dir(week)
    folder.mkdir(parents=True, exist_ok=True)
    metadata: dict[str, dg.MetadataValue] = {
        "week_start": dg.MetadataValue.text(week.isoformat()),
        "teams_drawn": dg.MetadataValue.json([t.team_name for t in data.teams]),
    }
    for name, draw in CHARTS.items():
        png = draw(data)
        path = folder / f"{name}.png"
        path.write_bytes(png)
        metadata[name] = dg.MetadataValue.md(
            f"**{TITLES[name]}** (week of {week})\n\n{markdown_image(TITLES[name], png)}"
        )
        metadata[f"{name}_path"] = dg.MetadataValue.path(str(path))
    context.log.info(f"weekly charts for {week} written to {folder}")
    return dg.MaterializeResult(metadata=metadata)
