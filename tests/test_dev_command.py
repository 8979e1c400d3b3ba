"""E17 / E20: `dexxy dev` runs `dg dev` (not the superseded `dagster dev`) with quiet output, stops every
Dagster process on SIGTERM, and no process it starts carries the database password on its command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import psutil
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "dev-s3cr3t"


def _owner_with_password(database_url: str) -> str:
    """The database owned by a password-bearing role that cannot create databases (so nothing is created
    on the shared test server)."""
    url = make_url(database_url)
    role = f"dexxy_dev_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{PASSWORD}'")
        conn.exec_driver_sql(f'ALTER DATABASE "{url.database}" OWNER TO {role}')
        conn.exec_driver_sql(f"ALTER SCHEMA public OWNER TO {role}")
    admin.dispose()
    return url.set(username=role, password=PASSWORD).render_as_string(hide_password=False)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_serving(port: int, process: subprocess.Popen, timeout: float = 240.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "dexxy dev exited early"
        try:
            if httpx.get(f"http://127.0.0.1:{port}/server_info", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise AssertionError("the Dagster UI never answered")


def test_dev_runs_dg_dev_quietly_and_stops_on_sigterm(database_url: str, tmp_path: Path) -> None:
    port = _free_port()
    log = tmp_path / "dev.log"
    env = {
        **os.environ,
        "DATABASE_URL": _owner_with_password(database_url),
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    env.pop("DAGSTER_HOME", None)
    with log.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from dexxy_assets.cli.main import cli; cli()",
                "dev",
                "--no-sandbox",
                "--port",
                str(port),
            ],
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            # as from `make dev &` or nohup: SIGINT arrives ignored, which Dagster extends to SIGTERM
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
    children: list[psutil.Process] = []
    try:
        _wait_until_serving(port, process)
        children = psutil.Process(process.pid).children(recursive=True)
        command_lines = [" ".join(child.cmdline()) for child in children]
        assert any("dagster_dg_cli" in line for line in command_lines)
        assert len([line for line in command_lines if "--instance-ref" in line]) >= 3
        assert not [line for line in command_lines if PASSWORD in line]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=120)
        _, alive = psutil.wait_procs(children, timeout=60)
        assert alive == []
    finally:
        for child in [process, *children]:
            try:
                os.kill(child.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    text = log.read_text()
    assert "superseded" not in text
    assert "Warning" not in text
    assert PASSWORD not in text
    yaml_text = (Path(os.environ["DEXXY_HOME"]) / "dagster_home" / "dagster.yaml").read_text()
    assert PASSWORD not in yaml_text
