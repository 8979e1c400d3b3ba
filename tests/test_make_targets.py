"""Every `make` target runs: `bench` and `lint` through make itself, `demo` and `dev` through the commands
their recipes run, `test` by its command list (it cannot run itself).

Each target depends on `install`, which (re)installs into .venv; `make -o install` runs the real recipe
lines with the already installed tools (BIN points at the interpreter running these tests).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _make(*args: str, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-o", "install", f"BIN={BIN}", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _env(database_url: str, tmp_path: Path) -> dict[str, str]:
    """The test's environment (no GitHub / Groq settings, see conftest), a fresh DEXXY_HOME and database."""
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return env | {
        "DATABASE_URL": database_url,
        "DEXXY_HOME": str(tmp_path / "home"),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }


def test_make_test_lints_then_runs_pytest() -> None:
    dry = _make("-n", "test")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.splitlines() == [f"{BIN}/ruff check --no-cache .", f"{BIN}/pytest"]


def test_make_lint_passes() -> None:
    result = _make("lint", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_make_bench_with_a_tiny_org(database_url: str, tmp_path: Path) -> None:
    """The real `make bench` line, sized down through BENCH_ARGS: it runs and appends its figures."""
    benchmarks = tmp_path / "BENCHMARKS.md"
    # the sync passes are tested through `dexxy bench` itself: tests/test_bench_command.py
    args = f"--no-sync --history-days 4 --webhook-events 0 --benchmarks-file {benchmarks}"
    result = _make("bench", f"BENCH_ARGS={args}", env=_env(database_url, tmp_path))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "event-log bytes per day" in output and "event-log bytes per day" in benchmarks.read_text()
    per_day = re.search(r"materializations per asset and day\W+(\d+)", output)
    assert per_day is not None and per_day.group(1) == "1", output[-2000:]  # one event per asset and day


def test_make_demo_runs_end_to_end(database_url: str, tmp_path: Path) -> None:
    """`make demo` runs `dexxy demo` (the default 30 days made short here)."""
    assert _make("-n", "demo").stdout.strip() == f"{BIN}/dexxy demo"
    result = subprocess.run(
        [str(BIN / "dexxy"), "demo", "--days", "2"],
        cwd=tmp_path,
        env=_env(database_url, tmp_path),
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    assert "Done in" in result.stderr
    assert "Slack survey:" in result.stderr  # the simulated people's answers, through the in-process receiver
    engine = create_engine(database_url, poolclass=NullPool)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM analytics.pull_requests")).scalar_one() > 0
    engine.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_make_dev_serves_the_ui_and_stops(database_url: str, tmp_path: Path) -> None:
    """`make dev` runs `dexxy dev`: it serves the UI, and stops cleanly on SIGTERM."""
    assert _make("-n", "dev").stdout.strip().startswith(f"{BIN}/dexxy dev")
    port = _free_port()
    process = subprocess.Popen(
        [str(BIN / "dexxy"), "dev", "--port", str(port)],
        cwd=tmp_path,
        env=_env(database_url, tmp_path),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 240
        served = None
        while served is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=5) as answer:
                    served = answer.status
            except (urllib.error.URLError, OSError):
                time.sleep(1)
        assert served == 200, f"the UI did not serve (exit code {process.poll()})"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0 or process.returncode in (-signal.SIGTERM, 130)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with pytest.raises((urllib.error.URLError, OSError)):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
