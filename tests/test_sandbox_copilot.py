"""The sandbox's Copilot endpoints: seats (paged, GitHub's schema), 1-day usage reports and their NDJSON."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from dexxy_sandbox.copilot.usage import REPORTS_AVAILABLE_FROM, CopilotUsage
from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.org.generator import generate_org
from dexxy_sandbox.server import SandboxServer

SPECS = Path(__file__).resolve().parents[1].parent / "shared" / "specs"
GITHUB_SPEC = SPECS / "github" / "rest-api.github.com.json"
UNTIL = dt.date(2026, 1, 31)
SEATS = "/orgs/{org}/copilot/billing/seats"
ORG_REPORT = "/orgs/{org}/copilot/metrics/reports/organization-1-day"
USERS_REPORT = "/orgs/{org}/copilot/metrics/reports/users-1-day"
COUNTERS = (
    "user_initiated_interaction_count",
    "code_generation_activity_count",
    "code_acceptance_activity_count",
    "loc_suggested_to_add_sum",
    "loc_added_sum",
)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(seed=7, engineers=12, repos=3, days=120, until=UNTIL) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    headers = {"Authorization": "token sandbox-token", "Accept": "application/vnd.github+json"}
    with httpx.Client(base_url=server.github_api_url, headers=headers, timeout=30) as http:
        yield http


def org_path(server: SandboxServer, template: str) -> str:
    return template.replace("{org}", server.org.login)


def busy_weekday(server: SandboxServer) -> dt.date:
    """The latest available weekday with at least three active users."""
    usage = server.copilot
    return next(d for d in reversed(usage.available_days()) if d.weekday() < 5 and len(usage.users(d)) >= 3)


def download(links: list[str]) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    for link in links:
        response = httpx.get(link, timeout=30)  # no Authorization: the signature is the credential
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/x-ndjson"
        lines += [json.loads(line) for line in response.text.splitlines() if line]
    return lines


def report(client: httpx.Client, server: SandboxServer, template: str, day: dt.date) -> httpx.Response:
    return client.get(org_path(server, template), params={"day": day.isoformat()})


def test_seats_are_paged_and_match_githubs_schema(server: SandboxServer, client: httpx.Client) -> None:
    first = client.get(org_path(server, SEATS), params={"per_page": 4})
    assert first.status_code == 200 and "x-ratelimit-remaining" in first.headers
    body = first.json()
    members = server.org.members()
    assert body["total_seats"] == len(server.copilot.seats) == -(-len(members) * 8 // 10)
    assert len(body["seats"]) == 4 and 'rel="next"' in first.headers["link"]
    seats = list(body["seats"])
    page = 2
    while len(seats) < body["total_seats"]:
        more = client.get(org_path(server, SEATS), params={"per_page": 4, "page": page}).json()
        assert more["total_seats"] == body["total_seats"]
        seats += more["seats"]
        page += 1
    logins = [seat["assignee"]["login"] for seat in seats]
    assert len(set(logins)) == len(logins) and set(logins) <= {m.login for m in members}
    assert len(client.get(org_path(server, SEATS)).json()["seats"]) == body["total_seats"]  # 50 per page
    active = [seat for seat in seats if seat["last_activity_at"]]
    assert active and all(seat["last_activity_editor"].count("/") == 3 for seat in active)
    assert all(seat["plan_type"] == "business" for seat in seats)
    if not GITHUB_SPEC.exists():
        pytest.skip(f"../shared/specs not found: {GITHUB_SPEC} (the specs live beside the repository)")
    spec = OpenApiResponses.load(GITHUB_SPEC)
    errors = spec.errors(SEATS, {"total_seats": len(seats), "seats": seats})
    assert not errors, "\n".join(errors)
    day = busy_weekday(server)
    for template in (ORG_REPORT, USERS_REPORT):
        payload = report(client, server, template, day).json()
        assert not spec.errors(template, payload), spec.errors(template, payload)


def test_report_links_serve_ndjson(server: SandboxServer, client: httpx.Client) -> None:
    day = busy_weekday(server)
    response = report(client, server, ORG_REPORT, day)
    assert response.status_code == 200 and response.json()["report_day"] == day.isoformat()
    links = response.json()["download_links"]
    assert links and all(link.startswith(server.github_api_url + "/_downloads/") for link in links)
    (org_line,) = download(links)
    users = download(report(client, server, USERS_REPORT, day).json()["download_links"])
    assert org_line["day"] == day.isoformat() and org_line["organization_id"] == str(server.org.id)
    assert org_line["daily_active_users"] == len(users) >= 3
    assert (
        org_line["daily_active_users"] <= org_line["weekly_active_users"] <= org_line["monthly_active_users"]
    )
    assert org_line["monthly_active_users"] <= len(server.copilot.seats)
    for counter in COUNTERS:  # the org line adds up the user lines
        assert org_line[counter] == sum(user[counter] for user in users)
        assert org_line[counter] == sum(item[counter] for item in org_line["totals_by_feature"])
    rate = org_line["code_acceptance_activity_count"] / org_line["code_generation_activity_count"]
    completion = next(f for f in org_line["totals_by_feature"] if f["feature"] == "code_completion")
    assert (
        0.2
        <= completion["code_acceptance_activity_count"] / completion["code_generation_activity_count"]
        <= 0.4
    )
    assert 0.15 < rate < 0.6
    assert {"ide", "code_generation_activity_count"} <= set(org_line["totals_by_ide"][0])
    assert org_line["totals_by_language_feature"] and "pull_requests" in org_line
    seat_logins = {seat.login for seat in server.copilot.seats}
    for user in users:
        assert user["user_login"] in seat_logins and isinstance(user["user_id"], int)
        assert user["day"] == day.isoformat() and isinstance(user["used_chat"], bool)
        (ide,) = user["totals_by_ide"]
        assert ide["last_known_ide_version"]["ide_version"] and ide["last_known_plugin_version"]["plugin"]
    tampered = links[0].replace("sig=", "sig=0")
    assert httpx.get(tampered).status_code == 403


def test_missing_days_are_404(server: SandboxServer, client: httpx.Client) -> None:
    usage = server.copilot
    before = REPORTS_AVAILABLE_FROM - dt.timedelta(days=1)
    after = usage.last_report_day + dt.timedelta(days=1)
    off = [
        d
        for d in (UNTIL - dt.timedelta(days=n) for n in range(100))
        if usage.policy_off(d) and d >= REPORTS_AVAILABLE_FROM
    ]
    assert off, "the org should have some policy-off days"
    for day in (before, after, off[0]):
        for template in (ORG_REPORT, USERS_REPORT):
            response = report(client, server, template, day)
            assert response.status_code == 404, (template, day)
            assert response.json()["message"] == "Not Found" and response.json()["status"] == "404"
    assert client.get(org_path(server, ORG_REPORT)).status_code == 422  # `day` is required
    assert report(client, server, ORG_REPORT, off[0] - dt.timedelta(days=1)).status_code in (200, 404)
    other = client.get("/orgs/someone-else/copilot/metrics/reports/users-1-day", params={"day": "2026-01-20"})
    assert other.status_code == 404
    assert httpx.get(f"{server.url}/github/orgs/{server.org.login}/copilot/billing/seats").status_code == 401


def test_reports_are_deterministic(server: SandboxServer, client: httpx.Client) -> None:
    day = busy_weekday(server)
    served = download(report(client, server, USERS_REPORT, day).json()["download_links"])
    again = download(report(client, server, USERS_REPORT, day).json()["download_links"])
    assert served == again
    org = generate_org(seed=7, engineers=12, repos=3, days=120, until=UNTIL)
    fresh = CopilotUsage(org)
    assert [s.login for s in fresh.seats] == [s.login for s in server.copilot.seats]
    assert [u.activities for u in fresh.users(day)] == [u.activities for u in server.copilot.users(day)]


def test_adoption_grows_gently() -> None:
    org = generate_org(seed=3, engineers=30, repos=3, days=200, until=dt.date(2026, 4, 30))
    usage = CopilotUsage(org)

    def active_share(start: dt.date) -> float:
        days = [start + dt.timedelta(days=n) for n in range(28)]
        weekdays = [d for d in days if d.weekday() < 5 and not usage.policy_off(d)]
        return sum(len(usage.users(d)) for d in weekdays) / (len(weekdays) * len(usage.seats))

    early, late = active_share(dt.date(2025, 10, 13)), active_share(dt.date(2026, 3, 30))
    assert 0.3 < early < late < 0.95 and late - early < 0.35
