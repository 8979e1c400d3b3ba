"""Migration 0095 makes lz4 the database's TOAST compression where the server has it, and leaves a server
without it (the embedded one) as it was.

The lz4 case needs a PostgreSQL built with lz4: Debian's, which `.ci/run` installs. It is started here in a
scratch directory (as the ``postgres`` user when the tests run as root, since PostgreSQL refuses root).
Without it the test skips, unless DEXXY_REQUIRE_SYSTEM_POSTGRES=1 (CI sets it): then it fails.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from resources.bulk_load import Jsonb, replace_partitions
from resources.schema_migrations import apply_migrations

_PAYLOAD = {"body": "".join(f"line {i} of a pull request description\n" for i in range(400))}


def _system_postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def lz4_server_url() -> Iterator[str]:
    bin_dir = _system_postgres_bin()
    if bin_dir is None:
        if os.environ.get("DEXXY_REQUIRE_SYSTEM_POSTGRES") == "1":
            pytest.fail("no /usr/lib/postgresql/*/bin/initdb: install Debian's postgresql (see .ci/run)")
        pytest.skip("Debian's PostgreSQL (built with lz4) is not installed")
    scratch = Path(tempfile.mkdtemp(prefix="dexxy-lz4-pg-"))
    if os.geteuid() == 0:
        shutil.chown(scratch, "postgres")
    data, port = scratch / "data", _free_port()
    subprocess.run(
        _as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    options = f"-p {port} -k {scratch} -c listen_addresses=''"
    pg_ctl = [str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(scratch / "log"), "-w"]
    subprocess.run(_as_postgres([*pg_ctl, "start"]), check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg2://postgres@/postgres?host={scratch}&port={port}"
    finally:
        subprocess.run(_as_postgres([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)


def _engine(url: str) -> Engine:
    return create_engine(url, poolclass=NullPool)


def _land_one_payload(engine: Engine) -> str:
    """A raw pull request landed as a run lands it; the compression method its payload was stored with."""
    with engine.begin() as conn:
        replace_partitions(
            conn,
            "raw.github_pull_requests",
            "partition_date",
            [dt.date(2026, 5, 1)],
            ["partition_date", "repo_full_name", "pr_id", "pr_number", "fetched_at", "payload"],
            [
                {
                    "partition_date": dt.date(2026, 5, 1),
                    "repo_full_name": "o/r",
                    "pr_id": 1,
                    "pr_number": 1,
                    "fetched_at": dt.datetime(2026, 5, 2, tzinfo=dt.UTC),
                    "payload": Jsonb(_PAYLOAD),
                }
            ],
        )
    with engine.connect() as conn:
        method = conn.execute(text("SELECT pg_column_compression(payload) FROM raw.github_pull_requests"))
        return str(method.scalar())


def test_a_server_with_lz4_compresses_raw_payloads_with_it(lz4_server_url: str) -> None:
    engine = _engine(lz4_server_url)
    applied = apply_migrations(engine)
    assert 95 in [m.version for m in applied]
    assert _land_one_payload(engine) == "lz4"  # a new session: the database's default now applies
    with engine.connect() as conn:
        assert conn.execute(text("SHOW default_toast_compression")).scalar() == "lz4"
    engine.dispose()


def test_a_server_without_lz4_migrates_and_keeps_pglz(database_url: str) -> None:
    engine = _engine(database_url)  # the embedded server (no lz4) unless TEST_DATABASE_URL says otherwise
    with engine.connect() as conn:
        has_lz4 = conn.execute(
            text("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
        ).scalar()
    if has_lz4:
        pytest.skip("the test server is built with lz4: the other test covers it")
    assert 95 in [m.version for m in apply_migrations(engine)]  # the migration goes on, saying why
    assert _land_one_payload(engine) == "pglz"
    engine.dispose()
