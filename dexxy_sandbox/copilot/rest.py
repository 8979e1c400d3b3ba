"""Copilot REST endpoints (seat assignments, 1-day usage-metrics reports) and the signed report downloads.

The endpoints sit under the REST root and go through the GitHub pipeline (auth, rate limit, faults, ETags).
A report endpoint answers `{"download_links": [...], "report_day": "YYYY-MM-DD"}`; the links point back at the
sandbox (`{root}/_downloads/copilot/{org}/{kind}/{day}/{part}.ndjson?sig=...`), where `CopilotDownloads`,
mounted beside the REST app, serves NDJSON without authentication: like GitHub's signed URLs, the signature
is the credential. Days before 2025-10-10, days not complete at the org's `as_of` and "policy off" days are
GitHub's 404. An org without Copilot (`CopilotUsage.unavailable_status`) answers every Copilot endpoint with
404, 403 or 422, the ways GitHub says "no Copilot here" or "not with this token".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import parse_qsl

from dexxy_sandbox.copilot import payloads as copilot_payloads
from dexxy_sandbox.copilot.usage import CopilotUsage, Seat
from dexxy_sandbox.github_rest.handling import NOT_FOUND, ApiError, Listing, OrgLookup, RestRequest
from dexxy_sandbox.github_rest.payloads import GitHubPayloads, Json
from dexxy_sandbox.request_log import RequestLog

Handler = Callable[[RestRequest], Json | Listing]
DOWNLOADS_PREFIX = "/_downloads"  # under the REST root
REPORT_KINDS = ("organization-1-day", "users-1-day")
USERS_PER_FILE = 50  # the users report is split into files of at most this many lines
SEATS_PER_PAGE = 50  # the seats endpoint's documented default page size
DOWNLOAD_TEMPLATE = "/_downloads/copilot/{org}/{kind}/{day}/{part}.ndjson"
_DOWNLOAD_PATH = re.compile(
    r"^/copilot/(?P<org>[^/]+)/(?P<kind>[a-z0-9-]+)/(?P<day>\d{4}-\d{2}-\d{2})/(?P<part>\d+)\.ndjson$"
)


def _secret(usage: CopilotUsage) -> bytes:
    return hashlib.blake2b(f"copilot-downloads/{usage.seed}/{usage.org.id}".encode(), digest_size=32).digest()


def sign(usage: CopilotUsage, path: str) -> str:
    """The `sig` of a download path (below the downloads prefix), e.g. /copilot/org/users-1-day/D/1.ndjson."""
    return hmac.new(_secret(usage), path.encode(), hashlib.sha256).hexdigest()[:40]


COPILOT_UNAVAILABLE = {
    404: ApiError(404, "Not Found"),
    403: ApiError(403, "Resource not accessible by personal access token"),
    422: ApiError(422, "Copilot Business is not enabled for this organization."),
}


def check_available(usage: CopilotUsage) -> None:
    """Raise the configured "no Copilot" answer, if any."""
    if usage.unavailable_status is not None:
        raise COPILOT_UNAVAILABLE[usage.unavailable_status]


def parse_day(raw: str | None) -> dt.date:
    """The required `day` query parameter (YYYY-MM-DD); anything else is GitHub's 422."""
    if not raw:
        raise ApiError(422, "Validation Failed", [{"field": "day", "code": "missing_field"}])
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as error:
        invalid = [{"field": "day", "code": "invalid", "value": raw}]
        raise ApiError(422, "Validation Failed", invalid) from error


def report_parts(usage: CopilotUsage, kind: str, day: dt.date) -> int:
    if kind == "organization-1-day":
        return 1
    return max(1, -(-len(usage.users(day)) // USERS_PER_FILE))


def report_lines(usage: CopilotUsage, kind: str, day: dt.date, part: int) -> list[Json] | None:
    """The records of one report file, or None when there is no such file."""
    if (
        kind not in REPORT_KINDS
        or not usage.report_available(day)
        or not 1 <= part <= report_parts(usage, kind, day)
    ):
        return None
    if kind == "organization-1-day":
        return [copilot_payloads.organization_record(usage, day)]
    users = usage.users(day)[(part - 1) * USERS_PER_FILE : part * USERS_PER_FILE]
    return [copilot_payloads.user_record(usage, found) for found in users]


class CopilotHandlers:
    """The Copilot endpoints of one org, as (template, aliases, handler) rows for the REST route table."""

    def __init__(
        self,
        org_lookup: OrgLookup,
        payloads: GitHubPayloads,
        api_root: str,
        usage: CopilotUsage | None = None,
    ) -> None:
        self.lookup = org_lookup
        self.org = org_lookup.org
        self.payloads = payloads
        self.api_root = api_root.rstrip("/")
        self.usage = usage or CopilotUsage(self.org)

    def routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        reports = "/orgs/{org}/copilot/metrics/reports"
        return [
            (
                "/orgs/{org}/copilot/billing/seats",
                ("/organizations/{org_id:int}/copilot/billing/seats",),
                self.seats,
            ),
            (f"{reports}/organization-1-day", (), self.organization_report),
            (f"{reports}/users-1-day", (), self.users_report),
        ]

    def seats(self, request: RestRequest) -> Listing:
        self.lookup.check_org(request.params)
        check_available(self.usage)
        request.query.setdefault("per_page", str(SEATS_PER_PAGE))  # this endpoint pages by 50 by default
        as_of = self.org.as_of
        visible = [seat for seat in self.usage.seats if seat.created_at <= as_of]

        def render(item: Seat) -> Json:
            assignee = self.payloads.simple_user(item.login)
            return copilot_payloads.seat(item, self.usage.last_activity(item), assignee, as_of)

        def envelope(items: Sequence[Any], total: int) -> Json:
            return {"total_seats": total, "seats": [render(item) for item in items]}

        paging = f"{self.api_root}/organizations/{self.org.id}/copilot/billing/seats"
        return Listing(visible, render, paging, envelope)

    def _report(self, request: RestRequest, kind: str) -> Json:
        self.lookup.check_org(request.params)
        check_available(self.usage)
        day = parse_day(request.query.get("day"))
        if not self.usage.report_available(day):
            raise NOT_FOUND
        links = []
        for part in range(1, report_parts(self.usage, kind, day) + 1):
            path = f"/copilot/{self.org.login}/{kind}/{day.isoformat()}/{part}.ndjson"
            links.append(f"{self.api_root}{DOWNLOADS_PREFIX}{path}?sig={sign(self.usage, path)}")
        return {"download_links": links, "report_day": day.isoformat()}

    def organization_report(self, request: RestRequest) -> Json:
        return self._report(request, "organization-1-day")

    def users_report(self, request: RestRequest) -> Json:
        return self._report(request, "users-1-day")


class CopilotDownloads:
    """ASGI app serving the report files (mount it at `{REST root}/_downloads`); no token needed."""

    def __init__(self, usage: CopilotUsage, log: RequestLog | None = None) -> None:
        self.usage = usage
        self.log = log

    def _answer(self, method: str, path: str, query: str) -> tuple[int, bytes, bytes]:
        if method not in ("GET", "HEAD"):
            return 405, b'{"message":"Method Not Allowed"}', b"application/json"
        found = _DOWNLOAD_PATH.match(path)
        off = self.usage.unavailable_status is not None
        if found is None or off or found["org"].lower() != self.usage.org.login.lower():
            return 404, b'{"message":"Not Found"}', b"application/json"
        canonical = f"/copilot/{self.usage.org.login}/{found['kind']}/{found['day']}/{found['part']}.ndjson"
        signature = dict(parse_qsl(query)).get("sig", "")
        if not hmac.compare_digest(signature, sign(self.usage, canonical)):
            body = {"message": "Signature did not match: the download link is invalid or was altered."}
            return 403, json.dumps(body).encode(), b"application/json"
        try:
            day = dt.date.fromisoformat(found["day"])
        except ValueError:
            return 404, b'{"message":"Not Found"}', b"application/json"
        lines = report_lines(self.usage, found["kind"], day, int(found["part"]))
        if lines is None:
            return 404, b'{"message":"Not Found"}', b"application/json"
        return 200, copilot_payloads.ndjson(lines), b"application/x-ndjson"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        query = scope["query_string"].decode("latin-1")
        status, body, content_type = self._answer(method, path, query)
        if self.log is not None:
            self.log.record(method, DOWNLOADS_PREFIX + path, query, DOWNLOAD_TEMPLATE, status, "none")
        content = b"" if method == "HEAD" else body
        headers = [
            (b"content-type", content_type),
            (b"content-length", str(len(content)).encode()),
            (b"content-disposition", f'attachment; filename="{path.rsplit("/", 1)[-1]}"'.encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})
