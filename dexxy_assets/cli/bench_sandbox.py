"""The sandbox of `dexxy bench` in a child process, and what each tool spent against it.

Every tool gets its own token (`--token` repeated), so the sandbox's per-token budgets tell the tools apart.
What a step spent is read from the sandbox's request log file (`--request-log`: one JSON line per request
with its REST and GraphQL points) when the sandbox supports it, else from GET /rate_limit for the step's
token before and after it (REST `core.used` and GraphQL `graphql.used`; a 304 is free in both). The tools
run one after the other, so the lines a step added to the log are its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click
import httpx

from dexxy_assets.cli.bench_memory import high_water_mark
from dexxy_assets.cli.child_process import stop_child

# one token per tool and pass, so no step's budget mixes with another's
TOOL_TOKENS = ("dexxy-graphql", "dexxy-rest", "airbyte", "tap-github")
UNLIMITED_PER_HOUR = 100_000_000  # the primary hourly limit is not what is compared


@dataclass(frozen=True)
class Spent:
    """What one step cost: billed REST requests and GraphQL points; HTTP requests when the log says."""

    rest_requests: int
    graphql_points: int
    http_requests: int | None = None

    @property
    def budget(self) -> int:
        return self.rest_requests + self.graphql_points


@dataclass(frozen=True)
class Mark:
    """The counters at one moment: the request log's length and the per-token budgets used."""

    log_lines: int
    used: dict[str, tuple[int, int]]


@dataclass
class BenchSandbox:
    process: subprocess.Popen[str]
    env: dict[str, str]
    request_log: Path | None
    options: tuple[str, ...]  # the limit options the sandbox was started with, for the report

    @property
    def api_url(self) -> str:
        return self.env["GITHUB_API_URL"]

    @property
    def org(self) -> str:
        return self.env["GITHUB_ORGS"]

    def used(self, token: str) -> tuple[int, int]:
        """(REST core.used, GraphQL graphql.used) of `token`; GET /rate_limit is free."""
        answer = httpx.get(
            f"{self.api_url.rstrip('/')}/rate_limit", headers={"Authorization": f"token {token}"}, timeout=30
        )
        answer.raise_for_status()
        resources = answer.json()["resources"]
        return int(resources["core"]["used"]), int(resources["graphql"]["used"])

    def mark(self) -> Mark:
        if self.request_log is not None:  # the log alone, so the bench's own checks add no lines
            if not self.request_log.exists():
                return Mark(0, {})
            with self.request_log.open("rb") as log:
                return Mark(sum(1 for _ in log), {})
        return Mark(0, {token: self.used(token) for token in TOOL_TOKENS})

    def spent_since(self, mark: Mark, token: str) -> Spent:
        if self.request_log is not None and self.request_log.exists():
            rest = graphql = requests = 0
            with self.request_log.open() as log:
                for number, line in enumerate(log):
                    if number < mark.log_lines or not line.strip():
                        continue
                    entry = json.loads(line)
                    requests += 1
                    rest += int(entry.get("rest_points") or 0)
                    graphql += int(entry.get("graphql_points") or 0)
            return Spent(rest, graphql, requests)
        core, graphql_used = self.used(token)
        before = mark.used[token]
        return Spent(core - before[0], graphql_used - before[1])

    def peak_rss_mib(self) -> float:
        return high_water_mark(self.process.pid) / (1024 * 1024)


def sandbox_help() -> str:
    command = [sys.executable, "-m", "dexxy_sandbox.cli", "--help"]
    return subprocess.run(command, capture_output=True, text=True, timeout=120).stdout


def limit_options(help_text: str, time_scale: float, request_log: Path) -> tuple[list[str], Path | None]:
    """GitHub's secondary limits, sped up by `time_scale`, and the request log, where the sandbox has them."""
    options: list[str] = []
    if "--secondary-limits" in help_text:
        options.append("--secondary-limits")
    if "--time-scale" in help_text:
        options += ["--time-scale", str(time_scale)]
    if "--request-log" in help_text:
        options += ["--request-log", str(request_log)]
        return options, request_log
    return options, None


@contextmanager
def bench_sandbox(
    engineers: int, repos: int, days: int, seed: int, time_scale: float = 1.0
) -> Iterator[BenchSandbox]:
    """The sandbox in a child process, so its CPU and memory are not counted as Dexxy's."""
    with tempfile.TemporaryDirectory(prefix="dexxy-bench-sandbox-") as scratch:
        options, log_path = limit_options(sandbox_help(), time_scale, Path(scratch, "requests.jsonl"))
        command = [
            sys.executable,
            "-m",
            "dexxy_sandbox.cli",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--engineers",
            str(engineers),
            "--repos",
            str(repos),
            "--days",
            str(days),
            "--rate-limit",
            str(UNLIMITED_PER_HOUR),
            *(arg for token in TOOL_TOKENS for arg in ("--token", token)),
            *options,
        ]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            env: dict[str, str] = {}
            assert process.stdout is not None
            while "GITHUB_FETCH_MODE" not in env:
                line = process.stdout.readline()
                if not line:
                    raise click.ClickException("the sandbox exited before it printed its settings")
                if "=" in line and not line.startswith("#"):
                    key, value = line.strip().split("=", 1)
                    env[key] = value
            shown = tuple(o for o in options if o not in ("--request-log", str(log_path)))
            yield BenchSandbox(process, env, log_path, shown)
        finally:
            stop_child(process)
