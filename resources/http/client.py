"""The shared HTTP client: retries with jittered backoff, rate-limit waits, ETag revalidation, usage counters
and classified errors, for any JSON API described by a ``ServiceAdapter``.

Credentials go only to the configured origin and never appear in an exception or a log line.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from resources.http.adapter import ServiceAdapter
from resources.http.body import decode_body
from resources.http.errors import ErrorCategory
from resources.http.etag_cache import EtagCache
from resources.http.rate_limit import RateLimitBudget, retry_after_seconds
from resources.http.retry_policy import RETRYABLE_STATUSES, RetryPolicy
from resources.http.usage import ApiUsage

log = logging.getLogger(__name__)

_CONNECT_ERRORS = (httpx.ConnectError, httpx.ConnectTimeout)  # no connection made: no server there
MAX_RENEWALS = 3  # new short-lived tokens one request may ask for after 401s


@dataclass(frozen=True)
class ApiResponse:
    data: Any
    next_url: str | None
    from_cache: bool


class HttpClient:
    """Thread-safe: assets fetch details on a few threads with one client."""

    def __init__(
        self,
        base_url: str,
        adapter: ServiceAdapter,
        *,
        timeout_seconds: float = 30.0,
        retry: RetryPolicy | None = None,
        etag_cache: EtagCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.api_url = base_url.rstrip("/")
        self.adapter = adapter
        self._origin = _origin(self.api_url)
        self.retry = retry or RetryPolicy()
        self.etag_cache = etag_cache if etag_cache is not None else EtagCache()
        self.usage = ApiUsage()
        self._sleep = sleep
        self._rng = random.Random()
        self._lock = threading.Lock()
        self._budget = RateLimitBudget()
        self._suspect_bodies = 0  # bodies holding text PostgreSQL cannot store (see ``decode_body``)
        self._answered = False  # whether the API origin ever answered (then a refusal is a blip)
        self._http = httpx.Client(
            headers=adapter.default_headers(),
            timeout=httpx.Timeout(timeout_seconds, connect=min(10.0, timeout_seconds)),
            transport=transport,
            follow_redirects=False,
        )

    def __enter__(self) -> HttpClient:
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
        """The URL of a list endpoint's first page, as ``pages`` requests it (a service adds a page size)."""
        return self.url_for(path, params)

    @property
    def suspect_bodies(self) -> int:
        """How many answers so far held text the loaders must repair: none during a fetch lets them skip
        looking."""
        with self._lock:
            return self._suspect_bodies

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.request("GET", path, params=params).data

    def paginate(
        self, path: str, params: dict[str, Any] | None = None, items_key: str | None = None
    ) -> Iterator[Any]:
        """Every item of a list endpoint, following the adapter's next-page URLs."""
        for page in self.pages(path, params, items_key):
            yield from page

    def pages(
        self, path: str, params: dict[str, Any] | None = None, items_key: str | None = None
    ) -> Iterator[list[Any]]:
        """Each page of a list endpoint; stop iterating to stop fetching. ``items_key`` names the list inside
        an object answer (``check_runs`` of ``{"total_count": …, "check_runs": […]}``)."""
        name = self.adapter.name
        response = self.request("GET", self.list_url(path, params))
        while True:
            data = response.data
            items = data.get(items_key) if items_key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise self.adapter.error(
                    ErrorCategory.SCHEMA_CHANGE,
                    f"{name} answered {_path_of(path)} with {type(items).__name__}, not a list",
                )
            yield items
            if not response.next_url:
                return
            if _origin(response.next_url) != self._origin:
                raise self.adapter.error(
                    ErrorCategory.UNEXPECTED,
                    f"{name}'s next-page link leaves {self._origin}; refusing to send the credentials there",
                )
            response = self.request("GET", response.next_url)

    def request(
        self, method: str, path: str, params: dict[str, Any] | None = None, json: Any = None
    ) -> ApiResponse:
        adapter = self.adapter
        url = self.url_for(path, params)
        label = _path_of(url)
        failures = connect_failures = limit_pauses = 0
        renewals, refused = 0, ""  # refused: the Authorization a 401 answered last (kept in memory only)
        while True:
            self._wait_for_budget()
            cached = self.etag_cache.get(url) if method == "GET" else None
            headers = adapter.auth_headers()
            if cached:
                headers["If-None-Match"] = cached.etag
            try:
                response = self._http.request(method, url, headers=headers, json=json)
            except _CONNECT_ERRORS as exc:  # refused, unknown host: nothing answers there
                if not self._answered:
                    connect_failures = self._retry_connect_or_raise(connect_failures, url, exc)
                else:
                    failures = self._retry_or_raise(
                        failures, f"{type(exc).__name__} on {label}", network=True
                    )
                continue
            except httpx.TransportError as exc:  # reset, timed out, truncated
                failures = self._retry_or_raise(failures, f"{type(exc).__name__} on {label}", network=True)
                continue
            self._answered = True
            reading = adapter.rate_limit(response.headers)
            self._budget.note(reading)
            self.usage.record_response(response.status_code, reading.remaining if reading else None)
            status = response.status_code
            if status == 304 and cached is not None:
                return ApiResponse(self.etag_cache.body(url), cached.next_url, from_cache=True)
            if 200 <= status < 300:
                try:
                    data, needs_repair = decode_body(response.content)
                except ValueError:
                    failures = self._retry_or_raise(failures, f"malformed JSON from {label}")
                    continue
                if needs_repair:
                    with self._lock:
                        self._suspect_bodies += 1
                next_url = adapter.next_url(response)
                etag = response.headers.get("etag")
                if method == "GET" and etag and not needs_repair:
                    self.etag_cache.put(url, etag, response.content or b"null", next_url)
                return ApiResponse(data, next_url, from_cache=False)
            credential = headers.get("Authorization", "")
            if status == 401 and credential != refused and renewals < MAX_RENEWALS:
                # a short-lived token revoked or expired early: get a new one; again if the new one is
                # refused too (under several threads it can expire before this request's turn), never
                # for the same token twice
                refused, renewals = credential, renewals + 1
                if adapter.renew_credentials():
                    continue
            if adapter.is_rate_limited(response):
                limit_pauses += 1
                if limit_pauses > self.retry.max_rate_limit_pauses:
                    raise adapter.error(
                        ErrorCategory.RATE_LIMIT,
                        f"{adapter.name} kept rate-limiting {label} ({limit_pauses - 1} waits): re-run later",
                    )
                wait = self._throttle_wait(response, limit_pauses - 1)
                self._budget.hold(time.time() + wait)  # the client's other threads wait it out too
                self.pause(wait, label)
                continue
            if adapter.is_retryable(response):
                failures = self._retry_or_raise(failures, f"{status} from {label}")
                continue
            category = adapter.category_of(response)
            said = adapter.service_message(response)
            message = adapter.error_message(category, status, said, label)
            raise adapter.error(category, message, status=status, service_message=said)

    def download_text(self, url: str) -> str:
        """GET a pre-signed URL (report downloads) without the credentials — it may sit on another host —
        with the same retries as every API call."""
        label = _path_of(url)
        failures = connect_failures = 0
        while True:
            try:
                response = self._http.get(url, follow_redirects=True)
            except _CONNECT_ERRORS as exc:
                connect_failures = self._retry_connect_or_raise(connect_failures, url, exc)
                continue
            except httpx.TransportError as exc:
                failures = self._retry_or_raise(failures, f"{type(exc).__name__} on {label}", network=True)
                continue
            self.usage.record_response(response.status_code, None)
            if response.status_code == 200:
                return response.text
            if response.status_code in RETRYABLE_STATUSES:
                failures = self._retry_or_raise(failures, f"{response.status_code} from {label}")
                continue
            raise self.adapter.error(
                ErrorCategory.UNEXPECTED,
                f"download of {label} answered {response.status_code}",
                status=response.status_code,
            )

    # --- waits ---------------------------------------------------------------------------------------

    def _throttle_wait(self, response: httpx.Response, pauses: int) -> float:
        """Seconds to wait out a rate limit: ``Retry-After``, else the budget's reset, else a backoff."""
        retry_after = response.headers.get("retry-after")
        if retry_after is not None:
            seconds = retry_after_seconds(retry_after)
            return self.retry.secondary_backoff_seconds if seconds is None else seconds
        reading = self.adapter.rate_limit(response.headers)
        if reading is not None and reading.remaining == 0:
            return reading.seconds_to_reset(time.time())
        return self.retry.throttle_backoff(pauses)

    def _wait_for_budget(self) -> None:
        """A spent budget, pre-emptively: wait for its reset instead of being refused."""
        wait = self._budget.wait_before_next(time.time())
        if wait > 0:
            self.pause(wait, "spent rate limit")
        self._budget.forget_spent()

    def pause(self, seconds: float, reason: str) -> None:
        name = self.adapter.name
        if seconds > self.retry.max_rate_limit_wait_seconds:
            raise self.adapter.error(
                ErrorCategory.RATE_LIMIT,
                f"{name} rate limit spent; it resets in {seconds / 60:.0f} min, more than the "
                f"{self.retry.max_rate_limit_wait_seconds / 60:.0f} min this run may wait: re-run later",
            )
        log.info("waiting %.1fs for %s (%s)", seconds, name, reason)
        self.usage.record_wait(seconds)
        self._sleep(seconds)

    def _retry_connect_or_raise(self, failures: int, url: str, exc: Exception) -> int:
        """A couple of quick retries for a blip, then one line naming what points at the dead address
        (instead of a minute of backoff that ends up blaming whichever endpoint came first)."""
        if failures >= self.retry.connect_retries:
            cause = f"is unreachable ({_connect_reason(exc)}, {failures + 1} attempts)"
            if _origin(url) != self._origin:
                raise self.adapter.error(
                    ErrorCategory.UNREACHABLE, f"{_without_userinfo(_origin(url))} {cause}"
                )
            env = self.adapter.base_url_env
            shown = _without_userinfo(self.api_url)
            raise self.adapter.error(
                ErrorCategory.UNREACHABLE,
                f"{f'{env}=' if env else ''}{shown} {cause}: check the URL and the network",
            )
        self.usage.record_retry()
        delay = self.retry.connect_backoff(failures)
        log.info("retrying in %.2fs: %s did not accept a connection", delay, _origin(url))
        self._sleep(delay)
        return failures + 1

    def retry_or_raise(self, failures: int, cause: str) -> int:
        """For an answer that failed in its body (a GraphQL error in a 200): back off as for a 5xx and return
        the new failure count, or raise the service's "unavailable" error once the retries are spent."""
        return self._retry_or_raise(failures, cause)

    def _retry_or_raise(self, failures: int, cause: str, *, network: bool = False) -> int:
        if failures >= self.retry.max_retries:
            category = ErrorCategory.NETWORK if network else ErrorCategory.UPSTREAM_5XX
            raise self.adapter.error(category, f"{self.adapter.name} failed {failures + 1} times: {cause}")
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


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")
