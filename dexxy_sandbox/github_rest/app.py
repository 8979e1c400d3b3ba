"""The GitHub REST emulator: routes, handlers and the request pipeline every call goes through.

The pipeline does what api.github.com does around a handler: authentication (static tokens and GitHub App
installation tokens through the shared `Credentials`; the app's JWT only for its token endpoint), injected
faults, the primary rate limit (a 304 is free, /rate_limit is free), weak ETags with If-None-Match, `Link`
paging headers and GitHub's error bodies. `POST /graphql` goes through the same authentication and faults,
then to the GraphQL emulator, which spends its own `graphql` budget. It is a bare ASGI app so that a "dropped
connection" fault can reach the server's transport, and so a request costs a regex match and a JSON encode,
not a middleware stack.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import parse_qsl

from starlette.routing import compile_path

# --- copilot (dexxy_sandbox/copilot_*.py) ---
from dexxy_sandbox.copilot.rest import CopilotHandlers
from dexxy_sandbox.copilot.usage import CopilotUsage

# --- end copilot ---
from dexxy_sandbox.faults import NO_FAULT, Fault, FaultDecision, FaultInjector, malform, truncate
from dexxy_sandbox.github_graphql.partial_errors import make_partial
from dexxy_sandbox.github_rest.actions import ActionsHandlers
from dexxy_sandbox.github_rest.activity import ActivityHandlers
from dexxy_sandbox.github_rest.activity_payloads import GitHubActivityPayloads
from dexxy_sandbox.github_rest.app_auth import Credentials, GitHubApp, JwtRejected
from dexxy_sandbox.github_rest.bad_unicode import BadUnicode
from dexxy_sandbox.github_rest.comment_posting import CommentPosting
from dexxy_sandbox.github_rest.handling import (
    DOCS,
    NOT_FOUND,
    ApiError,
    Listing,
    OrgLookup,
    RestRequest,
    choice,
)
from dexxy_sandbox.github_rest.issue_payloads import IssuePayloads
from dexxy_sandbox.github_rest.issues import IssueHandlers
from dexxy_sandbox.github_rest.pagination import PageRequest, link_header
from dexxy_sandbox.github_rest.payloads import GitHubPayloads, Json
from dexxy_sandbox.github_rest.teams import TeamHandlers
from dexxy_sandbox.org.model import PullRequest, Repository, SyntheticOrg
from dexxy_sandbox.org.revisions import PerRevision
from dexxy_sandbox.rate_limit import RateLimiter, RateWindow, rate_limit_overview
from dexxy_sandbox.request_log import DROPPED, RequestLog
from dexxy_sandbox.secondary_limits import (
    Refusal,
    SecondaryLimitReply,
    SecondaryLimits,
    scaled_retry_after,
    secondary_limit_reply,
    secondary_points,
)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

COMMITS_LIST_CAP = 250  # GET /pulls/{n}/commits never returns more, whatever the PR has
RATE_LIMIT_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
DEFAULT_API_VERSION = "2022-11-28"
_JSON_CONTENT_TYPE = b"application/json; charset=utf-8"
# what api.github.com sends with an authenticated GET (a private cache may keep it a minute), and its Vary
CACHE_CONTROL = (b"cache-control", b"private, max-age=60, s-maxage=60")
VARY = b"Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With"
_STARTED = "dexxy.started"  # scope keys set by `GitHubRestApi.__call__` for the pipeline
_OVER_CONCURRENCY = "dexxy.over_concurrency"
_SERVER_ERRORS = {500: "Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}


__all__ = ["ApiError", "GitHubRestApi", "Listing", "RestRequest"]
GRAPHQL_TEMPLATE = "/graphql"


class GraphQLEndpoint(Protocol):
    """What answers `POST /graphql` once the pipeline has authenticated it (see `github_graphql.endpoint`)."""

    def serve(self, body: bytes, token: str) -> tuple[int, bytes, list[tuple[bytes, bytes]]]: ...


@dataclass(frozen=True)
class Route:
    template: str  # the canonical path template without convertors, used for request counters
    pattern: str  # the path actually matched (an alias such as /repositories/{repo_id}/pulls)
    handler: Callable[[RestRequest], Json | Listing]
    method: str = "GET"
    status: int = 200
    app_jwt: bool = False  # authenticated by the GitHub App's JWT, not by a token
    regex: Any = field(init=False)
    convertors: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        regex, _, convertors = compile_path(self.pattern)
        object.__setattr__(self, "regex", regex)
        object.__setattr__(self, "convertors", convertors)

    def match(self, path: str) -> dict[str, Any] | None:
        found = self.regex.match(path)
        if found is None:
            return None
        return {name: self.convertors[name].convert(value) for name, value in found.groupdict().items()}


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    headers: list[tuple[bytes, bytes]]


def encode(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def _bearer_token(authorization: str | None) -> str | None:
    """The token from `Authorization: token X` or `Authorization: Bearer X`."""
    if not authorization:
        return None
    scheme, _, value = authorization.strip().partition(" ")
    if scheme.lower() not in ("token", "bearer"):
        return None
    return value.strip() or None


def _newest_update(payload: object) -> str | None:
    """The `updated_at` of an object, or the newest of a page's items (a list or an envelope's one list)."""
    if isinstance(payload, dict):
        if isinstance(payload.get("updated_at"), str):
            return payload["updated_at"]
        lists = [value for value in payload.values() if isinstance(value, list)]
        payload = lists[0] if len(lists) == 1 else None
    if not isinstance(payload, list):
        return None
    stamps = [item.get("updated_at") for item in payload if isinstance(item, dict)]
    return max((stamp for stamp in stamps if isinstance(stamp, str)), default=None)


def _http_date(stamp: str | None) -> str | None:
    """An ISO 8601 `updated_at` as an HTTP date (`Last-Modified`); None when unreadable."""
    if stamp is None:
        return None
    try:
        when = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    return email.utils.format_datetime(when.astimezone(dt.UTC), usegmt=True)


def _not_modified_since(last_modified: str, if_modified_since: str) -> bool:
    """Whether `If-Modified-Since` is at or after `Last-Modified` (an unreadable date never matches)."""
    try:
        since = email.utils.parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=dt.UTC)
    return email.utils.parsedate_to_datetime(last_modified) <= since


def _etag_matches(if_none_match: str, etag: str) -> bool:
    tag = etag.removeprefix("W/")
    candidates = (c.strip().removeprefix("W/") for c in if_none_match.split(","))
    return any(c in ("*", tag) for c in candidates)


class GitHubRestApi:
    """ASGI app serving one synthetic org under a REST root (mounted at e.g. `/github`)."""

    def __init__(
        self,
        org: SyntheticOrg,
        api_root: str,
        web_root: str,
        *,
        tokens: Sequence[str] = (),
        limiter: RateLimiter,
        faults: FaultInjector,
        log: RequestLog,
        seed: int = 7,
        credentials: Credentials | None = None,
        graphql: GraphQLEndpoint | None = None,
        copilot: CopilotUsage | None = None,  # copilot: seats and usage reports (copilot/rest.py)
        secondary: SecondaryLimits | None = None,  # GitHub's secondary rate limits (None: not enforced)
        time_scale: float = 1.0,  # time runs this many times faster: a storm's Retry-After shrinks alike
    ) -> None:
        self.org = org
        self.api_root = api_root.rstrip("/")
        self.payloads = GitHubPayloads(org, api_root, web_root)
        self.activity = GitHubActivityPayloads(self.payloads)
        self.credentials = credentials or Credentials(tokens, GitHubApp())
        self.graphql = graphql
        self.limiter = limiter
        self.secondary = secondary
        self.time_scale = time_scale
        self.faults = faults
        self.log = log
        self._seed = seed
        self._request_count = 0
        self.lookup = OrgLookup(org, lambda repo, number: self.faults.vanished(repo, number))
        self._sorted: PerRevision[list[PullRequest]] = PerRevision(lambda: org.revision)
        members = org.members()
        self._token_owner_id = members[0].id if members else org.id
        self.copilot = copilot or CopilotUsage(org)  # copilot
        self._bad_unicode: dict[float, BadUnicode] = {}  # by rate: the chosen PRs depend on it and the seed
        self.routes = self._routes()

    # ----- routing -----
    def _routes(self) -> list[Route]:
        repo, pull = "/repos/{owner}/{repo}", "/repos/{owner}/{repo}/pulls/{pull_number:int}"
        alias_repo, alias_pull = (
            "/repositories/{repo_id:int}",
            "/repositories/{repo_id:int}/pulls/{pull_number:int}",
        )
        table: list[tuple[str, tuple[str, ...], Callable[[RestRequest], Json | Listing]]] = [
            ("/rate_limit", (), self._rate_limit),
            ("/orgs/{org}", (), self._organization),
            ("/orgs/{org}/members", ("/organizations/{org_id:int}/members",), self._members),
            ("/orgs/{org}/repos", ("/organizations/{org_id:int}/repos",), self._org_repos),
            (repo, (alias_repo,), self._repository),
            (f"{repo}/pulls", (f"{alias_repo}/pulls",), self._pulls),
            (pull, (alias_pull,), self._pull),
            (f"{pull}/reviews", (f"{alias_pull}/reviews",), self._reviews),
            (f"{pull}/commits", (f"{alias_pull}/commits",), self._commits),
            ("/users/{username}", (), self._user),
        ]
        activity = ActivityHandlers(self.org, self.activity, self.lookup, self.api_root)
        # issues (issues.py) before activity: its repository comment listing adds the issues' comments
        issues = IssuePayloads(self.activity)
        table += IssueHandlers(self.org, issues, activity, self.lookup, self.api_root).routes()
        table += activity.routes()
        table += ActionsHandlers(self.lookup, self.payloads, self.api_root).routes()
        table += TeamHandlers(self.org, self.lookup, self.payloads, self.api_root).routes()
        # --- copilot: /orgs/{org}/copilot/billing/seats and the metrics reports (copilot/rest.py) ---
        table += CopilotHandlers(self.lookup, self.payloads, self.api_root, self.copilot).routes()
        routes = [
            Route(re.sub(r":\w+}", "}", template), pattern, handler)
            for template, aliases, handler in table
            for pattern in (template, *aliases)
        ]
        token_path = "/app/installations/{installation_id:int}/access_tokens"
        routes.append(
            Route(
                re.sub(r":\w+}", "}", token_path), token_path, self._access_token, "POST", 201, app_jwt=True
            )
        )
        for template, handler in CommentPosting(self.org, self.activity, self.lookup).routes():
            routes.append(Route(re.sub(r":\w+}", "}", template), template, handler, "POST", 201))
        if self.graphql is not None:  # answered by `self.graphql`, which spends its own `graphql` budget
            routes.append(Route(GRAPHQL_TEMPLATE, GRAPHQL_TEMPLATE, self._graphql_unreachable, "POST"))
        return routes

    def _graphql_unreachable(self, request: RestRequest) -> Json:
        raise ApiError(500, "Server Error")  # the pipeline hands GraphQL bodies to `self.graphql`

    def _match(self, path: str, method: str) -> tuple[Route | None, dict[str, Any]]:
        path = path.rstrip("/") or "/"
        wanted = "GET" if method == "HEAD" else method
        for route in self.routes:
            if route.method != wanted:
                continue
            params = route.match(path)
            if params is not None:
                return route, params
        return None, {}

    # ----- lookups -----
    def _check_org(self, params: dict[str, Any]) -> None:
        self.lookup.check_org(params)

    def _repo(self, params: dict[str, Any]) -> Repository:
        return self.lookup.repo(params)

    def _pull_request(self, params: dict[str, Any]) -> tuple[Repository, PullRequest]:
        return self.lookup.pull_request(params)

    # ----- handlers -----
    def _rate_limit(self, request: RestRequest) -> Json:
        return rate_limit_overview(self.limiter, request.token)

    def _organization(self, request: RestRequest) -> Json:
        self._check_org(request.params)
        return self.payloads.organization()

    def _members(self, request: RestRequest) -> Listing:
        self._check_org(request.params)
        members = sorted(self.org.members(), key=lambda account: account.id)
        return Listing(
            members, lambda a: self.payloads.simple_user(a.login) or {}, self._org_paging("members")
        )

    def _org_repos(self, request: RestRequest) -> Listing:
        self._check_org(request.params)
        query = request.query
        kind = choice(query, "type", ("all", "public", "private", "forks", "sources", "member"), "all")
        sort = choice(query, "sort", ("created", "updated", "pushed", "full_name"), "created")
        direction = choice(query, "direction", ("asc", "desc"), "asc" if sort == "full_name" else "desc")
        visible = {
            "public": lambda r: not r.private,
            "private": lambda r: r.private,
            "forks": lambda r: False,
        }
        repos = [r for r in self.org.repositories if visible.get(kind, lambda r: True)(r)]
        keys: dict[str, Callable[[Repository], Any]] = {
            "created": lambda r: r.created_at,
            "updated": lambda r: r.updated_at,
            "pushed": lambda r: r.pushed_at,
            "full_name": lambda r: r.name.lower(),
        }
        repos.sort(key=keys[sort], reverse=direction == "desc")
        return Listing(repos, self.payloads.repository, self._org_paging("repos"))

    def _repository(self, request: RestRequest) -> Json:
        return self.payloads.repository(self._repo(request.params), full=True)

    def _pulls(self, request: RestRequest) -> Listing:
        repo = self._repo(request.params)
        query = request.query
        state = choice(query, "state", ("open", "closed", "all"), "open")
        sort = choice(query, "sort", ("created", "updated", "popularity", "long-running"), "created")
        direction = choice(query, "direction", ("asc", "desc"), "desc" if sort == "created" else "asc")
        pulls: Sequence[PullRequest] = self._sorted_pulls(repo.name, state, sort, direction)
        if query.get("head"):
            owner, _, ref = query["head"].rpartition(":")
            pulls = [p for p in pulls if p.head_ref == ref and owner.lower() in ("", self.org.login.lower())]
        if query.get("base"):
            pulls = [p for p in pulls if p.base_ref == query["base"]]
        return Listing(pulls, self.payloads.pull_simple, f"{self.api_root}/repositories/{repo.id}/pulls")

    def _sorted_pulls(self, repo: str, state: str, sort: str, direction: str) -> list[PullRequest]:
        """Filtered and sorted once per (repo, state, sort, direction) and org revision."""

        def build() -> list[PullRequest]:
            pulls = [p for p in self.org.pulls(repo) if state == "all" or p.state == state]
            if sort == "long-running":
                month_ago = self.org.as_of - dt.timedelta(days=30)
                pulls = [p for p in pulls if p.created_at < month_ago <= p.updated_at]
            sort_keys: dict[str, Callable[[PullRequest], Any]] = {
                "created": lambda p: (p.created_at, p.number),
                "long-running": lambda p: (p.created_at, p.number),
                "updated": lambda p: (p.updated_at, p.number),
                "popularity": lambda p: (p.comments, p.number),
            }
            return sorted(pulls, key=sort_keys[sort], reverse=direction == "desc")

        return self._sorted.get((repo, state, sort, direction), build)

    def _pull(self, request: RestRequest) -> Json:
        _, pr = self._pull_request(request.params)
        return self.payloads.pull_detail(pr)

    def _reviews(self, request: RestRequest) -> Listing:
        repo, pr = self._pull_request(request.params)
        return Listing(
            pr.reviews,
            lambda review: self.payloads.review(pr, review),
            f"{self.api_root}/repositories/{repo.id}/pulls/{pr.number}/reviews",
        )

    def _commits(self, request: RestRequest) -> Listing:
        repo, pr = self._pull_request(request.params)
        return Listing(
            self.org.commits(pr)[:COMMITS_LIST_CAP],
            lambda commit: self.payloads.commit(pr, commit),
            f"{self.api_root}/repositories/{repo.id}/pulls/{pr.number}/commits",
        )

    def _user(self, request: RestRequest) -> Json:
        account = self.org.account(request.params["username"])
        if account is None or account.deleted:
            raise NOT_FOUND
        return self.payloads.public_user(account)

    def _access_token(self, request: RestRequest) -> Json:
        """POST /app/installations/{id}/access_tokens (the JWT was checked by the pipeline)."""
        if request.params["installation_id"] != self.credentials.app.installation_id:
            raise NOT_FOUND
        permissions = None
        if request.body.strip():
            try:
                body = json.loads(request.body)
            except ValueError as error:
                raise ApiError(400, "Problems parsing JSON") from error
            requested = body.get("permissions") if isinstance(body, dict) else None
            permissions = requested if isinstance(requested, dict) and requested else None
        issued = self.credentials.issue(permissions)
        return self.activity.installation_token(issued.token, issued.expires_at, issued.permissions)

    def _org_paging(self, what: str) -> str:
        return f"{self.api_root}/organizations/{self.org.id}/{what}"

    def _bad_unicode_for(self, rate: float) -> BadUnicode:
        if rate not in self._bad_unicode:
            self._bad_unicode[rate] = BadUnicode(self.org, self._seed, rate)
        return self._bad_unicode[rate]

    # ----- pipeline -----
    def _request_id(self) -> str:
        self._request_count += 1
        digest = hashlib.blake2b(f"{self._seed}/{self._request_count}".encode(), digest_size=14).hexdigest()
        return ":".join((digest[0:4], digest[4:8], digest[8:15], digest[15:22], digest[22:28])).upper()

    def _primary_limited(self, window: RateWindow, request_id: str, token: str = "") -> Reply:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        owner = self.credentials.owner_description(token, self._token_owner_id)
        message = (
            f"API rate limit exceeded for {owner}. If you reach out to GitHub Support "
            f"for help, please include the request ID {request_id} and timestamp {when}."
        )
        body = {"message": message, "documentation_url": RATE_LIMIT_DOCS, "status": "403"}
        return Reply(403, encode(body), window.headers())

    def _fault_reply(self, decision: FaultDecision, token: str, request_id: str) -> Reply:
        """The answer of a server-error, secondary-limit or storm fault, in GitHub's words (a limit's
        Retry-After divided by the time scale, as every limit window is)."""
        if decision.fault is Fault.SERVER_ERROR:
            message = _SERVER_ERRORS.get(decision.status, "Server Error")
            body = {"message": message, "documentation_url": DOCS, "status": str(decision.status)}
            return Reply(decision.status, encode(body), [])
        retry_after = scaled_retry_after(decision.retry_after, self.time_scale)
        return self._secondary_reply(secondary_limit_reply(decision.status, retry_after, request_id), token)

    @staticmethod
    def _spoil(decision: FaultDecision, reply: Reply) -> Reply:
        """A 200's body truncated or malformed, as `decision` says; a spoilt body loses its ETag (its hash
        would name the intact body)."""
        if reply.status != 200 or decision.fault not in (Fault.TRUNCATED, Fault.MALFORMED):
            return reply
        body = truncate(reply.body) if decision.fault is Fault.TRUNCATED else malform(reply.body)
        return Reply(200, body, [h for h in reply.headers if h[0] != b"etag"])

    def _partial(self, decision: FaultDecision, reply: Reply, request_id: str) -> tuple[Reply, bool]:
        """A GraphQL 200 made partial (`graphql_partial_rate`), and whether it was (an answer with nothing
        that may be null stays whole)."""
        if decision.fault is not Fault.GRAPHQL_PARTIAL or reply.status != 200:
            return reply, False
        kind = self.faults.config.graphql_partial_error
        partial = make_partial(reply.body, kind, decision.detail, request_id)
        return (reply, False) if partial is None else (Reply(200, partial, reply.headers), True)

    def _render(
        self, result: Json | Listing, request: RestRequest
    ) -> tuple[bytes, list[tuple[bytes, bytes]], str | None]:
        """The body, its paging headers and its `Last-Modified` (the object's or the newest item's)."""
        if not isinstance(result, Listing):
            return encode(result), [], _http_date(_newest_update(result))
        page = PageRequest.from_query(request.query)
        items = page.slice(result.items)
        if result.envelope is not None:
            payload: object = result.envelope(items, len(result.items))
        else:
            payload = [result.render(item) for item in items]
        link = link_header(result.paging_url, request.query_string, page, len(result.items))
        paging = [(b"link", link.encode())] if link else []
        return encode(payload), paging, _http_date(_newest_update(payload))

    def _serve(
        self, route: Route | None, request: RestRequest, headers: dict[str, str], request_id: str
    ) -> Reply:
        """Route, rate limit, handler and ETag for an authenticated, unfaulted request."""
        token = request.token
        if route is None:
            allowed, window = self.limiter.consume(token)
            if not allowed:
                return self._primary_limited(window, request_id, token)
            return Reply(404, encode(NOT_FOUND.body()), window.headers())
        free = route.template == "/rate_limit"  # as on GitHub, checking the budget costs nothing
        get = route.method == "GET"
        if_none_match = headers.get("if-none-match") if get else None
        if_modified_since = headers.get("if-modified-since") if get else None
        window = self.limiter.state(token)
        if not free and window.remaining == 0 and not (if_none_match or if_modified_since):
            return self._primary_limited(window, request_id, token)
        try:
            status, (body, extra, last_modified) = route.status, self._render(route.handler(request), request)
        except ApiError as error:
            status, body, last_modified = error.status, encode(error.body()), None
            extra = list(getattr(error, "headers", []))  # a 301's Location (issues.Moved)
        etag = f'W/"{hashlib.blake2b(body, digest_size=32).hexdigest()}"'
        validators = [CACHE_CONTROL, (b"etag", etag.encode())] if status == 200 and get else []
        if last_modified and validators:
            validators.append((b"last-modified", last_modified.encode()))
        if if_none_match:  # If-None-Match wins over If-Modified-Since (RFC 9110)
            unchanged = _etag_matches(if_none_match, etag)
        else:
            unchanged = bool(if_modified_since and last_modified) and _not_modified_since(
                str(last_modified), str(if_modified_since)
            )
        if validators and unchanged:
            return Reply(304, b"", [*validators, *window.headers()])  # a 304 is free
        if not free:
            allowed, window = self.limiter.consume(token)
            if not allowed:
                return self._primary_limited(window, request_id, token)
        return Reply(status, body, [*window.headers(), *extra, *validators])

    def _authenticate(self, route: Route | None, token: str | None) -> tuple[Reply | None, str]:
        """A 401 reply, or None and the key the request is budgeted under."""
        if route is not None and route.app_jwt:
            if token is None:
                message = "A JSON web token could not be decoded"
                return Reply(401, encode(ApiError(401, message).body()), []), ""
            try:
                self.credentials.app.verify_jwt(token)
            except JwtRejected as rejected:
                return Reply(401, encode(ApiError(401, rejected.message).body()), []), ""
            return None, f"app:{self.credentials.app.app_id}"
        if token is None:
            return Reply(401, encode(ApiError(401, "Requires authentication").body()), []), ""
        if not self.credentials.is_valid_token(token) or self.faults.token_expired(token):
            return Reply(401, encode(ApiError(401, "Bad credentials").body()), []), ""
        return None, token

    def _secondary_charge(
        self, scope: Scope, route: Route | None, method: str, body: bytes, budget_key: str
    ) -> tuple[Refusal | None, int]:
        """Spend the request's secondary points: (a refusal, 0) when over a limit, else (None, points)."""
        if self.secondary is None:
            return None, 0
        if scope.get(_OVER_CONCURRENCY):
            return self.secondary.refuse_concurrency(), 0
        graphql = route is not None and route.template == GRAPHQL_TEMPLATE
        kind, points = secondary_points(method, body if graphql else None)
        refusal = self.secondary.charge(budget_key, kind, points)
        return refusal, 0 if refusal else points

    def _secondary_limited(self, refusal: Refusal, token: str, request_id: str) -> Reply:
        """An enforced secondary limit's answer (its Retry-After is already scaled by the limits)."""
        answer = secondary_limit_reply(
            refusal.status, refusal.retry_after, request_id, refusal.documentation_url
        )
        return self._secondary_reply(answer, token)

    def _secondary_reply(self, answer: SecondaryLimitReply, token: str) -> Reply:
        """A secondary-limit answer with the primary budget's headers (not what ran out)."""
        headers = [answer.retry_after_header, *self.limiter.state(token).headers()]
        return Reply(answer.status, encode(answer.body), headers)

    def _points_spent(self, token: str, before: tuple[RateWindow, RateWindow]) -> tuple[int, int]:
        """Primary (REST, GraphQL) points `token` spent since `before` (its windows then)."""
        spent = []
        for earlier, resource in zip(before, ("core", "graphql"), strict=True):
            now = self.limiter.state(token, resource)
            spent.append(now.used - earlier.used if now.reset == earlier.reset else now.used)
        return spent[0], spent[1]

    def _owner(self, budget_key: str) -> str:
        """Whose budget a request spent, for the request log (never the token itself)."""
        if not budget_key:
            return ""
        if budget_key.startswith("app:"):
            return f"app ID {budget_key.removeprefix('app:')}"
        return self.credentials.owner_description(budget_key, self._token_owner_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Time the request and count it in flight for its token (GitHub's concurrency limit), then answer."""
        if scope["type"] != "http":
            return
        scope[_STARTED] = time.perf_counter()
        if self.secondary is None:
            await self._respond(scope, receive, send)
            return
        bearer = "in-flight:" + (_bearer_token(_header(scope, b"authorization")) or "")
        self.secondary.enter(bearer)
        scope[_OVER_CONCURRENCY] = self.secondary.over_concurrency(bearer)
        try:
            await self._respond(scope, receive, send)
        finally:
            self.secondary.leave(bearer)

    async def _respond(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        path = scope["path"]
        query_string = scope["query_string"].decode("latin-1")
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        route, params = self._match(path, method)
        body = await _read_body(receive) if method in ("POST", "PUT", "PATCH") else b""
        template = route.template if route else ""
        config = self.faults.config
        decision = self.faults.draw(template)
        if decision.delay_ms:  # latency_ms, plus slow_ms for a slow request
            await asyncio.sleep(decision.delay_ms / 1000)
        if route is not None and route.app_jwt:  # the token endpoint's own fault switch (app_auth.py)
            decision = self.credentials.app.token_request_fault() or decision
        if decision.fault is Fault.DROP:
            self.log.record(method, path, query_string, template, DROPPED, decision.fault.value)
            await _drop_connection(send)
            return
        request_id = self._request_id()
        denied, budget_key = self._authenticate(route, _bearer_token(headers.get("authorization")))
        spent_before = (self.limiter.state(budget_key), self.limiter.state(budget_key, "graphql"))
        refusal, secondary_spent = (
            (None, 0) if denied else self._secondary_charge(scope, route, method, body, budget_key)
        )
        if denied is not None:
            reply = denied
        elif refusal is not None:
            reply = self._secondary_limited(refusal, budget_key, request_id)
        elif decision.fault in (Fault.SERVER_ERROR, Fault.SECONDARY_RATE_LIMIT, Fault.STORM):
            reply = self._fault_reply(decision, budget_key, request_id)
        elif route is not None and route.template == GRAPHQL_TEMPLATE and self.graphql is not None:
            reply = self._spoil(decision, Reply(*self.graphql.serve(body, budget_key)))
            reply, partial = self._partial(decision, reply, request_id)
            decision = decision if partial or decision.fault is not Fault.GRAPHQL_PARTIAL else NO_FAULT
        else:
            request = RestRequest(params, dict(parse_qsl(query_string)), query_string, budget_key, body)
            reply = self._spoil(decision, self._serve(route, request, headers, request_id))
            decision = NO_FAULT if decision.fault is Fault.GRAPHQL_PARTIAL else decision  # GraphQL's only
        if config.bad_unicode_rate and reply.status == 200:
            broken = self._bad_unicode_for(config.bad_unicode_rate).corrupt(reply.body)
            reply = Reply(200, broken, reply.headers)
        version = headers.get("x-github-api-version")
        common = [
            (b"x-github-request-id", request_id.encode()),
            (b"x-github-media-type", b"github.v3; format=json"),
            (b"x-github-api-version-selected", (version or DEFAULT_API_VERSION).encode()),
            (b"vary", VARY),
        ]
        if version:
            common.append((b"x-github-api-version", version.encode()))
        if reply.status != 304:
            common.append((b"content-type", _JSON_CONTENT_TYPE))
        fault = decision.fault if _applied(decision, reply) else Fault.NONE
        rest_points, graphql_points = self._points_spent(budget_key, spent_before)
        self.log.record(
            method,
            path,
            query_string,
            template,
            reply.status,
            fault.value,
            rest_points=rest_points,
            graphql_points=graphql_points,
            secondary_points=secondary_spent,
            ms=(time.perf_counter() - scope[_STARTED]) * 1000,
            owner=self._owner(budget_key),
        )
        content = b"" if method == "HEAD" or reply.status == 304 else reply.body
        await send(
            {
                "type": "http.response.start",
                "status": reply.status,
                "headers": [*common, *reply.headers, (b"content-length", str(len(content)).encode())],
            }
        )
        if fault is Fault.DROP_MID_BODY and len(content) > 1:
            await _drop_mid_body(send, content, decision.detail)
            return
        await send({"type": "http.response.body", "body": content})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


async def _read_body(receive: Receive, limit: int = 1 << 20) -> bytes:
    """The request body (bounded: token requests are tiny)."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size <= limit:
            chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _applied(decision: FaultDecision, reply: Reply) -> bool:
    """Whether the drawn fault shaped this answer (a body fault needs a 200 to spoil; a request refused
    before it, say a 401, carries none)."""
    if decision.fault in (Fault.SERVER_ERROR, Fault.SECONDARY_RATE_LIMIT, Fault.STORM):
        return reply.status == decision.status
    if decision.fault in (Fault.TRUNCATED, Fault.MALFORMED, Fault.GRAPHQL_PARTIAL, Fault.DROP_MID_BODY):
        return reply.status == 200
    return decision.fault is not Fault.NONE


async def _drop_mid_body(send: Send, content: bytes, pick: int) -> None:
    """Send part of the body (a seeded share between a quarter and three quarters), then close the
    connection: the client has the status and headers, and a body shorter than its Content-Length.

    Uvicorn's `send` is a bound method of its request cycle, which holds the transport: `close()` flushes
    what was written and ends the connection, so the part sent does reach the client. Other servers get an
    exception after the part, which ends the response there too.
    """
    cut = max(1, min(len(content) - 1, len(content) * (1 + pick % 3) // 4))
    await send({"type": "http.response.body", "body": content[:cut], "more_body": True})
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise ConnectionAbortedError("sandbox fault: connection dropped mid-body")
    transport.close()
    for _ in range(100):  # until the server sees the connection gone (else it logs an unfinished answer)
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0.001)


async def _drop_connection(send: Send) -> None:
    """Close the connection without answering, like a load balancer resetting it.

    Uvicorn's `send` is a bound method of its request cycle, which holds the transport; aborting it is the
    only way to give a client "connection closed without response" rather than an error status. Other
    servers get a response cut off after its headers, which clients see as a broken connection too.
    """
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is not None:
        transport.abort()
        await asyncio.sleep(0)  # let the server notice the disconnect before the app returns
        await asyncio.sleep(0)
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"1000")]})
    raise ConnectionAbortedError("sandbox fault: connection dropped")
