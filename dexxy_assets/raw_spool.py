"""Raw rows spooled to a temporary file as they are fetched, then landed in one transaction.

A fetch streams what it reads into a spool, one pull request (or deployment) at a time, instead of holding a
whole window: each row is encoded for COPY at once and written to disk, so memory stays flat however large
the org or the window. Landing then replaces the partitions and COPYs the file in bounded chunks, in the
caller's transaction: a run killed while fetching or while landing leaves the previous data whole, and no
transaction (nor its partition locks) stays open while the API is read. The file is COPYed as it is: the
server reads it in blocks, so landing costs no Python work per row.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection

from resources.bulk_load import RAW_ROW_ORDINAL, clear_partitions, copy_file, encode_row

PARTITION_COLUMN = "partition_date"


class RawSpool:
    """The rows of one raw table (keyed by ``partition_date`` and ``partition_row``), numbered within their
    partition in the order they were added."""

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.table = table
        self.columns = [*columns, RAW_ROW_ORDINAL]
        self._per_partition: Counter[dt.date] = Counter()
        # deleted when closed or when the process ends, however it ends (the file is unlinked at once)
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n", prefix="dexxy-spool-")

    @property
    def rows(self) -> int:
        return sum(self._per_partition.values())

    def add(self, row: Mapping[str, Any]) -> None:
        day = row[PARTITION_COLUMN]
        self._per_partition[day] += 1
        self._file.write(encode_row({**row, RAW_ROW_ORDINAL: self._per_partition[day]}, self.columns))

    def land(self, conn: Connection, partitions: Sequence[dt.date]) -> int:
        """Replace ``partitions`` with the spooled rows in the caller's transaction; return the row count."""
        clear_partitions(conn, self.table, PARTITION_COLUMN, partitions)
        self._file.flush()
        self._file.seek(0)
        try:
            copy_file(conn, self.table, self.columns, self._file)
        finally:
            self._file.seek(0, 2)  # a later ``add`` appends
        return self.rows

    def close(self) -> None:
        self._file.close()
