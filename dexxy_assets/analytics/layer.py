"""The analytics layer's own tables: those that span sources (people, teams and the weekly rollups, DORA),
built after every source's marts, and their checks. A source's single-source marts live in its folder
(``<source>/marts.py``)."""

from __future__ import annotations

import dagster as dg

from dexxy_assets.analytics.dora_marts import DORA_MARTS, build_dora_checks
from dexxy_assets.analytics.mart_asset import MartSpec
from dexxy_assets.analytics.people_marts import PEOPLE_MARTS
from dexxy_assets.analytics.team_marts import TEAM_MARTS

ANALYTICS_MARTS: tuple[MartSpec, ...] = (*PEOPLE_MARTS, *TEAM_MARTS, *DORA_MARTS)


def build_analytics_checks() -> list[dg.AssetChecksDefinition]:
    return build_dora_checks()
