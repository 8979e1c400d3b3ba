"""The metadata that describes a whole run of a partitioned asset, recorded once.

A single-run backfill records one materialization per partition, and Dagster copies a ``MaterializeResult``'s
metadata into every one of them: a column schema, a table preview or an LLM step's headlines returned that
way is stored once per day of the range (a two-year run wrote 8 KB x 731 events per weekly mart). What
describes the run goes on its newest partition only, as the ingestion assets do (``ingestion_report``);
what every partition's event keeps is the small part the caller returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg


def add_run_wide(context: dg.AssetExecutionContext, metadata: Mapping[str, Any]) -> None:
    """Put ``metadata`` on the run's newest partition of the (single) asset being materialized."""
    context.add_asset_metadata(dict(metadata), partition_key=context.partition_keys[-1])
