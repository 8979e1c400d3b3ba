"""Copilot is optional: an org without it (404), a token without its scope (403) or Copilot not enabled (422)
leaves the Copilot assets empty with the reason, and the rest of the default run loads."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import text

from dexxy_assets.cli.main import cli
from dexxy_assets.copilot.copilot_access import CHECK_NAME, UNAVAILABLE_STATUS, unavailable_reason
from dexxy_sandbox.cli import serve
from resources.github_errors import GitHubAuthError, GitHubError, GitHubUnreachableError
from resources.warehouse import WarehouseResource
from tests.github_runs import SANDBOX_TOKEN, github_resource, materialize_range
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

COPILOT_KEYS = ("copilot/seats", "copilot/usage_org_daily", "copilot/usage_user_daily")
COPILOT_SELECTION = " or ".join(f"key:{key}" for key in COPILOT_KEYS)
DAYS = (SANDBOX_UNTIL - dt.timedelta(days=3), SANDBOX_UNTIL - dt.timedelta(days=1))


def _metadata(result, key: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return [
        {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
        if event.asset_key.to_user_string() == key
    ]


def _checks(result) -> dict[str, tuple[bool, str]]:  # type: ignore[no-untyped-def]
    return {
        evaluation.asset_key.to_user_string(): (evaluation.passed, evaluation.severity.value)
        for evaluation in result.get_asset_check_evaluations()
        if evaluation.check_name == CHECK_NAME
    }


def _count(warehouse: WarehouseResource, sql: str) -> int:
    with warehouse.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_the_default_run_loads_github_when_the_org_has_no_copilot(warehouse: WarehouseResource) -> None:
    with running_sandbox(engineers=4, repos=1, days=20) as server:
        server.copilot_unavailable_status = 404
        result = materialize_range(warehouse, github_resource(server), *DAYS)  # every asset, as `dexxy run`
        report_requests = server.request_log.by_template
    assert result.success
    assert _count(warehouse, "SELECT count(*) FROM analytics.pull_requests") > 0  # GitHub landed
    assert _count(warehouse, "SELECT count(*) FROM staging.github_org_members") > 0
    for key in COPILOT_KEYS:
        materializations = _metadata(result, key)
        assert materializations, key
        # the reason is run-wide: written once, on the newest day (or on the snapshot's one event)
        (run_wide,) = [metadata for metadata in materializations if "copilot_available" in metadata]
        assert run_wide["copilot_available"] is False
        assert (
            f"Copilot unavailable for {server.org.login} (404 Not Found)"
            in run_wide["copilot_unavailable_reason"]
        )
        assert all(metadata["dagster/row_count"] == 0 for metadata in materializations)
    assert _checks(result) == {key: (False, "WARN") for key in COPILOT_KEYS}
    for empty in (
        "SELECT count(*) FROM staging.copilot_seats",
        "SELECT count(*) FROM raw.copilot_usage_reports",
        "SELECT count(*) FROM analytics.copilot_usage_daily",
    ):
        assert _count(warehouse, empty) == 0, empty
    with warehouse.connect() as conn:
        logged = conn.execute(
            text(
                "SELECT asset_key, status, detail -> 'copilot_unavailable' ->> :org FROM ops.sync_log "
                "WHERE asset_key LIKE 'copilot/%' ORDER BY asset_key"
            ),
            {"org": server.org.login},
        ).all()
    assert [(key, status) for key, status, _ in logged] == [
        (key, UNAVAILABLE_STATUS) for key in sorted(COPILOT_KEYS)
    ]
    assert all("404" in reason for _, _, reason in logged)
    with warehouse.connect() as conn:  # `dexxy sync status` says why Copilot holds nothing
        states = conn.execute(
            text("SELECT entity, status, reason FROM ops.sync_state WHERE source = 'copilot' ORDER BY entity")
        ).all()
    assert [(entity, status) for entity, status, _ in states] == [(k, "active") for k in sorted(COPILOT_KEYS)]
    assert all("404" in (reason or "") for _, _, reason in states)
    # a report 404 is confirmed once on the seats endpoint; the other days are not asked
    assert report_requests["/orgs/{org}/copilot/metrics/reports/organization-1-day"] == 1


@pytest.mark.parametrize(("status", "words"), [(403, "Copilot scope"), (422, "not enabled")])
def test_copilot_already_loaded_stays_when_access_goes(
    warehouse: WarehouseResource, status: int, words: str
) -> None:
    with running_sandbox() as server:
        github = github_resource(server)
        assert materialize_range(warehouse, github, *DAYS, selection=COPILOT_SELECTION).success
        seats = _count(warehouse, "SELECT count(*) FROM staging.copilot_seats WHERE is_current")
        org_days = _count(warehouse, "SELECT count(*) FROM staging.copilot_usage_org_daily")
        assert seats > 0 and org_days > 0
        server.copilot_unavailable_status = status
        result = materialize_range(warehouse, github, *DAYS, selection=COPILOT_SELECTION)
    assert result.success
    reasons = [
        m["copilot_unavailable_reason"]
        for key in COPILOT_KEYS
        for m in _metadata(result, key)
        if "copilot_available" in m  # run-wide: the newest day's event, or the snapshot's
    ]
    assert len(reasons) == len(COPILOT_KEYS)
    assert all(f"({status} " in reason and words in reason for reason in reasons)
    assert _checks(result) == {key: (False, "WARN") for key in COPILOT_KEYS}
    # a missing scope is no reason to forget what was loaded: the previous rows stay
    assert _count(warehouse, "SELECT count(*) FROM staging.copilot_seats WHERE is_current") == seats
    assert _count(warehouse, "SELECT count(*) FROM staging.copilot_usage_org_daily") == org_days


def test_copilot_available_passes_when_copilot_answers(warehouse: WarehouseResource) -> None:
    with running_sandbox() as server:
        result = materialize_range(warehouse, github_resource(server), *DAYS, selection="key:copilot/seats")
    assert result.success
    assert _checks(result) == {"copilot/seats": (True, "WARN")}
    assert _metadata(result, "copilot/seats")[0]["copilot_available"] is True


@pytest.mark.parametrize(
    "error",
    [
        GitHubAuthError("bad token", status=401),
        GitHubError("server error", status=500),
        GitHubUnreachableError("GITHUB_API_URL=http://127.0.0.1:9 is unreachable"),
    ],
)
def test_other_failures_are_not_called_copilot_unavailable(error: GitHubError) -> None:
    assert unavailable_reason("acme", error) is None


@pytest.mark.parametrize("status", [404, 403, 422])
def test_the_sandbox_answers_like_github_for_an_org_without_copilot(status: int) -> None:
    with running_sandbox() as server:
        org = server.org.login
        headers = {"Authorization": f"Bearer {SANDBOX_TOKEN}"}
        day = {"day": DAYS[0].isoformat()}
        with httpx.Client(base_url=server.github_api_url, headers=headers) as http:
            link = http.get(f"/orgs/{org}/copilot/metrics/reports/users-1-day", params=day).json()
            link = link["download_links"][0]
            server.copilot_unavailable_status = status
            seats = http.get(f"/orgs/{org}/copilot/billing/seats")
            report = http.get(f"/orgs/{org}/copilot/metrics/reports/organization-1-day", params=day)
            download = http.get(link)
            members = http.get(f"/orgs/{org}/members")
    assert seats.status_code == report.status_code == status
    assert seats.json()["status"] == str(status) and seats.json()["message"]
    assert download.status_code == 404 and members.status_code == 200


def test_sandbox_serve_has_the_switches() -> None:
    help_text = CliRunner().invoke(serve, ["--help"]).output
    assert "--copilot [on|404|403|422]" in help_text and "--app-token-failures" in help_text


def test_dexxy_run_exits_0_for_an_org_without_copilot(
    database_url: str, warehouse: WarehouseResource, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_sandbox(engineers=4, repos=1, days=20) as server:
        server.copilot_unavailable_status = 404
        monkeypatch.setenv("DATABASE_URL", database_url)
        monkeypatch.setenv("GITHUB_API_URL", server.github_api_url)
        monkeypatch.setenv("GITHUB_TOKEN", SANDBOX_TOKEN)
        monkeypatch.setenv("GITHUB_ORGS", server.org.login)
        monkeypatch.delenv("DAGSTER_HOME", raising=False)
        day = SANDBOX_UNTIL.isoformat()
        result = CliRunner().invoke(cli, ["run", "--start", day, "--end", day])
    assert result.exit_code == 0, result.output
    assert _count(warehouse, "SELECT count(*) FROM staging.github_repositories") > 0
    unavailable = "SELECT count(*) FROM ops.sync_log WHERE status = 'copilot_unavailable'"
    assert UNAVAILABLE_STATUS == "copilot_unavailable" and _count(warehouse, unavailable) == 3
    said = [line for line in result.output.splitlines() if line.startswith("not available ")]
    assert said == [  # the user is told, not only the sync log
        "not available copilot/seats, copilot/usage_org_daily, copilot/usage_user_daily: Copilot unavailable "
        f"for {server.org.login} (404 Not Found): the org has no Copilot subscription, or the token cannot "
        "see it"
    ], result.output
