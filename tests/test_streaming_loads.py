"""Memory that stays flat as the org grows: a fetch is streamed (a bounded number of pull requests in
flight), spooled to disk and landed in bounded COPY chunks, and the ETag cache keeps no bodies in memory;
all of it without giving up the one-transaction landing that leaves the previous data whole."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tracemalloc
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from dexxy_assets.github import rest_fetch
from dexxy_assets.github.fetched import FetchedPullRequest
from dexxy_assets.github.pull_request_entities import CHILDREN
from dexxy_assets.github.pull_request_load import land_pull_requests
from resources.bulk_load import clear_partitions, copy_lines, encode_row
from resources.github_client import GitHubClient
from resources.http.etag_cache import EtagCache
from resources.warehouse import WarehouseResource
from tests.sandbox_fixtures import SANDBOX_TOKEN, SANDBOX_UNTIL, running_sandbox

DAY = dt.date(2026, 5, 10)
RAW_TABLES = ("raw.github_pull_requests", *(child.raw_table for child in CHILDREN))


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def _listings(server, client: GitHubClient) -> list[rest_fetch.PullRequestListing]:  # type: ignore[no-untyped-def]
    repo = f"{server.org.login}/{server.org.repositories[0].name}"
    start = dt.datetime.combine(SANDBOX_UNTIL - dt.timedelta(days=30), dt.time(), dt.UTC)
    end = dt.datetime.combine(SANDBOX_UNTIL + dt.timedelta(days=1), dt.time(), dt.UTC)
    return rest_fetch.list_updated_pull_requests(client, repo, start, end)


def _five_on_one_day(server) -> list[FetchedPullRequest]:  # type: ignore[no-untyped-def]
    with GitHubClient(server.github_api_url, SANDBOX_TOKEN) as client:
        closed = [item for item in _listings(server, client) if item.item.get("state") == "closed"][:5]
        fetched = rest_fetch.fetch_pull_request_details(client, closed, 2)
    when = dt.datetime.combine(DAY, dt.time(12), dt.UTC)
    assert len(fetched) == 5
    return [dataclasses.replace(pr, updated_at=when) for pr in fetched]


def _raw(engine: Engine) -> dict[str, list[tuple]]:
    """Every raw row of the day, as text, in key order."""
    rows = {}
    with engine.connect() as conn:
        for table in RAW_TABLES:
            sql = f"SELECT t::text FROM {table} AS t WHERE partition_date = :d ORDER BY partition_row"  # noqa: S608
            rows[table] = [tuple(row) for row in conn.execute(text(sql), {"d": DAY})]
    return rows


def test_a_fetch_streams_with_a_bounded_number_of_pull_requests_in_flight(sandbox) -> None:  # type: ignore[no-untyped-def]
    """The first pull request comes out before the listing is read to its end: a window is never held."""
    with GitHubClient(sandbox.github_api_url, SANDBOX_TOKEN) as client:
        listings = _listings(sandbox, client)
        assert len(listings) > 10
        taken: list[int] = []

        def listed() -> Iterator[rest_fetch.PullRequestListing]:
            for index, listing in enumerate(listings):
                taken.append(index)
                yield listing

        stream = rest_fetch.stream_pull_request_details(client, listed(), 1)
        first = next(stream)
        assert first.number == listings[0].number
        assert len(taken) <= 4  # one thread: at most four submitted ahead, not the whole listing
        rest = list(stream)
    assert [pr.number for pr in [first, *rest]] == [item.number for item in listings]  # listing order


def test_a_day_of_five_pull_requests_landed_again_gives_the_same_rows(
    warehouse: WarehouseResource, sandbox
) -> None:  # type: ignore[no-untyped-def]
    prs = _five_on_one_day(sandbox)
    fetched_at = dt.datetime(2026, 5, 11, tzinfo=dt.UTC)
    engine = warehouse.engine()
    with engine.begin() as conn:
        load = land_pull_requests(conn, prs, [DAY], fetched_at)
    whole = _raw(engine)
    assert len(whole["raw.github_pull_requests"]) == 5 and load.counts["commits"].raw_rows > 2
    with engine.begin() as conn:
        again = land_pull_requests(conn, iter(prs), [DAY], fetched_at)
    assert _raw(engine) == whole  # the day replaced, with the same rows, numbered the same
    assert {n: c.raw_rows for n, c in again.counts.items()} == {n: c.raw_rows for n, c in load.counts.items()}


def test_batches_reach_the_table_as_they_fill_and_a_failure_after_the_first_leaves_the_day_whole(
    warehouse: WarehouseResource, sandbox
) -> None:  # type: ignore[no-untyped-def]
    engine = warehouse.engine()
    fetched_at = dt.datetime(2026, 5, 11, tzinfo=dt.UTC)
    with engine.begin() as conn:
        land_pull_requests(conn, _five_on_one_day(sandbox), [DAY], fetched_at)
    before = _raw(engine)
    columns = ["partition_date", "repo_full_name", "fetched_at", "payload", "partition_row"]
    seen_between: list[int] = []

    def lines(conn: Connection) -> Iterator[str]:
        for row in range(1, 6):
            if row in (3, 4):  # rows 1-2 (the first batch) were sent; row 3 waits in the second
                seen_between.append(
                    conn.execute(
                        text("SELECT count(*) FROM raw.github_pull_requests WHERE partition_date = :d"),
                        {"d": DAY},
                    ).scalar_one()
                )
            if row == 4:
                raise RuntimeError("killed mid-load")
            values = {"partition_date": DAY, "repo_full_name": "o/r", "fetched_at": fetched_at}
            yield encode_row({**values, "payload": {"n": row}, "partition_row": row}, columns)

    with pytest.raises(RuntimeError, match="killed mid-load"), engine.begin() as conn:
        clear_partitions(conn, "raw.github_pull_requests", "partition_date", [DAY])
        copy_lines(conn, "raw.github_pull_requests", columns, lines(conn), chunk_rows=2)
    assert seen_between == [2, 2]  # the first batch was in the table before the third row was made
    assert _raw(engine) == before  # the transaction rolled back: the previous day is whole


def test_a_fetch_that_fails_midway_leaves_the_previous_day_whole(
    warehouse: WarehouseResource, sandbox
) -> None:  # type: ignore[no-untyped-def]
    prs = _five_on_one_day(sandbox)
    engine = warehouse.engine()
    with engine.begin() as conn:
        land_pull_requests(conn, prs, [DAY], dt.datetime(2026, 5, 11, tzinfo=dt.UTC))
    before = _raw(engine)

    def killed_after_two() -> Iterator[FetchedPullRequest]:
        yield from prs[:2]
        raise RuntimeError("killed mid-fetch")

    with pytest.raises(RuntimeError, match="killed mid-fetch"), engine.begin() as conn:
        land_pull_requests(conn, killed_after_two(), [DAY], dt.datetime(2026, 5, 12, tzinfo=dt.UTC))
    assert _raw(engine) == before


def test_a_gathered_copy_chunk_is_held_once_as_utf8(warehouse: WarehouseResource) -> None:
    """A gathered chunk (rows read from a cursor on the same connection) is held once, as the UTF-8 bytes the
    server reads: not as lines, a joined str (4 bytes a character with one emoji in it) and its encoding."""
    line = "\t".join(["o/r", "🙂 " + "review text " * 100]) + "\n"
    rows = 3_000
    chunk_bytes = len(line.encode()) * rows
    with warehouse.engine().begin() as conn:
        conn.execute(text("CREATE TEMP TABLE gathered (repo text, body text)"))
        tracemalloc.start()
        try:
            written = copy_lines(conn, "gathered", ["repo", "body"], (line for _ in range(rows)))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert written == rows
        landed = conn.execute(text("SELECT count(*), min(body), max(body) FROM gathered")).one()
        assert landed == (rows, line.split("\t")[1][:-1], line.split("\t")[1][:-1])
    assert 3_000_000 < chunk_bytes < 4_000_000  # one chunk: below _CHUNK_BYTES
    assert peak < 2.5 * chunk_bytes  # the old list + join + encode held about 9x


def test_the_etag_cache_keeps_bodies_out_of_memory(warehouse: WarehouseResource) -> None:
    """20 MB of bodies cached, saved to ops.http_cache and loaded back: Python holds a fraction of it, and a
    body still comes back whole on a 304."""
    body = b'{"items": [' + b",".join(b'{"sha": "%040d"}' % i for i in range(200)) + b"]}"
    urls = [f"https://api.example.test/repos/o/r/pulls/{n}" for n in range(2_000)]
    tracemalloc.start()
    try:
        cache = EtagCache()
        for url in urls:
            cache.put(url, f'W/"{url}"', body, None)
        held, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with warehouse.engine().begin() as conn:
            assert cache.save_to(conn) == len(urls)
        _, saving_peak = tracemalloc.get_traced_memory()
        reloaded = EtagCache()
        with warehouse.engine().connect() as conn:
            assert reloaded.load_from(conn, urls) == len(urls)
        held_after_load, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(body) * len(urls) > 20_000_000
    assert held < 4_000_000 and held_after_load < 6_000_000
    assert saving_peak < 4_000_000  # streamed into COPY: never a chunk of bodies (a gathered one is 4M chars)
    cached = reloaded.get(urls[7])
    assert cached is not None and cached.etag == f'W/"{urls[7]}"'
    assert reloaded.body(urls[7])["items"][199] == {"sha": f"{199:040d}"}
