"""`dexxy dev`: the Dagster UI on the demo's warehouse and instance, with a sandbox when GitHub is unset."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import click

from dexxy_assets.cli.dagster_home import event_batching, get_instance, prepare_dagster_home
from dexxy_assets.cli.demo import (
    DEMO_ENGINEERS,
    DEMO_HISTORY_DAYS,
    DEMO_REPOS,
    DEMO_SEED,
    sandbox_environment,
)
from resources.environment import env_value
from resources.warehouse import resolve_database_url, warehouse_engine

PROJECT_ROOT = Path(__file__).resolve().parents[2]


# Every code-server load warns that `backfill_policy=` (which we use on purpose) is beta, once per asset;
# nothing a person at the console can act on. -W filters name a module literally, not a category class.
_DECORATOR_WARNINGS = "ignore::Warning:dagster._core.decorator_utils"


def quiet_warnings(environ: Mapping[str, str]) -> str:
    """PYTHONWARNINGS for Dagster's processes: the caller's filters plus one for decorator notices."""
    existing = environ.get("PYTHONWARNINGS", "")
    return f"{existing},{_DECORATOR_WARNINGS}" if existing else _DECORATOR_WARNINGS


def dev_command(port: int) -> list[str]:
    """`dg dev` (dagster-dg-cli; `dagster dev` is superseded) on our workspace file, local only. No secret
    goes on this command line: the storage URL reaches Dagster's processes through the environment."""
    return [
        sys.executable,
        "-m",
        "dagster_dg_cli.cli",
        "dev",
        "--workspace",
        str(PROJECT_ROOT / "workspace.yaml"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
    ]


@click.command()
@click.option("--port", default=3000, show_default=True)
@click.option(
    "--sandbox/--no-sandbox", default=None, help="Serve the sandbox (default: when GITHUB_API_URL is unset)."
)
def dev(port: int, sandbox: bool | None) -> None:
    """Open the Dagster UI (webserver + daemon) on http://127.0.0.1:PORT."""
    url = resolve_database_url()
    warehouse_engine(url)
    home = prepare_dagster_home(url)
    with get_instance():  # fails runs a killed `dexxy run` left STARTED and frees their pool slots
        pass
    env = {
        **os.environ,
        **event_batching(os.environ),  # run workers write a step's materializations in one INSERT
        "DAGSTER_HOME": str(home),
        "PYTHONWARNINGS": quiet_warnings(os.environ),
    }
    server = None
    if sandbox or (sandbox is None and not env_value("GITHUB_API_URL")):
        from dexxy_sandbox.server import SandboxServer  # dev wiring only

        server = SandboxServer(
            seed=DEMO_SEED, engineers=DEMO_ENGINEERS, repos=DEMO_REPOS, days=DEMO_HISTORY_DAYS
        )
        server.start()
        env.update(sandbox_environment(server))
        click.echo(f"GitHub sandbox at {server.url} (set GITHUB_API_URL in .env to use a real GitHub)")
    command = dev_command(port)
    click.echo(f"Dagster UI at http://127.0.0.1:{port} (Ctrl-C stops it)")
    # Started in the background (`make dev &`, nohup), we inherit SIGINT ignored; `dg dev` would inherit it
    # too and, since Dagster maps SIGTERM onto the SIGINT handler, ignore both and never stop. A handler
    # here is reset to the default in the child, which Python then turns into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    # `dg dev` shuts its webserver, daemon and code servers down on SIGINT; a SIGTERM sent to us
    # (a service manager, `timeout`) is forwarded as one so nothing is left running without the sandbox.
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGINT))
    try:
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reached the whole process group; wait for `dg dev` to finish
                continue
    finally:
        if server is not None:
            server.stop()
