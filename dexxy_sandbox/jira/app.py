"""The Jira Cloud emulator as a bare ASGI app: routes, auth, rate limits, faults, request log, handlers.

Mounted at `{server}/jira`, which is then the site's base URL (what JIRA_BASE_URL points at): REST v2, v3
and `latest` under `/rest/api/{version}`, the agile API under `/rest/agile/1.0`, OAuth under `/oauth` and
the api.atlassian.com gateway under `/ex/jira/{cloudId}` (bearer tokens only). Every request is logged,
authenticated (basic email + API token, or a bearer OAuth token; `serverInfo` also answers anonymous calls,
as Jira does), given its fault (the server's `FaultConfig`, Jira flavoured: a secondary limit is a 429),
and charged to its token's budget. `throttle(n)` answers the next n requests with 429 and a Retry-After.
The site is generated on the first request, so servers that never see a Jira call never pay for it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import datetime as dt
import json
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode

from dexxy_sandbox.faults import Fault, FaultConfig, FaultInjector, malform, truncate
from dexxy_sandbox.jira.jql import JqlError, Query, parse_jql
from dexxy_sandbox.jira.model import Issue, JiraSite
from dexxy_sandbox.jira.oauth import JiraOAuth
from dexxy_sandbox.jira.paging import BadPageToken, OffsetPage, int_param, make_token, offset_page, read_token
from dexxy_sandbox.jira.payloads import SEARCH_EMBEDDED_CHANGELOG, FieldSelection, JiraPayloads, Json
from dexxy_sandbox.rate_limit import RateLimiter
from dexxy_sandbox.request_log import DROPPED, RequestLog

JIRA_API_TOKEN = "sandbox-jira-token"
JIRA_OAUTH_TOKEN = "sandbox-jira-oauth-token"
SEARCH_PAGE_CAP = 100  # issues per search page with fields; 5000 when only ids/keys are asked for
REMOVED_SEARCH = (
    "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
    "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046"
)
_GATEWAY = re.compile(r"^/ex/jira/(?P<cloud>[^/]+)(?P<rest>/.*)$")
UNBOUNDED = "Unbounded JQL queries are not allowed here. Please add a search restriction to your query."
Scope = dict[str, Any]
Receive = Callable[[], Any]
Send = Callable[[dict[str, Any]], Any]


class JiraError(Exception):
    """An error answer in Jira's shape: `{"errorMessages": [...], "errors": {...}}`."""

    def __init__(self, status: int, *messages: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(messages[0] if messages else str(status))
        self.status = status
        self.body = {"errorMessages": list(messages), "errors": errors or {}}


@dataclass
class JiraRequest:
    method: str
    version: str  # "2" or "3" (`latest` is 2, as in Jira)
    params: dict[str, str]
    query: dict[str, list[str]]
    body: Any
    base: str  # the site's base URL as the client reached it (through the gateway: .../ex/jira/{cloudId})
    path: str
    gateway: bool = False  # reached as api.atlassian.com/ex/jira/{cloudId}: OAuth bearer tokens only

    def arg(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None

    def number(self, name: str, default: int) -> int:
        try:
            return int_param(self.arg(name), default, name)
        except ValueError as error:
            raise JiraError(400, str(error)) from error


Handler = Callable[[JiraRequest], tuple[int, Any]]


@dataclass
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: str = "required"  # "optional" (answers anonymous calls too) or "none" (credentials in the body)


@dataclass
class _Override:
    """What the next `remaining` authenticated requests get instead of their answer (a switch for tests)."""

    remaining: int = 0
    status: int = 429
    message: str = ""
    retry_after: int | None = None


@dataclass
class _Reply:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)


def _compile(template: str) -> re.Pattern[str]:
    pattern = re.escape(template)
    pattern = pattern.replace(re.escape("{api}"), r"(?P<api>2|3|latest)")
    pattern = pattern.replace(re.escape("{agile}"), r"(?P<agile>1\.0|latest)")
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
    return re.compile(f"^{pattern}/?$")


class JiraApi:
    """The emulator of one Jira site; `site_factory` builds the site on the first request."""

    def __init__(
        self,
        site_factory: Callable[[], JiraSite],
        *,
        limiter: RateLimiter | None = None,
        log: RequestLog | None = None,
        faults: Callable[[], FaultConfig] | None = None,
        seed: int = 7,
        api_tokens: tuple[str, ...] = (JIRA_API_TOKEN,),
        oauth_tokens: tuple[str, ...] = (JIRA_OAUTH_TOKEN,),
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._site_factory = site_factory
        self._site: JiraSite | None = None
        self._site_lock = threading.Lock()
        self._payloads: dict[str, JiraPayloads] = {}
        self.limiter = limiter or RateLimiter(100_000)
        self.log = log or RequestLog()
        self._fault_source = faults or FaultConfig
        self._fault_config: FaultConfig | None = None
        self._injector = FaultInjector(None, seed)
        self.seed = seed
        self.api_tokens = api_tokens
        self.oauth_tokens = oauth_tokens
        self.clock = clock
        self._override = _Override()
        self.oauth = JiraOAuth(seed, clock)
        self.routes = [_Route(m, t, _compile(t), h, auth) for m, t, h, auth in self._table()]

    # ----- the site -----
    @property
    def site(self) -> JiraSite:
        with self._site_lock:
            if self._site is None:
                self._site = self._site_factory()
            return self._site

    def payloads(self, base: str) -> JiraPayloads:
        found = self._payloads.get(base)
        if found is None:
            found = self._payloads[base] = JiraPayloads(self.site, base)
        return found

    def env_lines(self, base_url: str) -> list[str]:
        """`.env` lines pointing the project at this site."""
        return [
            f"JIRA_BASE_URL={base_url}",
            f"JIRA_EMAIL={self.site.api_user.email}",
            f"JIRA_API_TOKEN={self.api_tokens[0]}",
            f"JIRA_PROJECTS={','.join(self.site.project_keys)}",
        ]

    def throttle(self, requests: int, retry_after: int = 1) -> None:
        """Answer the next `requests` authenticated requests with 429 and `Retry-After: retry_after`."""
        self._override = _Override(requests, 429, "Rate limit exceeded.", retry_after)

    def fail(self, requests: int, status: int, message: str, retry_after: int | None = None) -> None:
        """Answer the next `requests` authenticated requests with `status` and a Jira error body carrying
        `message` (e.g. 403 for a revoked permission, 503 for a site in maintenance); 0 switches it off."""
        self._override = _Override(requests, status, message, retry_after)

    # ----- routing -----
    def _table(self) -> list[tuple[str, str, Handler, str]]:
        api, agile = "/rest/api/{api}", "/rest/agile/{agile}"
        issue = f"{api}/issue/{{issueIdOrKey}}"
        return [
            ("GET", f"{api}/serverInfo", self.server_info, "optional"),
            ("GET", f"{api}/myself", self.myself, "required"),
            ("GET", f"{api}/field", self.fields, "required"),
            ("GET", f"{api}/project/search", self.project_search, "required"),
            ("GET", f"{api}/project", self.project_list, "required"),
            ("GET", f"{api}/project/{{projectIdOrKey}}", self.project, "required"),
            ("GET", f"{api}/users/search", self.users_search, "required"),
            ("GET", f"{api}/users", self.users_search, "required"),
            ("GET", f"{api}/user/search", self.user_search, "required"),
            ("GET", f"{api}/user", self.user, "required"),
            ("GET", f"{api}/search/jql", self.search_jql, "required"),
            ("POST", f"{api}/search/jql", self.search_jql, "required"),
            ("POST", f"{api}/search/approximate-count", self.approximate_count, "required"),
            ("POST", f"{api}/issue/bulkfetch", self.bulk_issues, "required"),
            ("GET", f"{api}/status", self.statuses, "required"),
            ("GET", f"{api}/statuscategory", self.status_categories, "required"),
            ("GET", f"{api}/search", self.removed_search, "required"),
            ("POST", f"{api}/search", self.removed_search, "required"),
            ("GET", issue, self.issue, "required"),
            ("GET", f"{issue}/comment", self.comments, "required"),
            ("GET", f"{issue}/worklog", self.worklogs, "required"),
            ("GET", f"{issue}/changelog", self.changelog, "required"),
            ("POST", f"{api}/changelog/bulkfetch", self.bulk_changelog, "required"),
            ("GET", f"{api}/worklog/updated", self.worklogs_updated, "required"),
            ("POST", f"{api}/worklog/list", self.worklog_list, "required"),
            ("GET", f"{agile}/board", self.boards, "required"),
            ("GET", f"{agile}/board/{{boardId}}", self.board, "required"),
            ("GET", f"{agile}/board/{{boardId}}/sprint", self.board_sprints, "required"),
            ("GET", f"{agile}/sprint/{{sprintId}}", self.sprint, "required"),
            ("GET", f"{agile}/sprint/{{sprintId}}/issue", self.sprint_issues, "required"),
            ("POST", "/oauth/token", self.oauth_token, "none"),
            ("GET", "/oauth/token/accessible-resources", self.accessible_resources, "required"),
        ]

    def _match(self, method: str, path: str) -> tuple[_Route | None, dict[str, str], bool]:
        """(route, params, path known for another method)."""
        known = False
        for route in self.routes:
            found = route.pattern.match(path)
            if found is None:
                continue
            if route.method == method:
                return route, {k: v for k, v in found.groupdict().items() if v is not None}, True
            known = True
        return None, {}, known

    # ----- the pipeline -----
    def _faults(self) -> FaultInjector:
        config = self._fault_source()
        if config is not self._fault_config:  # switched on a running server: the sequence restarts
            self._fault_config = config
            self._injector = FaultInjector(config, self.seed)
        return self._injector

    def _credential(self, header: str | None) -> tuple[str | None, bool]:
        """(budget key, whether credentials were presented at all)."""
        if not header:
            return None, False
        scheme, _, value = header.partition(" ")
        if scheme.lower() == "bearer":
            token = value.strip()
            valid = token in self.oauth_tokens or self.oauth.access_valid(token)
            return (f"oauth:{token}" if valid else None), True
        if scheme.lower() != "basic":
            return None, True
        try:
            email, _, token = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None, True
        api_email = (self.site.api_user.email or "").lower()
        return (
            f"basic:{email.lower()}" if email.lower() == api_email and token in self.api_tokens else None
        ), True

    def _too_many(self, retry_after: int, reason: str) -> _Reply:
        reset = dt.datetime.fromtimestamp(self.clock() + retry_after, dt.UTC).strftime("%Y-%m-%dT%H:%MZ")
        body = {"errorMessages": ["Rate limit exceeded."], "errors": {}}
        headers = [
            (b"retry-after", str(retry_after).encode()),
            (b"x-ratelimit-reset", reset.encode()),
            (b"ratelimit-reason", reason.encode()),
        ]
        return _Reply(429, json.dumps(body).encode(), headers)

    def _serve(
        self, route: _Route | None, known: bool, request: JiraRequest, headers: dict[str, str]
    ) -> _Reply:
        if route is None:
            status, message = (405, "Method Not Allowed") if known else (404, "Not Found")
            return _Reply(status, json.dumps({"errorMessages": [message], "errors": {}}).encode())
        if route.auth == "none":
            status, payload = route.handler(request)
            return _Reply(status, json.dumps(payload).encode())
        budget, presented = self._credential(headers.get("authorization"))
        if request.gateway and budget is not None and not budget.startswith("oauth:"):
            budget = None  # api.atlassian.com takes OAuth bearer tokens only
        if budget is None and request.gateway:
            return _Reply(401, json.dumps({"code": 401, "message": "Unauthorized"}).encode())
        if budget is None and (presented or route.auth != "optional"):
            message = "Client must be authenticated to access this resource."
            return _Reply(401, json.dumps({"errorMessages": [message], "errors": {}}).encode())
        if budget is not None and self._injector.token_expired(budget):
            return _Reply(
                401, json.dumps({"errorMessages": ["The API token has expired."], "errors": {}}).encode()
            )
        override = self._override
        if override.remaining > 0:
            override.remaining -= 1
            if override.status == 429:
                return self._too_many(override.retry_after or 0, "jira-burst-based")
            body = json.dumps({"errorMessages": [override.message], "errors": {}}).encode()
            retry = (
                [] if override.retry_after is None else [(b"retry-after", str(override.retry_after).encode())]
            )
            return _Reply(override.status, body, retry)
        allowed, window = self.limiter.consume(budget or "anonymous", "jira")
        if not allowed:
            return self._too_many(max(1, math.ceil(window.reset - self.clock())), "jira-quota-tenant-based")
        limit_headers = [
            (b"x-ratelimit-limit", str(window.limit).encode()),
            (b"x-ratelimit-remaining", str(window.remaining).encode()),
        ]
        try:
            status, payload = route.handler(request)
        except JiraError as error:
            status, payload = error.status, error.body
        return _Reply(status, json.dumps(payload, separators=(",", ":")).encode(), limit_headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method, path = scope["method"], scope["path"]
        query_string = scope["query_string"].decode("latin-1")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        raw_body = await _body(receive) if method in ("POST", "PUT") else b""
        prefix = ""
        gateway = _GATEWAY.match(path)
        if gateway is not None:
            prefix, path = f"/ex/jira/{gateway['cloud']}", gateway["rest"]
        route, params, known = self._match(method, path)
        if gateway is not None and gateway["cloud"] != self.oauth.cloud_id:
            route, known = None, False
        template = ("/ex/jira/{cloudId}" if prefix else "") + (route.template if route else "")
        injector = self._faults()
        decision = injector.draw("/jira" + template)
        if decision.delay_ms:
            await asyncio.sleep(decision.delay_ms / 1000)
        log_path, log_template = "/jira" + prefix + path, ("/jira" + template) if route else ""
        if decision.fault in (Fault.DROP, Fault.DROP_MID_BODY):  # Jira's drops all come before the answer
            self.log.record(method, log_path, query_string, log_template, DROPPED, decision.fault.value)
            await _abort(send)
            return
        if decision.fault is Fault.SERVER_ERROR:
            reply = _Reply(decision.status, json.dumps({"errorMessages": ["Internal server error"]}).encode())
        elif decision.fault is Fault.SECONDARY_RATE_LIMIT:
            reply = self._too_many(1 + self.seed % 3, "jira-burst-based")
        elif decision.fault is Fault.STORM:
            reply = self._too_many(decision.retry_after, "jira-burst-based")
        else:
            body = _parse_body(raw_body, headers.get("content-type", ""))
            host = headers.get("host", "localhost")
            base = f"{scope.get('scheme', 'http')}://{host}{scope.get('root_path', '')}{prefix}"
            version = "3" if params.get("api") == "3" else "2"
            query = parse_qs(query_string)
            request = JiraRequest(method, version, params, query, body, base, path, gateway is not None)
            if body is ...:
                reply = _Reply(
                    400, json.dumps({"errorMessages": ["Invalid request payload."], "errors": {}}).encode()
                )
            else:
                reply = self._serve(route, known, request, headers)
            if decision.fault in (Fault.TRUNCATED, Fault.MALFORMED) and reply.status == 200:
                spoil = truncate if decision.fault is Fault.TRUNCATED else malform
                reply = _Reply(200, spoil(reply.body), reply.headers)
        self.log.record(method, log_path, query_string, log_template, reply.status, decision.fault.value)
        content_headers = [
            (b"content-type", b"application/json;charset=UTF-8"),
            (b"content-length", str(len(reply.body)).encode()),
            (b"x-arequestid", f"{self.log.total:08x}".encode()),
        ]
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [*content_headers, *reply.headers],
            }
        )
        await send({"type": "http.response.body", "body": reply.body})

    # ----- platform: instance, people, projects, fields -----
    def server_info(self, request: JiraRequest) -> tuple[int, Json]:
        now = dt.datetime.fromtimestamp(self.clock(), dt.UTC)
        payloads = self.payloads(request.base)
        return 200, {
            "baseUrl": request.base,
            "displayUrl": request.base,
            "version": "1001.0.0-SNAPSHOT",
            "versionNumbers": [1001, 0, 0],
            "deploymentType": "Cloud",
            "buildNumber": 100_275,
            "buildDate": payloads.time(dt.datetime(2025, 3, 28, tzinfo=dt.UTC)),
            "serverTime": payloads.time(now),
            "scmInfo": "57a0ca5b4a0bb0ac5f3fee4764acb1c14e4d7e71",
            "serverTitle": self.site.title,
            "serverTimeZone": "Etc/UTC",  # the site default; JQL uses the *user's* zone (/myself)
        }

    def myself(self, request: JiraRequest) -> tuple[int, Json]:
        return 200, self.payloads(request.base).myself(request.version)

    def fields(self, request: JiraRequest) -> tuple[int, list[Json]]:
        return 200, self.payloads(request.base).fields()

    def project_list(self, request: JiraRequest) -> tuple[int, list[Json]]:
        payloads = self.payloads(request.base)
        return 200, [payloads.project(p.key, request.version, full=True) for p in self.site.projects]

    def project(self, request: JiraRequest) -> tuple[int, Json]:
        project = self.site.project(request.params["projectIdOrKey"])
        if project is None:
            raise JiraError(
                404, "No project could be found with key '" + request.params["projectIdOrKey"] + "'."
            )
        return 200, self.payloads(request.base).project(project.key, request.version, full=True)

    def project_search(self, request: JiraRequest) -> tuple[int, Json]:
        projects = list(self.site.projects)
        keys = {k.upper() for value in request.query.get("keys", []) for k in value.split(",") if k}
        if keys:
            projects = [p for p in projects if p.key in keys]
        text = (request.arg("query") or "").lower()
        if text:
            projects = [p for p in projects if text in p.key.lower() or text in p.name.lower()]
        order = (request.arg("orderBy") or "key").lstrip("+")
        reverse = order.startswith("-")
        attribute = {"name": "name", "id": "id"}.get(order.lstrip("-"), "key")
        projects.sort(key=lambda p: getattr(p, attribute), reverse=reverse)
        page = offset_page(projects, request.number("startAt", 0), request.number("maxResults", 50), 100)
        payloads = self.payloads(request.base)
        values = [payloads.project(p.key, request.version, full=True) for p in page.items]
        return 200, _page_bean(request, page, values)

    def users_search(self, request: JiraRequest) -> tuple[int, list[Json | None]]:
        page = offset_page(
            self.site.users, request.number("startAt", 0), request.number("maxResults", 50), 1000
        )
        payloads = self.payloads(request.base)
        return 200, [payloads.user(u.account_id, request.version, full=True) for u in page.items]

    def user_search(self, request: JiraRequest) -> tuple[int, list[Json | None]]:
        text = (request.arg("query") or request.arg("username") or "").lower()
        found = [
            u
            for u in self.site.users
            if text in u.display_name.lower() or (u.email and text in u.email.lower())
        ]
        wanted = request.arg("accountId")
        if wanted:
            found = [u for u in self.site.users if u.account_id == wanted]
        page = offset_page(found, request.number("startAt", 0), request.number("maxResults", 50), 1000)
        payloads = self.payloads(request.base)
        return 200, [payloads.user(u.account_id, request.version, full=True) for u in page.items]

    def user(self, request: JiraRequest) -> tuple[int, Json | None]:
        account_id = request.arg("accountId") or ""
        if not any(u.account_id == account_id for u in (*self.site.users, *self.site.referenced_users)):
            raise JiraError(
                404, f"Specified user does not exist or you do not have required permissions: {account_id}"
            )
        return 200, self.payloads(request.base).user(account_id, request.version, full=True)

    # ----- OAuth 2.0 (3LO) -----
    def oauth_token(self, request: JiraRequest) -> tuple[int, Json]:
        return self.oauth.token(request.body if isinstance(request.body, dict) else {})

    def accessible_resources(self, request: JiraRequest) -> tuple[int, list[Json]]:
        return 200, self.oauth.accessible_resources(request.base, self.site.title)

    # ----- search -----
    def removed_search(self, request: JiraRequest) -> tuple[int, Json]:
        raise JiraError(410, REMOVED_SEARCH)

    def search_jql(self, request: JiraRequest) -> tuple[int, Json]:
        if request.method == "POST":
            body = request.body if isinstance(request.body, dict) else {}
            jql, token = body.get("jql"), body.get("nextPageToken")
            max_results = body.get("maxResults", 50)
            raw_fields = body.get("fields") or []
            expand = body.get("expand") or ""
            expand = ",".join(expand) if isinstance(expand, list) else str(expand)
        else:
            jql, token = request.arg("jql"), request.arg("nextPageToken")
            max_results = request.number("maxResults", 50)
            raw_fields = request.query.get("fields", [])
            expand = request.arg("expand") or ""
        if not isinstance(max_results, int) or max_results < 0:
            raise JiraError(400, "The 'maxResults' parameter must be a non-negative integer.")
        query = self._bounded(jql)
        selection = FieldSelection.parse(raw_fields if isinstance(raw_fields, list) else [raw_fields], "id")
        expands = frozenset(e.strip() for e in expand.split(",") if e.strip())
        scope = f"{query.text}|{','.join(map(str, raw_fields))}"
        try:
            offset = read_token(token, scope)
        except BadPageToken as error:
            raise JiraError(400, str(error)) from error
        cap = 5000 if selection.empty and "changelog" not in expands else SEARCH_PAGE_CAP
        matched = query.run(self.site.issues)
        size = min(max_results or 50, cap)
        page = matched[offset : offset + size]
        payloads = self.payloads(request.base)
        limit = SEARCH_EMBEDDED_CHANGELOG
        body: Json = {"issues": [payloads.issue(i, request.version, selection, expands, limit) for i in page]}
        following = offset + len(page)
        if following < len(matched):
            body["nextPageToken"] = make_token(following, scope)
        body["isLast"] = following >= len(matched)
        if "names" in expands:
            body["names"] = payloads.field_names()
        return 200, body

    def _bounded(self, jql: object) -> Query:
        if jql is not None and not isinstance(jql, str):
            raise JiraError(400, "The 'jql' parameter must be a string.")
        try:
            query = parse_jql(jql, self.site, self.site.api_user.account_id)
        except JqlError as error:
            raise JiraError(400, str(error)) from error
        if not query.bounded:
            raise JiraError(400, UNBOUNDED)
        return query

    def approximate_count(self, request: JiraRequest) -> tuple[int, Json]:
        body = request.body if isinstance(request.body, dict) else {}
        return 200, {"count": len(self._bounded(body.get("jql")).run(self.site.issues))}

    def bulk_issues(self, request: JiraRequest) -> tuple[int, Json]:
        """`POST /issue/bulkfetch`: up to 100 issues by id or key; unknown ones are left out silently."""
        body = request.body if isinstance(request.body, dict) else {}
        wanted = body.get("issueIdsOrKeys")
        if not isinstance(wanted, list) or not 1 <= len(wanted) <= 100:
            raise JiraError(400, "issueIdsOrKeys must list between 1 and 100 issue ids or keys.")
        raw_fields = body.get("fields") or ["*navigable"]
        selection = FieldSelection.parse(
            raw_fields if isinstance(raw_fields, list) else [raw_fields], "*navigable"
        )
        expand = body.get("expand") or []
        expands = frozenset(expand if isinstance(expand, list) else str(expand).split(","))
        by_id = {i.id: i for raw in wanted if (i := self.site.issue(str(raw))) is not None}  # dedupes too
        found = list(by_id.values())
        payloads = self.payloads(request.base)
        issues = [payloads.issue(i, request.version, selection, expands) for i in found]
        return 200, {"issues": issues, "issueErrors": []}

    def statuses(self, request: JiraRequest) -> tuple[int, list[Json]]:
        payloads = self.payloads(request.base)
        return 200, [payloads.status(s.name, request.version) for s in self.site.statuses]

    def status_categories(self, request: JiraRequest) -> tuple[int, list[Json]]:
        payloads = self.payloads(request.base)
        return 200, payloads.status_categories(request.version)

    # ----- one issue -----
    def _issue(self, request: JiraRequest) -> Issue:
        found = self.site.issue(request.params["issueIdOrKey"])
        if found is None:
            raise JiraError(404, "Issue does not exist or you do not have permission to see it.")
        return found

    def issue(self, request: JiraRequest) -> tuple[int, Json]:
        found = self._issue(request)
        selection = FieldSelection.parse(request.query.get("fields"), "*all")
        expands = frozenset(
            e.strip() for v in request.query.get("expand", []) for e in v.split(",") if e.strip()
        )
        return 200, self.payloads(request.base).issue(found, request.version, selection, expands)

    def comments(self, request: JiraRequest) -> tuple[int, Json]:
        found = self._issue(request)
        ordered = list(found.comments)
        if (request.arg("orderBy") or "").lstrip("+") == "-created":
            ordered.reverse()
        page = offset_page(ordered, request.number("startAt", 0), request.number("maxResults", 100), 100)
        payloads = self.payloads(request.base)
        return 200, {
            "comments": [payloads.comment(found, c, request.version) for c in page.items],
            "maxResults": page.max_results,
            "total": page.total,
            "startAt": page.start_at,
        }

    def worklogs(self, request: JiraRequest) -> tuple[int, Json]:
        found = self._issue(request)
        after, before = request.number("startedAfter", 0), request.number("startedBefore", 0)
        chosen = [
            w
            for w in found.worklogs
            if w.started.timestamp() * 1000 >= after and (not before or w.started.timestamp() * 1000 < before)
        ]
        page = offset_page(chosen, request.number("startAt", 0), request.number("maxResults", 5000), 5000)
        payloads = self.payloads(request.base)
        return 200, {
            "startAt": page.start_at,
            "maxResults": page.max_results,
            "total": page.total,
            "worklogs": [payloads.worklog(w, request.version) for w in page.items],
        }

    def changelog(self, request: JiraRequest) -> tuple[int, Json]:
        found = self._issue(request)
        page = offset_page(
            found.histories, request.number("startAt", 0), request.number("maxResults", 100), 100
        )
        payloads = self.payloads(request.base)
        return 200, _page_bean(request, page, [payloads.history(h, request.version) for h in page.items])

    def bulk_changelog(self, request: JiraRequest) -> tuple[int, Json]:
        body = request.body if isinstance(request.body, dict) else {}
        wanted = body.get("issueIdsOrKeys")
        if not isinstance(wanted, list) or not 1 <= len(wanted) <= 1000:
            raise JiraError(400, "issueIdsOrKeys must list between 1 and 1000 issue ids or keys.")
        field_ids = body.get("fieldIds") or []
        if not isinstance(field_ids, list) or len(field_ids) > 10:
            raise JiraError(400, "fieldIds must list at most 10 field ids.")
        max_results = body.get("maxResults", 1000)
        if not isinstance(max_results, int) or not 1 <= max_results <= 10_000:
            raise JiraError(400, "maxResults must be between 1 and 10000.")
        by_id = {i.id: i for raw in wanted if (i := self.site.issue(str(raw))) is not None}
        issues = list(by_id.values())  # issues that do not exist (or are not visible) are left out
        payloads = self.payloads(request.base)
        ordered = sorted(  # oldest change first, then the smallest issue id, as Jira sorts them
            ((history, found) for found in issues for history in found.histories),
            key=lambda pair: (pair[0].created, pair[1].id, pair[0].id),
        )
        flat: list[tuple[Issue, Json]] = []
        for history, found in ordered:
            rendered = payloads.history(history, "3")
            if field_ids:
                rendered["items"] = [i for i in rendered["items"] if i.get("fieldId") in field_ids]
                if not rendered["items"]:
                    continue
            flat.append((found, rendered))
        scope = f"{','.join(str(i.id) for i in issues)}|{','.join(map(str, field_ids))}"
        try:
            offset = read_token(body.get("nextPageToken"), scope)
        except BadPageToken as error:
            raise JiraError(400, str(error)) from error
        page = flat[offset : offset + min(max_results, 1000)]
        grouped: dict[int, list[Json]] = {}  # one entry per issue on this page; an issue can span pages
        for found, rendered in page:
            grouped.setdefault(found.id, []).append(rendered)
        logs = [{"issueId": str(i), "changeHistories": grouped[i]} for i in sorted(grouped)]
        answer: Json = {"issueChangeLogs": logs}
        if offset + len(page) < len(flat):
            answer["nextPageToken"] = make_token(offset + len(page), scope)
        return 200, answer

    # ----- worklogs site-wide -----
    def worklogs_updated(self, request: JiraRequest) -> tuple[int, Json]:
        since = request.number("since", 0)
        changed = [w for w in self.site.all_worklogs() if _ms(w.updated) >= since]
        page = changed[:1000]
        until = _ms(page[-1].updated) if page else since
        last = len(page) == len(changed)
        here = f"{request.base}{request.path}"
        body: Json = {
            "values": [{"worklogId": w.id, "updatedTime": _ms(w.updated), "properties": []} for w in page],
            "since": since,
            "until": until,
            "self": f"{here}?since={since}",
            "lastPage": last,
        }
        if not last:
            body["nextPage"] = f"{here}?since={until}"
        return 200, body

    def worklog_list(self, request: JiraRequest) -> tuple[int, list[Json]]:
        ids = request.body.get("ids") if isinstance(request.body, dict) else None
        if not isinstance(ids, list):
            raise JiraError(400, "ids: must not be null")
        if len(ids) > 1000:
            raise JiraError(400, "The number of worklog ids must not exceed 1000.")
        payloads = self.payloads(request.base)
        found = [w for raw in ids if isinstance(raw, int) and (w := self.site.worklog(raw)) is not None]
        return 200, [payloads.worklog(w, request.version) for w in found]

    # ----- agile -----
    def _board_json(self, request: JiraRequest, board_id: int) -> Json:
        board = self.site.board(board_id)
        assert board is not None
        project = self.site.project(board.project_key)
        assert project is not None
        return {
            "id": board.id,
            "self": f"{request.base}/rest/agile/1.0/board/{board.id}",
            "name": board.name,
            "type": board.type,
            "location": {
                "projectId": int(project.id),
                "displayName": f"{project.name} ({project.key})",
                "projectName": project.name,
                "projectKey": project.key,
                "projectTypeKey": "software",
                "avatarURI": f"{request.base}/avatars/project-{project.key}/48x48.png",
                "name": f"{project.name} ({project.key})",
            },
        }

    def boards(self, request: JiraRequest) -> tuple[int, Json]:
        boards = list(self.site.boards)
        kind, project = request.arg("type"), request.arg("projectKeyOrId")
        if kind:
            boards = [b for b in boards if b.type in kind.split(",")]
        if project:
            wanted = self.site.project(project)
            boards = [b for b in boards if wanted is not None and b.project_key == wanted.key]
        page = offset_page(boards, request.number("startAt", 0), request.number("maxResults", 50), 50)
        return 200, _agile_page(page, [self._board_json(request, b.id) for b in page.items])

    def _board_id(self, request: JiraRequest) -> int:
        raw = request.params["boardId"]
        if not raw.isdigit() or self.site.board(int(raw)) is None:
            raise JiraError(
                404, f"Board with id {raw} does not exist or you do not have permission to see it."
            )
        return int(raw)

    def board(self, request: JiraRequest) -> tuple[int, Json]:
        return 200, self._board_json(request, self._board_id(request))

    def board_sprints(self, request: JiraRequest) -> tuple[int, Json]:
        board = self.site.board(self._board_id(request))
        assert board is not None
        if board.type != "scrum":
            raise JiraError(400, "The board does not support sprints")
        states = {s.strip() for v in request.query.get("state", []) for s in v.split(",") if s.strip()}
        order = {"closed": 0, "active": 1, "future": 2}
        sprints = sorted(
            (s for s in self.site.sprints if s.board_id == board.id and (not states or s.state in states)),
            key=lambda s: (order[s.state], s.id),
        )
        page = offset_page(sprints, request.number("startAt", 0), request.number("maxResults", 50), 50)
        payloads = self.payloads(request.base)
        return 200, _agile_page(page, [payloads.sprint(s, agile=True) for s in page.items])

    def _sprint_id(self, request: JiraRequest) -> int:
        raw = request.params["sprintId"]
        if not raw.isdigit() or self.site.sprint(int(raw)) is None:
            raise JiraError(404, "Sprint does not exist or you do not have permission to see it.")
        return int(raw)

    def sprint(self, request: JiraRequest) -> tuple[int, Json]:
        found = self.site.sprint(self._sprint_id(request))
        assert found is not None
        return 200, self.payloads(request.base).sprint(found, agile=True)

    def sprint_issues(self, request: JiraRequest) -> tuple[int, Json]:
        sprint_id = self._sprint_id(request)
        issues = [i for i in self.site.issues if sprint_id in i.sprint_ids]
        jql = request.arg("jql")
        if jql:
            try:
                issues = parse_jql(jql, self.site, self.site.api_user.account_id).run(issues)
            except JqlError as error:
                raise JiraError(400, str(error)) from error
        else:
            issues.sort(key=lambda i: i.rank)
        page = offset_page(issues, request.number("startAt", 0), request.number("maxResults", 50), 50)
        payloads = self.payloads(request.base)
        selection = FieldSelection.parse(request.query.get("fields"), "*navigable")
        expands = frozenset(e for v in request.query.get("expand", []) for e in v.split(",") if e)
        rendered = []
        for found in page.items:
            body = payloads.issue(found, "2", selection, expands)
            sprints = [s for i in found.sprint_ids if (s := self.site.sprint(i))]
            current = next((s for s in reversed(sprints) if s.state != "closed"), None)
            body.setdefault("fields", {})
            body["fields"]["sprint"] = payloads.sprint(current, agile=True) if current else None
            body["fields"]["closedSprints"] = [
                payloads.sprint(s, agile=True) for s in sprints if s.state == "closed"
            ]
            rendered.append(body)
        return 200, {
            "expand": "schema,names",
            "startAt": page.start_at,
            "maxResults": page.max_results,
            "total": page.total,
            "issues": rendered,
        }


def _page_bean(request: JiraRequest, page: OffsetPage, values: list[Any]) -> Json:
    """Jira's `PageBean`: the page, its own URL, and the next page's while there is one."""
    here = f"{request.base}{request.path}"
    body: Json = {
        "self": f"{here}?{urlencode({'startAt': page.start_at, 'maxResults': page.max_results})}",
        "maxResults": page.max_results,
        "startAt": page.start_at,
        "total": page.total,
        "isLast": page.is_last,
        "values": values,
    }
    if not page.is_last:
        following = {"startAt": page.start_at + len(page.items), "maxResults": page.max_results}
        body["nextPage"] = f"{here}?{urlencode(following)}"
    return body


def _agile_page(page: OffsetPage, values: list[Any]) -> Json:
    """The agile API's page: like a `PageBean` without the URLs."""
    return {
        "maxResults": page.max_results,
        "startAt": page.start_at,
        "total": page.total,
        "isLast": page.is_last,
        "values": values,
    }


def _parse_body(raw: bytes, content_type: str) -> Any:
    """JSON, or a form (the token endpoint takes both); `...` for a body that is neither."""
    if not raw.strip():
        return None
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode("utf-8", "replace")))
    try:
        return json.loads(raw)
    except ValueError:
        return ...


def _ms(value: dt.datetime) -> int:
    return int(value.timestamp() * 1000)


async def _body(receive: Receive, limit: int = 4 << 20) -> bytes:
    """The request body, read to the end (bulk requests list up to 1,000 keys)."""
    data = bytearray()
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        data += message.get("body", b"")[: max(0, limit - len(data))]
        more = bool(message.get("more_body"))
    return bytes(data)


async def _abort(send: Send) -> None:
    """Close the connection without an answer (uvicorn exposes the transport through `send`'s owner)."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        await asyncio.sleep(0)
        return
    raise ConnectionAbortedError("sandbox fault: connection dropped")
