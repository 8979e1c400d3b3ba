"""The weekly charts on the hand-made rollup fixture (tests/rollup_fixtures.py): PNG files under DEXXY_HOME
and the same images in the asset's metadata, the paths `dexxy demo` prints, and `dexxy report` as one HTML
page checked in a real headless browser (the images load, the numbers are there, no console error)."""

from __future__ import annotations

import base64
import datetime as dt
import re
import struct
from decimal import Decimal
from pathlib import Path

import dagster as dg
import pytest
from click.testing import CliRunner
from rich.console import Console

from dexxy_assets.analytics.weekly_charts import latest_chart_paths, weekly_charts
from dexxy_assets.cli.demo_summary import print_chart_paths
from dexxy_assets.cli.main import cli
from resources.environment import dexxy_home
from resources.warehouse import WarehouseResource
from tests.browser import headless_chromium
from tests.insight_fixtures import load_rolled_up_weeks
from tests.rollup_fixtures import W3, insert

CHARTS = ("ai_assisted_share", "cycle_time_breakdown", "dora_monthly")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes) -> tuple[int, int]:
    assert png.startswith(PNG_SIGNATURE)
    return struct.unpack(">II", png[16:24])  # IHDR width, height


@pytest.fixture
def rolled_up(warehouse: WarehouseResource) -> WarehouseResource:
    """The rollup fixture's rollups, DORA months for the organisation and a DORA week for api."""
    with warehouse.begin() as conn:
        load_rolled_up_weeks(conn)
        month = {"grain": "organisation", "grain_key": "acme", "deployment_days": 3, "changes_deployed": 3}
        insert(
            conn,
            "analytics.dora_monthly",
            [
                {
                    **month,
                    "month_start": dt.date(2026, 2, 1),
                    "deployments": 6,
                    "lead_time_median_hours": Decimal("30.0"),
                    "failed_deployments": 1,
                    "change_failure_rate": Decimal("0.1667"),
                    "recovered_deployments": 1,
                    "recovery_median_hours": Decimal("5.0"),
                    "deployment_frequency_band": "high",
                },
                {
                    **month,
                    "month_start": dt.date(2026, 3, 1),
                    "deployments": 4,
                    "lead_time_median_hours": Decimal("20.0"),
                    "failed_deployments": 0,
                    "change_failure_rate": Decimal("0"),
                    "recovered_deployments": 0,
                    "deployment_frequency_band": "high",
                },
            ],
        )
    return warehouse


def _materialize(warehouse: WarehouseResource) -> dict:
    result = dg.materialize([weekly_charts], resources={"warehouse": warehouse})
    assert result.success
    (event,) = result.get_asset_materialization_events()
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_the_charts_are_png_files_and_images_on_the_asset_page(rolled_up: WarehouseResource) -> None:
    metadata = _materialize(rolled_up)
    assert metadata["week_start"] == W3.isoformat()  # the latest rolled-up week
    folder = dexxy_home() / "reports" / "weekly_charts" / W3.isoformat()
    for name in CHARTS:
        path = Path(metadata[f"{name}_path"])
        assert path.parent == folder
        png = path.read_bytes()
        width, height = png_size(png)
        assert width > 300 and height > 200
        embedded = re.search(r"data:image/png;base64,([A-Za-z0-9+/=]+)\)", metadata[name])
        assert embedded and base64.b64decode(embedded.group(1)) == png  # the page shows the file's image
    assert sorted(metadata["teams_drawn"]) == ["github:acme/api", "github:acme/web"]  # idle merged nothing

    assert [p.name for p in latest_chart_paths()] == [f"{name}.png" for name in CHARTS]
    console = Console(record=True, width=200)
    print_chart_paths(console, latest_chart_paths())
    assert str(folder / "cycle_time_breakdown.png") in console.export_text()


def test_without_a_rollup_the_charts_asset_says_so(warehouse: WarehouseResource) -> None:
    metadata = _materialize(warehouse)
    assert metadata["status"] == "no charts: analytics.weekly_team_rollup has no week yet"
    assert latest_chart_paths() == []


def _report(database_url: str, *args: str) -> Path:
    result = CliRunner().invoke(cli, ["report", *args], env={"DATABASE_URL": database_url})
    assert result.exit_code == 0, result.output
    return Path(result.output.strip().splitlines()[-1])


def test_report_of_one_team_is_one_page_that_renders_in_a_browser(
    rolled_up: WarehouseResource, database_url: str
) -> None:
    path = _report(database_url, "--week", "2026-03-04", "--team", "api")  # a Wednesday of W1; the slug
    assert path == dexxy_home() / "reports" / "weekly-report-2026-03-02-github_acme_api.html"
    html = path.read_text()
    assert 'src="http' not in html and html.count("data:image/png;base64,") == 3  # self-contained
    with headless_chromium() as browser:
        browser.get(path.as_uri())
        images = browser.execute_script(
            "return Array.from(document.images)"
            ".map(i => [i.alt, i.complete, i.naturalWidth, i.naturalHeight]);"
        )
        numbers = browser.execute_script(
            "return Array.from(document.querySelectorAll('#headline-numbers tbody td'))"
            ".map(c => c.innerText);"
        )
        errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert [i[0] for i in images] == ["Cycle-time breakdown per week", "AI-assisted share", "DORA per month"]
    assert all(complete and width > 0 and height > 0 for _, complete, width, height in images), images
    # api in W1: 2 members, 4 opened, 3 merged, median cycle 20 h, 1 review, 50 % AI, 50 % linked, 4 deploys
    assert numbers == ["github:acme/api", "2", "4", "3", "20.0 h", "1", "50 %", "50 %", "4", "25 %"]
    assert errors == []


def test_report_of_all_teams_and_an_unknown_team(rolled_up: WarehouseResource, database_url: str) -> None:
    html = _report(database_url, "--week", "2026-03-16").read_text()
    assert html.count("<tr>") == 1 + 3  # header and api, web, idle
    assert "104.8 h" in html  # web's median cycle time in W3 (169.5 and 40 h)
    result = CliRunner().invoke(
        cli, ["report", "--week", "2026-03-16", "--team", "nope"], env={"DATABASE_URL": database_url}
    )
    assert result.exit_code == 2 and "no team with key, name or slug 'nope'" in result.output
