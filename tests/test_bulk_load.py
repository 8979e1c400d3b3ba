from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from resources.bulk_load import Jsonb, copy_rows, replace_partitions, upsert
from resources.warehouse import WarehouseResource

UTC = dt.UTC
COLUMNS = ["id", "label", "version_at", "tags", "payload"]


@pytest.fixture
def table(warehouse: WarehouseResource) -> str:
    with warehouse.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE ops.bulk_test (id int PRIMARY KEY, label text, version_at timestamptz, "
            "tags text[], payload jsonb, day date)"
        )
    return "ops.bulk_test"


def _rows(warehouse: WarehouseResource, table: str) -> list[tuple]:
    with warehouse.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT {', '.join(COLUMNS)} FROM {table} ORDER BY id"))]  # noqa: S608


def test_upsert_twice_gives_the_same_rows(warehouse: WarehouseResource, table: str) -> None:
    batch = [
        {
            "id": i,
            "label": f"row {i}",
            "version_at": dt.datetime(2026, 1, 1, tzinfo=UTC),
            "tags": ["a"],
            "payload": {"i": i},
        }
        for i in range(500)
    ]
    with warehouse.begin() as conn:
        upsert(conn, table, COLUMNS, batch, ["id"], ["version_at"])
    first = _rows(warehouse, table)
    with warehouse.begin() as conn:
        upsert(conn, table, COLUMNS, batch, ["id"], ["version_at"])
    assert _rows(warehouse, table) == first
    assert len(first) == 500


def test_only_a_newer_version_replaces_a_row(warehouse: WarehouseResource, table: str) -> None:
    old, new = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 2, tzinfo=UTC)
    with warehouse.begin() as conn:
        upsert(conn, table, COLUMNS, [{"id": 1, "label": "new", "version_at": new}], ["id"], ["version_at"])
        upsert(conn, table, COLUMNS, [{"id": 1, "label": "old", "version_at": old}], ["id"], ["version_at"])
    assert _rows(warehouse, table)[0][1] == "new"


def test_duplicate_keys_in_one_batch_keep_the_newest(warehouse: WarehouseResource, table: str) -> None:
    t1, t2 = dt.datetime(2026, 1, 1, tzinfo=UTC), dt.datetime(2026, 1, 3, tzinfo=UTC)
    batch = [{"id": 7, "label": "newest", "version_at": t2}, {"id": 7, "label": "older", "version_at": t1}]
    with warehouse.begin() as conn:
        upsert(conn, table, COLUMNS, batch, ["id"], ["version_at"])
    assert _rows(warehouse, table) == [(7, "newest", t2, None, None)]


def test_awkward_values_round_trip(warehouse: WarehouseResource, table: str) -> None:
    label = 'tab\there\nnewline \\backslash "quote" ünïcødé \\N'
    payload = {"body": "nul\x00byte", "nested": [1, {"k": "\\N"}]}
    with warehouse.begin() as conn:
        upsert(
            conn,
            table,
            COLUMNS,
            [
                {"id": 1, "label": label, "tags": ['a "b"', "c,d", None, "{x}"], "payload": payload},
                {"id": 2, "label": "", "tags": [], "payload": Jsonb([1, 2])},
            ],
            ["id"],
        )
    rows = _rows(warehouse, table)
    assert rows[0][1] == label
    assert rows[0][3] == ['a "b"', "c,d", None, "{x}"]
    assert rows[0][4] == {"body": "nul\ufffdbyte", "nested": [1, {"k": "\\N"}]}
    assert rows[1][1] == "" and rows[1][3] == [] and rows[1][4] == [1, 2]


def test_replace_partitions_is_atomic(warehouse: WarehouseResource, table: str) -> None:
    day = dt.date(2026, 3, 1)
    with warehouse.begin() as conn:
        replace_partitions(
            conn, table, "day", [day], ["id", "label", "day"], [{"id": 1, "label": "v1", "day": day}]
        )
    with pytest.raises(RuntimeError), warehouse.begin() as conn:
        replace_partitions(
            conn, table, "day", [day], ["id", "label", "day"], [{"id": 2, "label": "v2", "day": day}]
        )
        raise RuntimeError("the run is killed before commit")
    assert [r[:2] for r in _rows(warehouse, table)] == [(1, "v1")]
    with warehouse.begin() as conn:
        replace_partitions(
            conn, table, "day", [day], ["id", "label", "day"], [{"id": 2, "label": "v2", "day": day}]
        )
    assert [r[:2] for r in _rows(warehouse, table)] == [(2, "v2")]


def test_identifiers_are_checked(warehouse: WarehouseResource) -> None:
    with pytest.raises(ValueError, match="not a safe SQL identifier"), warehouse.begin() as conn:
        upsert(conn, "ops.x; DROP TABLE y", ["id"], [{"id": 1}], ["id"])


def test_copy_of_large_payloads_holds_a_bounded_buffer(warehouse: WarehouseResource, table: str) -> None:
    """30 rows of 1 MB payloads land, and the COPY never holds the text of all of them at once: a long
    backfill's payloads peaked the run's memory at hundreds of MiB. The rows are made as they are read (as a
    fetch streams them): a held payload also keeps the UTF-8 copy the JSON encoder caches on its strings."""
    rows = ({"id": i, "payload": Jsonb({"body": f"{i:04d}" + "é" * 1_000_000})} for i in range(30))
    tracemalloc.start()
    try:
        with warehouse.begin() as conn:
            written = copy_rows(conn, table, ["id", "payload"], rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == 30
    with warehouse.connect() as conn:
        lengths = conn.execute(text(f"SELECT length(payload->>'body') FROM {table}")).scalars().all()  # noqa: S608
    assert lengths == [1_000_004] * 30
    assert peak < 30 * 1_000_000  # the payloads' text alone is 30 MB (60+ MB as a non-ASCII buffer)


def test_json_that_orjson_refuses_or_jsonb_would_still_lands(
    warehouse: WarehouseResource, table: str
) -> None:
    """The fast JSON path hands what it cannot write (a lone surrogate, an integer past 64 bits, a key that
    is not a string) to the slow one; NaN, which jsonb rejects, becomes null: every row lands."""
    payloads = {
        1: {"text": "half a pair \ud83d here"},
        2: {"big": 2**70},
        3: {7: "int key"},
        4: {"ratio": float("nan")},
        5: {"nul": "a\x00b", "ok": "ünïcødé \\ \t"},
    }
    with warehouse.begin() as conn:
        copy_rows(conn, table, ["id", "payload"], [{"id": i, "payload": p} for i, p in payloads.items()])
    with warehouse.connect() as conn:
        landed = dict(conn.execute(text(f"SELECT id, payload FROM {table} ORDER BY id")).all())  # noqa: S608
    assert landed == {
        1: {"text": "half a pair \ufffd here"},
        2: {"big": 2**70},
        3: {"7": "int key"},
        4: {"ratio": None},
        5: {"nul": "a\ufffdb", "ok": "ünïcødé \\ \t"},
    }


def test_a_streamed_copy_lands_what_a_gathered_one_does_and_holds_a_read_buffer(
    warehouse: WarehouseResource, table: str
) -> None:
    """``streamed=True`` pulls rows as the server reads: the same rows, and never the text of all of them."""

    def rows() -> Iterator[dict[str, object]]:
        return ({"id": i, "label": f"r\t{i}", "payload": Jsonb({"body": "é" * 200_000})} for i in range(60))

    tracemalloc.start()
    try:
        with warehouse.begin() as conn:
            written = copy_rows(conn, table, ["id", "label", "payload"], rows(), streamed=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written == 60
    streamed = _rows(warehouse, table)
    with warehouse.begin() as conn:
        conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608
        copy_rows(conn, table, ["id", "label", "payload"], rows())
    assert _rows(warehouse, table) == streamed and len(streamed) == 60
    assert peak < 6_000_000  # the payloads' text alone is 12 MB; a gathered chunk holds over 20
