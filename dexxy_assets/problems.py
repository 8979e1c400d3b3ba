"""Bad input is kept in raw, counted here, reported in metadata and checked by an asset check."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, text

from resources.bulk_load import copy_rows

SNAPSHOT_PARTITION = dt.date(1970, 1, 1)  # the partition_date used for unpartitioned snapshot assets


@dataclass
class ProblemLog:
    """Counts problems by (partition day, problem code) and keeps one example of each."""

    counts: Counter[tuple[dt.date, str]] = field(default_factory=Counter)
    examples: dict[tuple[dt.date, str], str] = field(default_factory=dict)

    def add(self, problem: str, partition: dt.date | None = None, example: object = None) -> None:
        key = (partition or SNAPSHOT_PARTITION, problem)
        self.counts[key] += 1
        if example is not None and key not in self.examples:
            self.examples[key] = str(example)[:200]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def by_problem(self) -> dict[str, int]:
        summary: Counter[str] = Counter()
        for (_, problem), count in self.counts.items():
            summary[problem] += count
        return dict(sorted(summary.items()))

    def save(self, conn: Connection, asset_key: str, partitions: list[dt.date] | None = None) -> None:
        """Replace the recorded problems of these partitions (or of the snapshot) for ``asset_key``."""
        days = partitions or [SNAPSHOT_PARTITION]
        conn.execute(
            text("DELETE FROM ops.ingest_problems WHERE asset_key = :key AND partition_date = ANY(:days)"),
            {"key": asset_key, "days": days},
        )
        rows = (
            {
                "asset_key": asset_key,
                "partition_date": day,
                "problem": problem,
                "occurrences": count,
                "example": self.examples.get((day, problem)),
            }
            for (day, problem), count in self.counts.items()
        )
        copy_rows(
            conn,
            "ops.ingest_problems",
            ["asset_key", "partition_date", "problem", "occurrences", "example"],
            rows,
        )
