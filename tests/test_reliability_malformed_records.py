"""Records the parser cannot use, for the sources test_github_bad_input.py does not cover (Copilot, Jira):
kept in raw, counted (ops.ingest_problems, metadata, the ``no_ingest_problems`` check), and the rest loads
exactly as without them.

The sandbox serves only well-formed Copilot reports and Jira issues (no fault switch makes them otherwise),
so an httpx transport under the product's own client corrupts the sandbox's real answers on their way back:
the house rule's one allowed mock, HTTP below the client for a fault the sandbox cannot produce.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import dagster as dg
import httpx
import pytest
from sqlalchemy import Engine, text

from dexxy_assets.definitions import defs
from resources.jira_client import JiraClient
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN
from tests.reliability_runs import (
    FastRetryGitHub,
    FastRetryJira,
    sandbox_github,
    sandbox_jira,
    step_failures,
    warehouse_digests,
)
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

START = SANDBOX_UNTIL - dt.timedelta(days=2)
Corrupt = Callable[[httpx.Request, bytes], bytes | None]


class CorruptingTransport(httpx.BaseTransport):
    """Real HTTP to the sandbox; ``corrupt`` may rewrite a 200 body (None: leave it)."""

    def __init__(self, corrupt: Corrupt) -> None:
        self._inner = httpx.HTTPTransport()
        self._corrupt = corrupt
        self._lock = threading.Lock()  # the product fetches on a few threads with one client
        self.corrupted = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if response.status_code != 200:
            return response
        body = response.read()
        changed = self._corrupt(request, body)
        if changed is None:
            return response
        with self._lock:
            self.corrupted += 1
        headers = [(k, v) for k, v in response.headers.items() if k.lower() not in ("content-length", "etag")]
        return httpx.Response(200, headers=headers, content=changed, request=request)


class CorruptedGitHub(FastRetryGitHub):
    """The product's GitHub resource whose clients talk through ``transport`` (set by the test)."""

    transport: ClassVar[httpx.BaseTransport | None] = None


class CorruptedJira(FastRetryJira):
    """The product's Jira resource whose clients talk through ``transport`` (set by the test)."""

    transport: ClassVar[CorruptingTransport | None] = None

    def client(self, *args: Any, **kwargs: Any) -> JiraClient:  # the product's arguments, passed on
        return super().client(*args, **kwargs, transport=self.transport)


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox(engineers=3, repos=1, days=10) as server:
        yield server


def _problems(engine: Engine, prefix: str) -> dict[str, int]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT asset_key || ' ' || problem, sum(occurrences)::int FROM ops.ingest_problems "
                "WHERE asset_key LIKE :p GROUP BY 1"
            ),
            {"p": f"{prefix}%"},
        )
        return {row[0]: row[1] for row in rows}


def _failed_checks(result: dg.ExecuteInProcessResult) -> set[str]:
    return {
        e.asset_key.to_user_string()
        for e in result.get_asset_check_evaluations()
        if e.check_name == "no_ingest_problems" and not e.passed
    }


def _problems_in_metadata(result: dg.ExecuteInProcessResult, prefix: str) -> int:
    """The run-wide ``problems_in_run`` of each asset under ``prefix`` (written once, on one day)."""
    total = 0
    for event in result.get_asset_materialization_events():
        materialization = event.step_materialization_data.materialization
        if materialization.asset_key.to_user_string().startswith(prefix):
            value = materialization.metadata.get("problems_in_run")
            total += int(value.value) if value is not None else 0  # type: ignore[arg-type]
    return total


def _run(warehouse: WarehouseResource, github, jira, selection: str) -> dg.ExecuteInProcessResult:  # type: ignore[no-untyped-def]
    """The selection's assets and their checks (``no_ingest_problems``) over the test's days."""
    definitions = defs()
    return dg.materialize(
        assets=[*definitions.assets, *definitions.asset_checks],  # type: ignore[list-item]
        selection=selection,
        resources={**(definitions.resources or {}), "warehouse": warehouse, "github": github, "jira": jira},
        instance=dg.DagsterInstance.ephemeral(),
        tags={
            "dagster/asset_partition_range_start": START.isoformat(),
            "dagster/asset_partition_range_end": SANDBOX_UNTIL.isoformat(),
        },
        raise_on_error=False,
    )


def _without_raw(digests: dict[str, tuple], prefix: str) -> dict[str, tuple]:
    return {t: d for t, d in digests.items() if prefix in t and not t.startswith("raw.")}


# ----- Copilot: a report line that is not JSON, and one without the member it is about -----
def _break_reports(request: httpx.Request, body: bytes) -> bytes | None:
    if "/_downloads/copilot/" not in request.url.path:
        return None
    if "users" in request.url.path:
        return body + b'\n{"day": "2026-06-30", "copilot_ide_code_completions": {}}\n'  # no user
    return body + b'\n{"day": "2026-06-30", "total_active_us\n'  # cut mid-line


def test_unusable_copilot_report_lines_are_kept_counted_and_the_rest_loads(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    clean = WarehouseResource(database_url=make_database())
    clean_run = _run(clean, sandbox_github(sandbox, "rest"), sandbox_jira(sandbox), "group:copilot")
    assert clean_run.success, step_failures(clean_run)
    assert not _problems(clean.engine(), "copilot/")

    transport = CorruptedGitHub.transport = CorruptingTransport(_break_reports)
    github = CorruptedGitHub(
        api_url=sandbox.github_api_url, token=SANDBOX_TOKEN, orgs=[sandbox.org.login], fetch_mode="rest"
    )
    broken = WarehouseResource(database_url=make_database())
    try:
        result = _run(broken, github, sandbox_jira(sandbox), "group:copilot")
    finally:
        CorruptedGitHub.transport = None

    assert result.success, step_failures(result)
    assert transport.corrupted >= 2
    with broken.connect() as conn:
        kept = conn.execute(
            text(
                "SELECT count(*) FILTER (WHERE payload ? 'unparseable_line'), "
                "count(*) FILTER (WHERE payload ->> 'day' = '2026-06-30' AND NOT payload ? 'user_login' "
                "AND payload ? 'copilot_ide_code_completions') FROM raw.copilot_usage_reports"
            )
        ).one()
    assert (
        tuple(kept) == (transport.corrupted / 2, transport.corrupted / 2) or sum(kept) == transport.corrupted
    )
    problems = _problems(broken.engine(), "copilot/")
    assert sum(problems.values()) == transport.corrupted, problems
    assert _problems_in_metadata(result, "copilot/") >= transport.corrupted
    assert _failed_checks(result) & {key.split(" ")[0] for key in problems}
    # every usable line loaded, as without the broken ones
    assert _without_raw(warehouse_digests(broken), "copilot") == _without_raw(
        warehouse_digests(clean), "copilot"
    )


# ----- Jira: an issue whose `updated` is missing -----
def _drop_updated(request: httpx.Request, body: bytes) -> bytes | None:
    """The first issue of every JQL search page loses fields.updated."""
    if not request.url.path.endswith("/search/jql"):
        return None
    page = json.loads(body)
    issues = page.get("issues") or []
    if not issues or "updated" not in (issues[0].get("fields") or {}):
        return None
    del issues[0]["fields"]["updated"]
    return json.dumps(page).encode()


def test_a_jira_issue_without_updated_is_kept_counted_and_the_rest_loads(sandbox, make_database) -> None:  # type: ignore[no-untyped-def]
    clean = WarehouseResource(database_url=make_database())
    clean_run = _run(clean, sandbox_github(sandbox, "rest"), sandbox_jira(sandbox), "group:jira")
    assert clean_run.success, step_failures(clean_run)
    known = _problems(clean.engine(), "jira/")  # the sandbox's site has odd fields and ADF on purpose
    assert not any(key.startswith("jira/issues ") for key in known)

    transport = CorruptedJira.transport = CorruptingTransport(_drop_updated)
    jira = CorruptedJira(**sandbox_jira(sandbox).model_dump(exclude_none=True))
    broken = WarehouseResource(database_url=make_database())
    try:
        result = _run(broken, sandbox_github(sandbox, "rest"), jira, "group:jira")
    finally:
        CorruptedJira.transport = None

    assert result.success, step_failures(result)
    assert transport.corrupted >= 1
    with broken.connect() as conn, clean.connect() as before:
        count = "SELECT count(*) FROM raw.jira_issues"
        assert conn.execute(text(count)).scalar_one() == before.execute(text(count)).scalar_one()
        missing = conn.execute(
            text("SELECT count(*) FROM raw.jira_issues WHERE NOT (payload -> 'fields') ? 'updated'")
        ).scalar_one()
    assert missing == transport.corrupted  # kept in raw
    problems = _problems(broken.engine(), "jira/")
    assert problems.get("jira/issues jira_issue.updated_missing") == transport.corrupted, problems
    assert _problems_in_metadata(result, "jira/issues") >= transport.corrupted
    assert "jira/issues" in _failed_checks(result)
