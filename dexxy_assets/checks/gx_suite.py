"""The declarative shape of a Great Expectations suite on one warehouse table.

Expectations are named by their GX 1.x class and built only when a check runs: importing
``great_expectations`` takes seconds, and the definitions load in every Dagster process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

_COLUMN_ARGUMENTS = ("column", "column_A", "column_B")


@dataclass(frozen=True)
class Expect:
    """One expectation: a class of ``great_expectations.expectations`` and its arguments."""

    kind: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        named = [self.kwargs[a] for a in _COLUMN_ARGUMENTS if a in self.kwargs]
        return named + list(self.kwargs.get("column_list", ()))

    @property
    def label(self) -> str:
        """What the UI lists: the expectation and the columns it looks at."""
        return f"{self.kind}({', '.join(self.columns)})"


def expect(kind: str, **kwargs: Any) -> Expect:
    return Expect(kind, kwargs)


@dataclass(frozen=True)
class WeeklyVolume:
    """Rows per Monday-start UTC week of ``timestamp_column``: the last complete week before the checked
    day stays within ``factor`` times the mean of the ``trailing_weeks`` weeks before it. Judged only when
    ``synced_by`` (the ingestion asset feeding the table) has synced all those weeks (``ops.sync_log``)."""

    timestamp_column: str
    synced_by: dg.AssetKey
    factor: float = 3.0
    trailing_weeks: int = 4


@dataclass(frozen=True)
class TableSuite:
    """A suite on one table, run as the asset check ``name`` of ``asset``.

    ``partition_column`` set: the check is partitioned like its asset and reads only the rows of the checked
    partitions. ``blocking``: a failure is an ERROR that stops downstream assets in the same run (for data
    that would poison what reads it); otherwise a WARN.
    """

    asset: dg.AssetKey
    table: str
    name: str
    description: str
    expectations: tuple[Expect, ...]
    partition_column: str | None = None
    blocking: bool = False
    volume: WeeklyVolume | None = None

    @property
    def columns(self) -> list[str]:
        """The columns to read: those the expectations name, once each, in order."""
        return list(dict.fromkeys(c for e in self.expectations for c in e.columns))
