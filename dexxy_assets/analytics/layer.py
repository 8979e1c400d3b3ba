"""The analytics layer's own tables: those that span sources (people, teams and the weekly rollups, DORA),
built after every source's marts, and their checks. A source's single-source marts live in its folder
(``<source>/marts.py``)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.dora_marts import DORA_MARTS, build_dora_checks
from dexxy_assets.analytics.mart_asset import MartSpec
from dexxy_assets.analytics.people_marts import PEOPLE_MARTS
from dexxy_assets.analytics.team_marts import TEAM_MARTS
from dexxy_assets.analytics.weekly_charts import weekly_charts

INSIGHT_MARTS = (
    MartSpec(
        name="weekly_insights",
        description="Per team and week: a short LLM-written narrative (headline, observations, one suggested "
        "focus) of processing/weekly_insights, beside the weekly rollups.",
        preview_columns=["week_start", "team_name", "headline"],
    ),
)

ANALYTICS_MARTS: tuple[MartSpec, ...] = (*PEOPLE_MARTS, *TEAM_MARTS, *DORA_MARTS, *INSIGHT_MARTS)


def build_analytics_assets() -> list[dg.AssetsDefinition]:
    """The analytics layer's Python assets (not SQL marts): the weekly charts."""
    return [weekly_charts]


def build_analytics_checks() -> list[dg.AssetChecksDefinition]:
    return build_dora_checks()
