"""Starting sandboxes for product tests (tests may import both the product and the sandbox)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.server import SandboxServer
from tests.github_runs import SANDBOX_TOKEN

# A fixed "today" keeps every test's data identical from one day to the next.
SANDBOX_UNTIL = dt.date(2026, 6, 30)


@contextmanager
def running_sandbox(
    *,
    seed: int = 11,
    engineers: int = 6,
    repos: int = 2,
    days: int = 40,
    rate_limit_per_hour: int = 100_000,
    rate_limit_window_seconds: int = 3600,
    faults: FaultConfig | str | None = None,
    installation_token_ttl_seconds: int = 3600,
) -> Iterator[SandboxServer]:
    """A started sandbox over a small org with a fixed "today"; `faults` is a `FaultConfig` or a `--faults`
    string, on from the first request."""
    server = SandboxServer(
        seed=seed,
        engineers=engineers,
        repos=repos,
        days=days,
        until=SANDBOX_UNTIL,
        tokens=(SANDBOX_TOKEN,),
        rate_limit_per_hour=rate_limit_per_hour,
        rate_limit_window_seconds=rate_limit_window_seconds,
        faults=faults,
        installation_token_ttl_seconds=installation_token_ttl_seconds,
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def faulty_sandbox(faults: FaultConfig | str, **settings: Any) -> Iterator[SandboxServer]:
    """`running_sandbox` with `faults` (a `FaultConfig` or a `dexxy sandbox serve --faults` string) from its
    first request: the same seed and request order fail the same way every time."""
    config = FaultConfig.parse(faults) if isinstance(faults, str) else faults
    with running_sandbox(faults=config, **settings) as server:
        yield server
