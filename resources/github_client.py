"""HTTP client for the GitHub REST API: pagination, conditional requests, rate limits and retries.

The token is sent only to the configured API origin and never appears in an exception or a log line.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from resources.etag_cache import CachedResponse, EtagCache
from resources.github_errors import (
    GitHubAuthError,
    GitHubError,
    GitHubNotFoundError,
    GitHubRateLimitError,
    GitHubUnavailableError,
    GitHubUnreachableError,
)
from resources.github_usage import ApiUsage

log = logging.getLogger(__name__)

API_VERSION = "2022-11-28"
_RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)  # no connection made: no server there


class TokenSource(Protocol):
    """Where a short-lived token comes from (GitHub App installation tokens)."""

    def token(self) -> str: ...

    def invalidate(self) -> None: ...


@dataclass(frozen=True)
class ApiResponse:
    data: Any
    next_url: str | None
    from_cache: bool


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Backoff is exponential with full jitter, capped. A connection that cannot be made
    at all (refused, unknown host) before the API ever answered gets only ``connect_retries`` quick retries:
    no server is there, most likely a wrong GITHUB_API_URL. Once it has answered, a refusal is a blip and
    gets the full backoff."""

    max_retries: int = 5
    connect_retries: int = 2
    connect_backoff_seconds: float = 0.5
    backoff_base_seconds: float = 1.0
    backoff_cap_seconds: float = 60.0
    secondary_backoff_seconds: float = 60.0
    max_rate_limit_wait_seconds: float = 3900.0
    max_rate_limit_pauses: int = 10

    def backoff(self, attempt: int, rng: random.Random) -> float:
        ceiling = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2**attempt)
        return rng.uniform(ceiling / 2, ceiling)


class GitHubClient:
    """Thread-safe: assets fetch pull request details on a few threads with one client."""

    def __init__(
        self,
        api_url: str,
        token: str | TokenSource,
        *,
        timeout_seconds: float = 30.0,
        retry: RetryPolicy | None = None,
        etag_cache: EtagCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "dexxy",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = api_url.rstrip("/")
        self._origin = _origin(self.api_url)
        self.retry = retry or RetryPolicy()
        self.etag_cache = etag_cache if etag_cache is not None else EtagCache()
        self.usage = ApiUsage()
        self._sleep = sleep
        self._rng = random.Random()
        self._limit_lock = threading.Lock()
        self._suspect_bodies = 0  # bodies holding text PostgreSQL cannot store (see ``decode_body``)
        self._remaining: int | None = None
        self._reset_at: float | None = None
        self._token = token
        self._answered = False  # whether the API origin ever answered (then a refusal is a blip)
        self._http = httpx.Client(
            headers={
                "Accept": "application/vnd.github+json",
                "X-GitHub-Api-Version": API_VERSION,
                "User-Agent": user_agent,
            },
            timeout=httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)),
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url_for(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The absolute URL a request goes to; also the key of its ETag cache entry."""
        url = path if path.startswith(("http://", "https://")) else f"{self.api_url}/{path.lstrip('/')}"
        return str(httpx.URL(url, params=params)) if params else url

    def list_url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The URL of a list endpoint's first page, as ``pages`` requests it."""
        return self.url_for(path, {"per_page": 100, **(params or {})})

    @property
    def suspect_bodies(self) -> int:
        """How many answers so far held text the loaders must repair: none during a fetch lets them skip
        looking."""
        with self._limit_lock:
            return self._suspect_bodies

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, items_key: str | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following absolute ``Link: rel="next"`` URLs."""
        for page in self.pages(path, params, items_key):
            yield from page

    def pages(
        self, path: str, params: dict[str, Any] | None = None, items_key: str | None = None
    ) -> Iterator[list[Any]]:
        """Each page of a list endpoint; stop iterating to stop fetching. ``items_key`` names the list inside
        an object answer (``check_runs`` of ``{"total_count": …, "check_runs": […]}``)."""
        response = self.request("GET", self.list_url(path, params))
        while True:
            data = response.data
            items = data.get(items_key) if items_key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise GitHubError(f"GitHub answered {_path_of(path)} with {type(items).__name__}, not a list")
            yield items
            if not response.next_url:
                return
            if _origin(response.next_url) != self._origin:
                raise GitHubError(
                    f"GitHub's next-page link leaves {self._origin}; refusing to send the token there"
                )
            response = self.request("GET", response.next_url)

    def request(
        self, method: str, path: str, params: dict[str, Any] | None = None, json: Any = None
    ) -> ApiResponse:
        url = self.url_for(path, params)
        label = _path_of(url)
        failures = 0
        connect_failures = 0
        limit_pauses = 0
        renewed_token = False
        while True:
            self._wait_for_budget()
            cached = self.etag_cache.get(url) if method == "GET" else None
            headers = {"Authorization": f"Bearer {self._current_token()}"}
            if cached:
                headers["If-None-Match"] = cached.etag
            try:
                response = self._http.request(method, url, headers=headers, json=json)
            except _CONNECT_ERRORS as exc:  # refused, unknown host: nothing answers there
                if not self._answered:
                    connect_failures = self._retry_connect_or_raise(connect_failures, url, exc)
                    continue
                failures = self._retry_or_raise(failures, f"{type(exc).__name__} on {label}")
                continue
            except httpx.TransportError as exc:  # reset, timed out, truncated
                failures = self._retry_or_raise(failures, f"{type(exc).__name__} on {label}")
                continue
            self._answered = True
            self.usage.record_response(response.status_code, self._note_limits(response.headers))
            status = response.status_code
            if status == 304 and cached is not None:
                return ApiResponse(cached.body, cached.next_url, from_cache=True)
            if 200 <= status < 300:
                try:
                    data, needs_repair = decode_body(response.content)
                except ValueError:
                    failures = self._retry_or_raise(failures, f"malformed JSON from {label}")
                    continue
                if needs_repair:
                    with self._limit_lock:
                        self._suspect_bodies += 1
                next_url = response.links.get("next", {}).get("url")
                etag = response.headers.get("etag")
                if method == "GET" and etag and not needs_repair:
                    self.etag_cache.put(url, CachedResponse(etag, data, next_url))
                return ApiResponse(data, next_url, from_cache=False)
            if status == 401 and not renewed_token and not isinstance(self._token, str):
                self._token.invalidate()  # an installation token revoked or expired early: get a new one once
                renewed_token = True
                continue
            if status == 401:
                raise GitHubAuthError(
                    f"GitHub rejected the token (401 {_message(response)}) on {label}: "
                    "set a valid GITHUB_TOKEN or GitHub App credentials and re-run",
                    status=401,
                    github_message=_message(response),
                )
            if status in (403, 429):
                wait = self._rate_limit_wait(response, limit_pauses)
                if wait is not None:
                    limit_pauses += 1
                    if limit_pauses > self.retry.max_rate_limit_pauses:
                        raise GitHubRateLimitError(
                            f"GitHub kept rate-limiting {label} ({limit_pauses - 1} waits): re-run later"
                        )
                    self.pause(wait, label)
                    continue
                raise GitHubAuthError(
                    f"GitHub refused {label} (403 {_message(response)}): "
                    "the token lacks a scope or permission (needs repo and read:org)",
                    status=403,
                    github_message=_message(response),
                )
            if status == 404:
                raise GitHubNotFoundError(
                    f"GitHub has no {label} (404): check GITHUB_ORGS / GITHUB_REPOS and the token's access",
                    status=404,
                    github_message=_message(response),
                )
            if status in _RETRYABLE_STATUSES:
                failures = self._retry_or_raise(failures, f"{status} from {label}")
                continue
            message = _message(response)
            raise GitHubError(
                f"GitHub answered {status} for {label}: {message}", status=status, github_message=message
            )

    def _current_token(self) -> str:
        return self._token if isinstance(self._token, str) else self._token.token()

    def download_text(self, url: str) -> str:
        """GET a pre-signed URL (report downloads) without the token — it may sit on another host — with the
        same retries as every API call."""
        label = _path_of(url)
        failures = connect_failures = 0
        while True:
            try:
                response = self._http.get(url, follow_redirects=True)
            except _CONNECT_ERRORS as exc:
                connect_failures = self._retry_connect_or_raise(connect_failures, url, exc)
                continue
            except httpx.TransportError as exc:
                failures = self._retry_or_raise(failures, f"{type(exc).__name__} on {label}")
                continue
            self.usage.record_response(response.status_code, None)
            if response.status_code == 200:
                return response.text
            if response.status_code in _RETRYABLE_STATUSES:
                failures = self._retry_or_raise(failures, f"{response.status_code} from {label}")
                continue
            raise GitHubError(f"download of {label} answered {response.status_code}")

    # --- rate limits -------------------------------------------------------------------------------

    def _note_limits(self, headers: httpx.Headers) -> int | None:
        remaining = _int_header(headers, "x-ratelimit-remaining")
        reset = _int_header(headers, "x-ratelimit-reset")
        if remaining is not None:
            with self._limit_lock:
                self._remaining = remaining
                self._reset_at = float(reset) if reset is not None else None
        return remaining

    def _wait_for_budget(self) -> None:
        """Primary limit, pre-emptively: when the budget is spent, wait for its reset instead of a 403."""
        with self._limit_lock:
            remaining, reset_at = self._remaining, self._reset_at
        if remaining == 0 and reset_at is not None:
            wait = reset_at - time.time() + 1.0
            if wait > 0:
                self.pause(wait, "spent rate limit")
            with self._limit_lock:
                if self._remaining == 0:
                    self._remaining = None

    def _rate_limit_wait(self, response: httpx.Response, pauses: int) -> float | None:
        """Seconds to wait for a 403/429 that is a rate limit, or None when it is a permission error."""
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            try:
                return max(float(retry_after), 0.0)
            except ValueError:
                return self.retry.secondary_backoff_seconds
        if _int_header(response.headers, "x-ratelimit-remaining") == 0:
            reset = _int_header(response.headers, "x-ratelimit-reset")
            return max((reset or time.time()) - time.time(), 0.0) + 1.0
        if response.status_code == 429 or "rate limit" in _message(response).lower():
            return self.retry.secondary_backoff_seconds * 2**pauses
        return None

    def pause(self, seconds: float, reason: str) -> None:
        if seconds > self.retry.max_rate_limit_wait_seconds:
            raise GitHubRateLimitError(
                f"GitHub rate limit spent; it resets in {seconds / 60:.0f} min, more than the "
                f"{self.retry.max_rate_limit_wait_seconds / 60:.0f} min this run may wait: re-run later"
            )
        log.info("waiting %.1fs for GitHub (%s)", seconds, reason)
        self.usage.record_wait(seconds)
        self._sleep(seconds)

    def _retry_connect_or_raise(self, failures: int, url: str, exc: Exception) -> int:
        """A couple of quick retries for a blip, then one line naming what points at the dead address
        (instead of a minute of backoff that ends up blaming whichever endpoint came first)."""
        if failures >= self.retry.connect_retries:
            cause = f"is unreachable ({_connect_reason(exc)}, {failures + 1} attempts)"
            if _origin(url) == self._origin:
                raise GitHubUnreachableError(
                    f"GITHUB_API_URL={_without_userinfo(self.api_url)} {cause}: check the URL and the network"
                )
            raise GitHubUnreachableError(f"{_without_userinfo(_origin(url))} {cause}")
        self.usage.record_retry()
        delay = self.retry.connect_backoff_seconds * 2**failures
        log.info("retrying in %.2fs: %s did not accept a connection", delay, _origin(url))
        self._sleep(delay)
        return failures + 1

    def _retry_or_raise(self, failures: int, cause: str) -> int:
        if failures >= self.retry.max_retries:
            raise GitHubUnavailableError(f"GitHub failed {failures + 1} times: {cause}")
        self.usage.record_retry()
        delay = self.retry.backoff(failures, self._rng)
        log.info("retrying in %.2fs after %s", delay, cause)
        self._sleep(delay)
        return failures + 1


def _connect_reason(exc: Exception) -> str:
    """The OS's words ("Connection refused", "Name or service not known") without the errno prefix."""
    if isinstance(exc, httpx.ConnectTimeout):
        return "connecting timed out"
    text = str(exc).strip() or type(exc).__name__
    return text.split("] ", 1)[-1] if text.startswith("[Errno") else text


def _without_userinfo(url: str) -> str:
    """The URL as it may be shown: a ``user:password@`` inside it never reaches a message."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


# a JSON escape of NUL or of a UTF-16 surrogate (a pair too: rare, GitHub sends UTF-8, so caution is cheap)
_SUSPECT_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F])")


def decode_body(content: bytes) -> tuple[Any, bool]:
    """A JSON body, and whether it holds text PostgreSQL cannot store (the loaders repair and count it).

    GitHub's bodies are UTF-8; bytes that are not become lone surrogates (``surrogateescape``) instead of
    failing the whole response, so the record can land with them replaced. Such a response is not cached by
    ETag: the cache would keep it repaired and a re-run would no longer see, and count, the bad input.
    """
    if not content:
        return None, False
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return json.loads(content.decode("utf-8", errors="surrogateescape")), True
    return json.loads(text), _SUSPECT_ESCAPE.search(content) is not None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _int_header(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase or ""
    return str(body.get("message", "")) if isinstance(body, dict) else ""
