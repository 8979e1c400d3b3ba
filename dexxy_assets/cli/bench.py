"""`dexxy bench`: what a GitHub sync costs, measured against the sandbox in its own process.

For each fetch mode: a full sync of `--days` days (ending yesterday) and then an incremental day (today)
into the same scratch warehouse, each pass in a child process of its own. Reported: REST requests and
GraphQL points per fully detailed pull request (counted by the sandbox), pull requests per second end to
end, warehouse rows per second (and the bulk load alone), peak RSS of every process (Dexxy, the sandbox,
the PostgreSQL backends) and Dagster's own time per partition. With `--peers`, airbyte-source-github and
tap-github sync the same sandbox and are shown beside Dexxy as ratios. Then the long history of one
repository and the webhook freshness. Everything printed is appended to BENCHMARKS.md as a dated section.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import click
from rich.console import Console

from dexxy_assets.cli.bench_memory import run_measured
from dexxy_assets.cli.bench_pass import DATABASE_VARIABLE, TOKEN_VARIABLE
from dexxy_assets.cli.bench_peers import ENTITIES, PEERS, PeerRun, install, run_airbyte, run_tap_github
from dexxy_assets.cli.bench_report import Section, append, document
from dexxy_assets.cli.bench_sandbox import BenchSandbox, Spent, bench_sandbox
from dexxy_assets.cli.bench_warehouse import (
    BulkLoad,
    BulkRate,
    PostgresBackends,
    bulk_load_rate,
    fresh_bench_database,
    landed_counts,
    toast_compression,
    total,
)
from dexxy_assets.cli.long_history_bench import HistoryResult, run_long_history
from dexxy_assets.cli.memory_growth_bench import GrowthPoint, growth_section, growth_sizes
from dexxy_assets.cli.webhook_bench import (
    FRESHNESS_TARGET_SECONDS,
    FreshnessResult,
    measure_webhook_freshness,
    p95,
)
from resources.environment import dexxy_home

HISTORY_TARGET_SECONDS = 180
HISTORY_TARGET_MIB = 500
BULK_TARGET_ROWS_PER_SECOND = 50_000


@dataclass
class DexxyPass:
    mode: str
    kind: str  # "full" or "incremental"
    pull_requests: int
    rows: int
    spent: Spent
    seconds: float  # wall time of the child process (start-up, definitions, the run)
    run_seconds: float  # wall time of `materialize` alone
    step_seconds: float  # time inside the steps (asset bodies)
    partitions: int
    peak_rss_mib: float
    postgres_peak_mib: float
    postgres_single_mib: float

    @property
    def label(self) -> str:
        return f"{self.mode} {self.kind}"

    @property
    def overhead_per_partition(self) -> float:
        return max(self.run_seconds - self.step_seconds, 0.0) / max(self.partitions, 1)


def run_dexxy_pass(
    sandbox: BenchSandbox,
    mode: str,
    kind: str,
    database_url: str,
    first_day: dt.date,
    start: dt.date,
    end: dt.date,
) -> DexxyPass:
    """One pass (partitions start..end) in a child process: its peak RSS is its own, the backends' is sampled
    beside it. The daily partitions begin at `first_day` (DEXXY_START_DATE), the bench's first synced day."""
    token = f"dexxy-{mode}"
    settings = {
        "api_url": sandbox.api_url,
        "org": sandbox.org,
        "mode": mode,
        "start": start.isoformat(),
        "end": end.isoformat(),
    }
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GROQ_", "JIRA_"))}
    env[TOKEN_VARIABLE] = token
    env[DATABASE_VARIABLE] = database_url
    env["DEXXY_START_DATE"] = first_day.isoformat()
    mark = sandbox.mark()
    backends = PostgresBackends(database_url)
    with tempfile.TemporaryDirectory(prefix="dexxy-bench-pass-") as scratch:
        settings_file, result_file = Path(scratch, "settings.json"), Path(scratch, "result.json")
        settings_file.write_text(json.dumps(settings))
        command = [sys.executable, "-m", "dexxy_assets.cli.bench_pass", str(settings_file), str(result_file)]
        started = time.perf_counter()
        with Path(scratch, "output.log").open("w") as log:
            child = run_measured(
                command, {"postgres": backends}, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        seconds = time.perf_counter() - started
        backends.close()
        if child.returncode != 0 or not result_file.exists():
            tail = "\n".join(Path(scratch, "output.log").read_text(errors="replace").splitlines()[-20:])
            raise click.ClickException(f"the {mode} {kind} pass failed:\n{tail}")
        outcome = json.loads(result_file.read_text())
    postgres = child.peaks["postgres"]
    return DexxyPass(
        mode=mode,
        kind=kind,
        pull_requests=int(outcome["pull_requests"]),
        rows=int(outcome["rows"]),
        spent=sandbox.spent_since(mark, token),
        seconds=seconds,
        run_seconds=float(outcome["seconds"]),
        step_seconds=float(outcome["step_seconds"]),
        partitions=int(outcome["partitions"]),
        peak_rss_mib=child.peak_rss_mib,
        postgres_peak_mib=postgres.peak_sum_mib,
        postgres_single_mib=postgres.peak_single_mib,
    )


@dataclass
class ModeResult:
    passes: list[DexxyPass]
    bulk: BulkLoad  # per raw table its COPY path alone, and the server's ceiling on the same bytes
    toast_compression: str  # what the bench database compresses large values with
    counts: dict[str, Counter[str]]  # what the warehouse holds after both passes


def _settings_line(ctx: click.Context) -> str:
    """The options given on the command line (or the defaults), for the section's heading."""
    shown = []
    for name, value in ctx.params.items():
        if (
            name in ("benchmarks_file",)
            or ctx.get_parameter_source(name) != click.core.ParameterSource.COMMANDLINE
        ):
            continue
        flag = "--" + name.replace("_", "-")
        if isinstance(value, bool):
            shown.append(flag if value else f"--no-{name.replace('_', '-')}")
        elif isinstance(value, tuple):
            shown += [f"{flag.rstrip('s')} {v}" for v in value]
        else:
            shown.append(f"{flag} {value}")
    return " ".join(shown)


@click.command()
@click.option("--engineers", default=200, show_default=True)
@click.option("--repos", default=30, show_default=True)
@click.option("--days", default=180, show_default=True, help="Days of the full sync (ending yesterday).")
@click.option("--seed", default=7, show_default=True)
@click.option(
    "--mode",
    "modes",
    multiple=True,
    type=click.Choice(["graphql", "rest"]),
    default=("graphql", "rest"),
    show_default=True,
    help="Fetch modes to measure.",
)
@click.option("--sync/--no-sync", default=True, show_default=True, help="Measure the org sync passes.")
@click.option(
    "--peers/--no-peers",
    default=False,
    show_default=True,
    help="Also run airbyte-source-github and tap-github (venvs under $DEXXY_HOME/peers) on the same sandbox.",
)
@click.option(
    "--time-scale",
    default=10.0,
    show_default=True,
    help="The sandbox's per-minute (secondary) limit windows and Retry-After, divided by this.",
)
@click.option(
    "--growth/--no-growth",
    default=True,
    show_default=True,
    help="Also run the GraphQL full sync at 1/8, 1/4 and 1/2 of the org: does memory stay flat as it grows?",
)
@click.option(
    "--history-days",
    default=1500,
    show_default=True,
    help="Days of the long-history scenario (one repository through `dexxy run`); 0 skips it.",
)
@click.option(
    "--webhook-events",
    default=20,
    show_default=True,
    help="Pull-request events timed from receipt to analytics.pull_requests (webhook freshness); 0 skips.",
)
@click.option(
    "--benchmarks-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("BENCHMARKS.md"),
    show_default=True,
    help="The Markdown file the dated section is appended to.",
)
@click.pass_context
def bench(
    ctx: click.Context,
    engineers: int,
    repos: int,
    days: int,
    seed: int,
    modes: tuple[str, ...],
    sync: bool,
    peers: bool,
    time_scale: float,
    growth: bool,
    history_days: int,
    webhook_events: int,
    benchmarks_file: Path,
) -> None:
    """Measure a full sync and an incremental day (every pull request with reviews, commits, files, check
    runs, comments) of a synthetic org in each fetch mode, optionally beside two peers; then a long history
    of one repository and the webhook freshness. Prints the figures and appends them to BENCHMARKS.md."""
    console = Console(stderr=True)
    console.width = max(console.width, 150)  # the tables stay readable in a log or a pipe
    today = dt.datetime.now(dt.UTC).date()
    start = today - dt.timedelta(days=days)
    sections: list[Section] = []
    if sync:
        # the org's history is exactly the synced range, so every tool sees the same pull requests
        with bench_sandbox(engineers, repos, days + 1, seed, time_scale) as sandbox:
            console.print(
                f"bench: {engineers} engineers, {repos} repos, {days} days + 1 incremental day; sandbox "
                f"limits: {' '.join(sandbox.options) or 'primary only (no secondary-limit options)'}"
            )
            results = {mode: measure_mode(console, sandbox, mode, start, today) for mode in modes}
            peer_runs = run_peers(console, sandbox, start) if peers else []
            sandbox_peak = sandbox.peak_rss_mib()
        sections += sync_sections(results, sandbox_peak, sandbox.options)
        if peer_runs:
            sections += peer_sections(results, peer_runs)
        if growth and "graphql" in results:
            full = results["graphql"].passes[0]
            points = [GrowthPoint(engineers, repos, full.pull_requests, full.peak_rss_mib)]
            for smaller in growth_sizes(engineers, repos):
                console.print(
                    f"bench: growth: {smaller[0]} engineers, {smaller[1]} repos, graphql full sync ..."
                )
                points.append(measure_growth_point(smaller, days, seed, time_scale, start, today))
            sections.append(growth_section(points, days))
    if history_days > 0:
        console.print(f"bench: a {history_days}-day history of one repository through `dexxy run` ...")
        with bench_sandbox(1, 1, history_days + 2, seed) as sandbox:
            history = run_long_history(
                history_days,
                today,
                sandbox.env | {"GITHUB_TOKEN": "dexxy-graphql"},
                fresh_bench_database("history"),
                fresh_bench_database("history_dagster"),
            )
        sections.append(history_section(history))
    if webhook_events > 0:
        console.print(f"bench: webhook freshness, {webhook_events} pull-request events ...")
        with bench_sandbox(engineers, repos, 8, seed) as sandbox:
            freshness = measure_webhook_freshness(
                sandbox.env | {"GITHUB_TOKEN": "dexxy-graphql"},
                fresh_bench_database("webhooks"),
                webhook_events,
            )
        sections.append(freshness_section(freshness))
    for section in sections:
        section.print(console)
    if sections:
        append(benchmarks_file, document(sections, _settings_line(ctx), dt.datetime.now(dt.UTC)))
        console.print(f"bench: appended to {benchmarks_file}")


def measure_mode(
    console: Console, sandbox: BenchSandbox, mode: str, start: dt.date, today: dt.date
) -> ModeResult:
    """The full sync up to yesterday, then today's partition into the same warehouse, then the COPY rate."""
    database_url = fresh_bench_database(mode)
    console.print(f"bench: {mode}: full sync {start} .. {today - dt.timedelta(days=1)} ...")
    full = run_dexxy_pass(sandbox, mode, "full", database_url, start, start, today - dt.timedelta(days=1))
    console.print(f"bench: {mode}: incremental day {today} ...")
    incremental = run_dexxy_pass(sandbox, mode, "incremental", database_url, start, today, today)
    return ModeResult(
        [full, incremental],
        bulk_load_rate(database_url),
        toast_compression(database_url),
        landed_counts(database_url),
    )


def _bulk_cells(rate: BulkRate) -> list[str]:
    sizes = [f"{rate.rows:,}", f"{rate.megabytes:,.1f}", f"{rate.seconds:.2f}"]
    if not rate.seconds:
        return [*sizes, "n/a", "n/a"]
    return [*sizes, f"{rate.rows / rate.seconds:,.0f}", f"{rate.megabytes / rate.seconds:,.1f}"]


def measure_growth_point(
    size: tuple[int, int], days: int, seed: int, time_scale: float, start: dt.date, today: dt.date
) -> GrowthPoint:
    """The GraphQL full sync of a smaller org (its own sandbox and scratch warehouse): its peak RSS."""
    engineers, repos = size
    with bench_sandbox(engineers, repos, days + 1, seed, time_scale) as sandbox:
        database_url = fresh_bench_database("growth")
        run = run_dexxy_pass(
            sandbox, "graphql", "full", database_url, start, start, today - dt.timedelta(days=1)
        )
    return GrowthPoint(engineers, repos, run.pull_requests, run.peak_rss_mib)


def _mib(value: float) -> str:
    return f"{value:,.0f} MiB" if value > 0 else "n/a"


def sync_sections(
    results: dict[str, ModeResult], sandbox_mib: float, options: tuple[str, ...]
) -> list[Section]:
    sync = Section(
        "Dexxy GitHub sync (full detail per pull request: reviews, commits, files, check runs, comments)",
        [
            "pass",
            "PRs",
            "REST requests",
            "GraphQL points",
            "HTTP requests",
            "REST req + GQL pts / PR",
            "wall s",
            "PRs / s",
            "rows",
            "rows / s",
            "rows / s in run",
        ],
    )
    memory = Section(
        "Peak memory (RSS) of every process",
        ["pass", "Dexxy process", "PostgreSQL backends (sum)", "largest backend", "sandbox"],
        notes=[
            "The sandbox figure is its peak over the whole bench. Backends' RSS includes the shared "
            "buffers they touched, so their sum is an upper bound."
        ],
    )
    overhead = Section(
        "Dagster overhead per partition (run wall time minus time inside the steps)",
        ["pass", "partitions", "run s", "in steps s", "overhead s / partition", "process start-up s"],
    )
    bulk = Section(
        "Warehouse bulk load alone (Dexxy's COPY path)",
        ["mode: table", "rows", "MB", "seconds", "rows / s", "MB / s", "target"],
    )
    for mode, result in results.items():
        for p in result.passes:
            per_pr = p.spent.budget / p.pull_requests if p.pull_requests else 0.0
            sync.add(
                p.label,
                p.pull_requests,
                f"{p.spent.rest_requests:,}",
                f"{p.spent.graphql_points:,}",
                "n/a" if p.spent.http_requests is None else f"{p.spent.http_requests:,}",
                f"{per_pr:.3f}",
                f"{p.seconds:.1f}",
                f"{p.pull_requests / p.seconds:.1f}",
                f"{p.rows:,}",
                f"{p.rows / p.seconds:,.0f}",
                f"{p.rows / p.run_seconds:,.0f}" if p.run_seconds else "n/a",
            )
            memory.add(
                p.label, _mib(p.peak_rss_mib), _mib(p.postgres_peak_mib), _mib(p.postgres_single_mib), ""
            )
            overhead.add(
                p.label,
                p.partitions,
                f"{p.run_seconds:.1f}",
                f"{p.step_seconds:.1f}",
                f"{p.overhead_per_partition:.3f}",
                f"{p.seconds - p.run_seconds:.1f}",
            )
        loaded = total(result.bulk.tables.values())
        verdict = "met" if loaded.rows >= BULK_TARGET_ROWS_PER_SECOND * loaded.seconds else "missed"
        bulk.add(
            f"{mode}: all",
            *_bulk_cells(loaded),
            f"≥ {BULK_TARGET_ROWS_PER_SECOND:,} ({verdict})",
        )
        bulk.add(f"{mode}: all, as uncompressed text", *_bulk_cells(result.bulk.ceiling), "server's ceiling")
        for table, rate in result.bulk.tables.items():
            bulk.add(f"{mode}: raw.{table}", *_bulk_cells(rate), "")
        bulk.notes.append(f"{mode}: large values compressed with {result.toast_compression} (migration 0095)")
    bulk.notes.append(
        "as uncompressed text: the same rows into copies of the tables whose jsonb columns are text stored "
        "without compression (no jsonb parsing, no TOAST compression): the most this server takes of these "
        "bytes. Raw keeps each payload as sent (DESIGN.md), so a mode's rows / s cannot pass it."
    )
    memory.add("sandbox (whole bench)", "", "", "", _mib(sandbox_mib))
    sync.notes.append(
        "Requests and points are counted by the sandbox for each pass's own token (a 304 is free); "
        f"sandbox limits: {' '.join(options) or 'primary only'}. PRs / s and rows / s are end to end "
        "(process start to exit); rows / s in run counts the Dagster run alone."
    )
    return [sync, memory, overhead, bulk]


def run_peers(console: Console, sandbox: BenchSandbox, start: dt.date) -> list[PeerRun]:
    """Install (or reuse) each peer's venv, then run it against the sandbox, one after the other."""
    runs: list[PeerRun] = []
    home = dexxy_home()
    with tempfile.TemporaryDirectory(prefix="dexxy-bench-peers-") as scratch:
        for peer, runner in zip(PEERS, (run_airbyte, run_tap_github), strict=True):
            installed = install(peer, home, console.print)
            how = "cached venv" if installed.cached else f"installed in {installed.install_seconds:.0f} s"
            console.print(f"bench: {peer.label}: {how}; syncing pull requests, reviews, commits ...")
            mark = sandbox.mark()
            run = runner(
                installed, sandbox.api_url, sandbox.org, start.isoformat(), Path(scratch, peer.token)
            )
            run.spent = sandbox.spent_since(mark, peer.token)
            run.install_note = how
            if run.exit_code:
                console.print(f"bench: {peer.label} exited with {run.exit_code}:\n{run.error_tail}")
            runs.append(run)
    return runs


def _dexxy_total(result: ModeResult) -> tuple[int, Spent, float, float]:
    """Dexxy's full sync plus its incremental day, as the peers sync from the start date up to now."""
    prs = sum(result.counts["pull_requests"].values())
    spent = Spent(
        sum(p.spent.rest_requests for p in result.passes), sum(p.spent.graphql_points for p in result.passes)
    )
    return prs, spent, sum(p.seconds for p in result.passes), max(p.peak_rss_mib for p in result.passes)


def peer_sections(results: dict[str, ModeResult], peer_runs: list[PeerRun]) -> list[Section]:
    side = Section(
        "Side by side: pull requests + reviews + commits, same sandbox, same data, one run",
        ["tool", "PRs", "REST requests", "GraphQL points", "REST req + GQL pts / PR", "wall s", "peak RSS"],
        notes=[
            "Dexxy's figures are its full sync plus the incremental day (the peers sync from the same start "
            "date up to now), with more detail per pull request (files, check runs, comments too)."
        ],
    )
    tools: list[tuple[str, int, Spent, float, float]] = []
    for mode, result in results.items():
        prs, spent, seconds, peak = _dexxy_total(result)
        tools.append((f"Dexxy, {mode}", prs, spent, seconds, peak))
    for run in peer_runs:
        prs = sum(run.counts.get("pull_requests", Counter()).values())
        tools.append((f"{run.label} ({run.install_note})", prs, run.spent, run.seconds, run.peak_rss_mib))
    for name, prs, spent, seconds, peak in tools:
        per_pr = spent.budget / prs if prs else 0.0
        side.add(
            name,
            prs,
            f"{spent.rest_requests:,}",
            f"{spent.graphql_points:,}",
            f"{per_pr:.3f}",
            f"{seconds:.1f}",
            _mib(peak),
        )
    ratios = Section(
        "Ratios from this run: Dexxy ÷ peer (below 1: Dexxy spends less)",
        ["Dexxy mode ÷ peer", "budget per PR", "wall time", "peak RSS"],
    )
    for name, prs, spent, seconds, peak in tools[: len(results)]:
        for peer_name, peer_prs, peer_spent, peer_seconds, peer_peak in tools[len(results) :]:
            mine = spent.budget / prs if prs else 0.0
            theirs = peer_spent.budget / peer_prs if peer_prs else 0.0
            ratios.add(
                f"{name} ÷ {peer_name.split(' (')[0]}",
                _ratio(mine, theirs),
                _ratio(seconds, peer_seconds),
                _ratio(peak, peer_peak),
            )
    return [side, ratios, agreement_section(results, peer_runs)]


def _ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}" if theirs > 0 else "n/a"


def agreement_section(results: dict[str, ModeResult], peer_runs: list[PeerRun]) -> Section:
    """Records per repository for each tool, and whether they are the same."""
    tools = {f"Dexxy {mode}": result.counts for mode, result in results.items()}
    tools |= {run.label.split(" ")[0]: run.counts for run in peer_runs}
    names = list(tools)
    section = Section(
        "Same data? Records per repository (pull requests / reviews / commits)", ["repository", *names]
    )
    repositories = sorted({repo for counts in tools.values() for c in counts.values() for repo in c})
    differing: list[str] = []
    for repo in repositories:
        cells = ["/".join(str(tools[n].get(e, Counter())[repo]) for e in ENTITIES) for n in names]
        if len(set(cells)) > 1:
            differing.append(repo)
        section.add(repo, *cells)
    totals = ["/".join(str(sum(tools[n].get(e, Counter()).values())) for e in ENTITIES) for n in names]
    section.add("all", *totals)
    section.notes.append(
        "identical: every tool returned the same pull requests, reviews and commits per repository"
        if not differing
        else f"DIFFERENT in {len(differing)} of {len(repositories)} repositories: {', '.join(differing[:5])}"
    )
    return section


def history_section(h: HistoryResult) -> Section:
    section = Section(
        f"Long history: {h.days} days of one repository through `dexxy run` (default selection)",
        ["measure", "value", "target"],
    )
    rows = [
        ("pull requests", str(h.pull_requests), ""),
        ("wall time", f"{h.seconds:.0f} s", f"< {HISTORY_TARGET_SECONDS} s"),
        ("CPU time of `dexxy run`", f"{h.cpu_seconds:.0f} s", ""),
        ("peak RSS of `dexxy run`", f"{h.peak_rss_mib:.0f} MiB", f"< {HISTORY_TARGET_MIB} MiB"),
        ("event-log events", str(h.events), ""),
        ("event-log bytes per day", f"{h.event_bytes_per_day:,.0f}", ""),
        ("materializations", str(h.materializations), ""),
        ("bytes per materialization", f"{h.bytes_per_materialization:,.0f}", ""),
        ("materializations per asset and day", str(h.materializations_per_asset_partition), "1"),
        ("planned events", str(h.planned_events), ""),
    ]
    for row in rows:
        section.add(*row)
    over = h.seconds > HISTORY_TARGET_SECONDS or h.peak_rss_mib > HISTORY_TARGET_MIB
    section.notes.append("long history: over target" if over else "long history: within target")
    return section


def freshness_section(f: FreshnessResult) -> Section:
    """Method: dexxy_assets/cli/webhook_bench.py (measured steps, the daemon's waits added, not slept)."""
    section = Section(
        f"Webhook freshness: event received → visible in analytics.pull_requests ({f.events} events)",
        ["measure", "median", "p95"],
    )
    section.add(
        "receiver: POST → 202", f"{statistics.median(f.receive_ms):.1f} ms", f"{p95(f.receive_ms):.1f} ms"
    )
    section.add("sensor tick", f"{statistics.median(f.tick_s):.2f} s", f"{p95(f.tick_s):.2f} s")
    section.add("run worker start (code location load)", f"{f.worker_start_s:.1f} s", "")
    section.add(
        "run: fetch today, stage, marts", f"{statistics.median(f.run_s):.1f} s", f"{p95(f.run_s):.1f} s"
    )
    section.add("event → visible (with tick and dequeue waits)", f"{f.p50:.1f} s", f"{f.p95:.1f} s")
    verdict = "within" if f.p95 <= FRESHNESS_TARGET_SECONDS else "over"
    section.notes.append(
        f"webhook freshness: p95 {f.p95:.1f} s, {verdict} the {FRESHNESS_TARGET_SECONDS} s target"
    )
    return section
