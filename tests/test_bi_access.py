"""E19: a BI tool reaches the embedded warehouse over TCP as the read-only `dexxy_bi`, with the URL dexxy
prints; it reads `analytics` and nothing else, and cannot log in without DEXXY_BI_PASSWORD."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
from click.testing import CliRunner
from psycopg2 import errors

from dexxy_assets.cli.main import cli
from resources.embedded_postgres import PORT_FILE, embedded_port, stop_embedded_server

PASSWORD = "bi pass/with:odd@chars"


@pytest.fixture
def embedded_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh DEXXY_HOME whose embedded server is stopped afterwards (short path: socket length)."""
    home = Path(tempfile.mkdtemp(prefix="dxb"))
    monkeypatch.setenv("DEXXY_HOME", str(home))
    monkeypatch.delenv("DEXXY_PG_PORT", raising=False)
    monkeypatch.delenv("DEXXY_BI_PASSWORD", raising=False)
    try:
        yield home
    finally:
        from resources import warehouse as warehouse_module

        for url in [u for u in warehouse_module._engines if str(home) in u]:
            warehouse_module._engines.pop(url).dispose()
        stop_embedded_server(home)
        shutil.rmtree(home, ignore_errors=True)


def test_bi_tool_connects_over_tcp_read_only(embedded_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["warehouse", "bi-url"], catch_exceptions=False)
    assert refused.exit_code == 1
    assert "DEXXY_BI_PASSWORD" in refused.output
    port = int((embedded_home / PORT_FILE).read_text())
    with pytest.raises(psycopg2.OperationalError):  # no password set: dexxy_bi cannot log in
        psycopg2.connect(host="127.0.0.1", port=port, user="dexxy_bi", password="guess", dbname="dexxy")
    with pytest.raises(psycopg2.OperationalError):  # nor can the password-less superuser over TCP
        psycopg2.connect(host="127.0.0.1", port=port, user="postgres", dbname="dexxy")

    owner = runner.invoke(cli, ["warehouse", "url"], catch_exceptions=False).output.strip()
    assert owner.startswith("postgresql://") and "***" not in owner
    with psycopg2.connect(owner) as conn, conn.cursor() as cur:  # what a person pastes into psql
        cur.execute("SELECT current_user")
        assert cur.fetchone() == ("postgres",)
    conn.close()

    monkeypatch.setenv("DEXXY_BI_PASSWORD", PASSWORD)
    printed = runner.invoke(cli, ["warehouse", "bi-url"], catch_exceptions=False)
    assert printed.exit_code == 0, printed.output
    url = printed.output.strip()
    assert url.startswith("postgresql://dexxy_bi:") and f"@127.0.0.1:{port}/dexxy" in url
    assert runner.invoke(cli, ["warehouse", "url", "--bi"], catch_exceptions=False).output.strip() == url

    conn = psycopg2.connect(url)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, inet_server_addr() IS NOT NULL")
            assert cur.fetchone() == ("dexxy_bi", True)  # over TCP, as dexxy_bi
            cur.execute("SELECT count(*) FROM analytics.pull_requests")
            assert cur.fetchone() == (0,)
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute("SELECT count(*) FROM staging.github_pull_requests")
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute("INSERT INTO staging.github_pull_requests DEFAULT VALUES")
            with pytest.raises(errors.InsufficientPrivilege):
                cur.execute("DELETE FROM analytics.pull_requests")
    finally:
        conn.close()


def test_port_is_chosen_once_and_remembered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DEXXY_PG_PORT", raising=False)
    first = embedded_port(tmp_path)
    assert (tmp_path / PORT_FILE).read_text().strip() == str(first)
    assert embedded_port(tmp_path) == first
    monkeypatch.setenv("DEXXY_PG_PORT", "15433")
    assert embedded_port(tmp_path) == 15433
    monkeypatch.setenv("DEXXY_PG_PORT", "postgres")
    with pytest.raises(ValueError, match="DEXXY_PG_PORT"):
        embedded_port(tmp_path)
