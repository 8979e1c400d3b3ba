"""The shape every source of Dexxy follows (GitHub, Copilot, Jira, and the next one).

A source is a folder of its own: its settings (group, owners, kinds, pool, nightly automation), its
ingestion assets built by ``ingestion_asset.build_ingestion_asset`` (fetch → land raw → stage), the tables
those assets publish (``table_lineage.publishes``, so a mart's ``source()``/``ref()`` calls give its
dependencies), its marts, its own checks, sensors and API resource, and the environment variables it
reads. ``definitions.py``, the jobs and the definitions tests iterate over ``sources.registered_sources()``;
adding a source touches no other source's files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import dagster as dg

from dexxy_assets.analytics.mart_asset import MartSpec

# Asset tag on every ingestion asset (``tag:dexxy/layer=ingestion`` selects them in the UI).
LAYER_TAG = "dexxy/layer"
INGESTION = "ingestion"


@dataclass(frozen=True)
class SourceSettings:
    """What every asset of a source is declared with."""

    group: str
    owners: tuple[str, ...]
    kinds: frozenset[str]
    pool: str  # the API's concurrency pool: runs of one API queue instead of sharing its rate limit
    automation: dg.AutomationCondition  # when its fetching assets run (nightly, re-reading yesterday)

    def declared(self) -> dict[str, Any]:
        return {"group_name": self.group, "owners": list(self.owners), "kinds": set(self.kinds)}


@dataclass(frozen=True)
class Source:
    """One registered source. ``build`` returns its assets, its own checks and sensors; ``resources`` its
    API resource (two sources of one API, GitHub and Copilot, name the same one). The warehouse, the
    ``no_ingest_problems`` checks, the stale-parser sensors and the marts are added by ``definitions.py``
    for every source alike."""

    name: str
    settings: SourceSettings
    env_vars: tuple[str, ...]  # every variable it reads (documented in .env.example)
    build: Callable[[dg.TimeWindowPartitionsDefinition], dg.Definitions]
    resources: Callable[[], Mapping[str, Any]]
    marts: tuple[MartSpec, ...] = ()
    # another source whose API this one reads with the same resource (Copilot: "github"): pausing or
    # disabling that source holds this one too (dexxy_assets/sync/shared_api.py)
    reads_api_of: str | None = None
