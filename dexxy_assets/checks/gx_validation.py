"""Run expectations over a pandas frame with an ephemeral Great Expectations 1.x context (nothing written
to disk, no usage statistics sent) and turn the outcome into Dagster check metadata."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import dagster as dg
import pandas as pd

from dexxy_assets.checks.gx_suite import Expect

SAMPLE_VALUES = 5


@dataclass(frozen=True)
class Outcome:
    """One expectation's result, reduced to what a person needs to act on it."""

    label: str
    success: bool
    unexpected_count: int
    unexpected_percent: float
    sample: list[Any]
    observed: Any = None


def validate_frame(frame: pd.DataFrame, expectations: Sequence[Expect], suite_name: str) -> list[Outcome]:
    """Validate ``frame`` against ``expectations``; one ``Outcome`` per expectation, in order."""
    import great_expectations as gx  # seconds to import: only when a check runs
    import great_expectations.expectations as gxe

    context = gx.get_context(mode="ephemeral", project_config=_in_memory_config())
    batch = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite_name)
        .add_batch_definition_whole_dataframe("checked rows")
        .get_batch(batch_parameters={"dataframe": frame})
    )
    suite = gx.ExpectationSuite(
        name=suite_name, expectations=[getattr(gxe, e.kind)(**e.kwargs) for e in expectations]
    )
    result = batch.validate(suite, result_format={"result_format": "SUMMARY"})
    # GX returns results in the suite's order; match them back by position
    return [_outcome(e, r) for e, r in zip(expectations, result.results, strict=True)]


def _in_memory_config() -> Any:
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    return DataContextConfig(
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
    )


def _outcome(expectation: Expect, result: Any) -> Outcome:
    detail = result.result or {}
    sample = detail.get("partial_unexpected_list") or []
    return Outcome(
        label=expectation.label,
        success=bool(result.success),
        unexpected_count=int(detail.get("unexpected_count") or 0),
        unexpected_percent=round(float(detail.get("unexpected_percent") or 0.0), 2),
        sample=[_plain(v) for v in sample[:SAMPLE_VALUES]],
        observed=_plain(detail.get("observed_value")),
    )


def _plain(value: Any) -> Any:
    """JSON-safe: numpy scalars, timestamps, decimals and pairs of them as plain values."""
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date):
        return None if pd.isna(value) else value.isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return _plain(value.item())
    return str(value)


def outcome_metadata(outcomes: Sequence[Outcome], rows: int) -> dict[str, Any]:
    """Counts, and every failing expectation with its unexpected count, percentage and a few values."""
    failing = [o for o in outcomes if not o.success]
    lines = ["| expectation | unexpected | % | sample |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {o.label} | {o.unexpected_count} | {o.unexpected_percent} | {_md(o.sample or o.observed)} |"
        for o in failing
    ]
    return {
        "rows_checked": rows,
        "expectations": len(outcomes),
        "failed_expectations": len(failing),
        "failures": dg.MetadataValue.json(
            [
                {
                    "expectation": o.label,
                    "unexpected_count": o.unexpected_count,
                    "unexpected_percent": o.unexpected_percent,
                    "unexpected_values": o.sample,
                    "observed_value": o.observed,
                }
                for o in failing
            ]
        ),
        "failing_expectations": dg.MetadataValue.md("\n".join(lines) if failing else "All expectations met."),
    }


def _md(value: Any) -> str:
    return str(value).replace("|", "\\|")[:200]
