"""`dexxy dev`: the Dagster UI on the demo's warehouse and instance, with a sandbox when GitHub is unset."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from dexxy_assets.cli.dagster_home import prepare_dagster_home
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
    env = {**os.environ, "DAGSTER_HOME": str(home)}
    server = None
    if sandbox or (sandbox is None and not env_value("GITHUB_API_URL")):
        from dexxy_sandbox.server import SandboxServer  # dev wiring only

        server = SandboxServer(
            seed=DEMO_SEED, engineers=DEMO_ENGINEERS, repos=DEMO_REPOS, days=DEMO_HISTORY_DAYS
        )
        server.start()
        env.update(sandbox_environment(server))
        click.echo(f"GitHub sandbox at {server.url} (set GITHUB_API_URL in .env to use a real GitHub)")
    command = [
        sys.executable,
        "-m",
        "dagster",
        "dev",
        "-w",
        str(PROJECT_ROOT / "workspace.yaml"),
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    # `dagster dev` shuts its webserver, daemon and code servers down on SIGINT; a SIGTERM sent to us
    # (a service manager, `timeout`) is forwarded as one so nothing is left running without the sandbox.
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGINT))
    try:
        while True:
            try:
                process.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reached the whole process group; wait for dagster to finish
                continue
    finally:
        if server is not None:
            server.stop()
