"""The Slack Web API emulator, mounted at `/slack`: its API root is `{server}/slack/api` (SLACK_API_URL).

`auth.test`, `users.lookupByEmail` and `chat.postMessage`, answered as Slack does: HTTP 200 with
`{"ok": true, ...}` or `{"ok": false, "error": "..."}` (`not_authed` without a token, `invalid_auth` for a
wrong one, `users_not_found`, `channel_not_found`, `invalid_arguments`), and HTTP 429 with `Retry-After` and
`{"ok": false, "error": "ratelimited"}` when a method's per-minute tier is spent (Tier 3 for
`users.lookupByEmail`, about one message a second for `chat.postMessage`), or on every n-th call with
`rate_limit_every_n`. Every posted message is kept (`messages`) and handed to the simulated respondent, which
may click one of its buttons (respondent.py).
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.request_log import RequestLog
from dexxy_sandbox.slack.respondent import RespondentConfig, SimulatedRespondent
from dexxy_sandbox.slack.workspace import SlackWorkspace, build_workspace

MAX_BODY = 1 << 20
BOT_USER_ID = "U0DEXXYBOT"
BOT_ID = "B0DEXXYBOT"


@dataclass(frozen=True)
class SlackConfig:
    bot_token: str = "xoxb-sandbox-token"
    # calls per minute and method (Slack's tiers: users.lookupByEmail is Tier 3, 50+ a minute;
    # chat.postMessage about one a second per channel, with bursts)
    per_minute: dict[str, int] = field(
        default_factory=lambda: {"users.lookupByEmail": 50, "chat.postMessage": 60, "auth.test": 100}
    )
    rate_limit_every_n: int | None = None  # every n-th Web API call (n, 2n, ...) answers 429, Retry-After: 1
    # chat.postMessage to these users fails: an `ok: false` error code (user_disabled, internal_error, ...) or
    # an HTTP status as "http_503" (nothing is posted either way)
    post_failures: dict[str, str] = field(default_factory=dict)


@dataclass
class PostedMessage:
    user_id: str
    channel: str
    ts: str
    request: dict[str, Any]  # the call's arguments
    message: dict[str, Any]  # the message as Slack answers it (and as an interaction payload shows it)


Answer = tuple[int, dict[str, Any], list[tuple[bytes, bytes]], PostedMessage | None]


class SlackApi:
    """The ASGI app; thread-safe counters for tests (`calls`, `messages`)."""

    def __init__(
        self,
        org: SyntheticOrg,
        seed: int,
        server_url: Callable[[], str],
        config: SlackConfig | None = None,
        respondent: RespondentConfig | None = None,
        log: RequestLog | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.config = config or SlackConfig()
        self.workspace: SlackWorkspace = build_workspace(org, seed)
        self.respondent = SimulatedRespondent(org, seed, server_url, respondent or RespondentConfig(), clock)
        self.log = log
        self.clock = clock
        self.messages: list[PostedMessage] = []
        self.calls: dict[str, int] = {}
        self.rate_limited = 0
        self._windows: dict[str, tuple[float, int]] = {}
        self._seq = 0
        self._lock = threading.Lock()

    def configure_respondent(self, config: RespondentConfig) -> None:
        """Point the simulated respondent at a receiver (also while running)."""
        self.respondent.config = config

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if len(body) > MAX_BODY or not message.get("more_body"):
                break
        status, payload, extra, posted = self._answer(
            scope["method"], path, scope["query_string"], headers, body
        )
        if self.log is not None:
            self.log.record(scope["method"], "/slack" + path, "", "/slack" + path, status, "none")
        content = json.dumps(payload).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(content)).encode()),
                    *extra,
                ],
            }
        )
        await send({"type": "http.response.body", "body": content})
        if posted is not None:  # after the answer is sent, as a person reads the message later
            user = self.workspace.by_id(posted.user_id)
            if user is not None:
                message = {"channel": posted.channel, **posted.message}
                self.respondent.posted(user, message, posted.request)

    def _answer(
        self, http_method: str, path: str, query: bytes, headers: dict[str, str], body: bytes
    ) -> Answer:
        if not path.startswith("/api/"):
            return 404, {"ok": False, "error": "unknown_method"}, [], None
        method = path[len("/api/") :]
        if method not in self.config.per_minute:
            return 200, {"ok": False, "error": "unknown_method"}, [], None
        with self._lock:
            self.calls[method] = self.calls.get(method, 0) + 1
            wait = self._limited(method)
            if wait is not None:
                self.rate_limited += 1
                retry = [(b"retry-after", str(max(1, math.ceil(wait))).encode())]
                return 429, {"ok": False, "error": "ratelimited"}, retry, None
        args = _arguments(query, headers, body)
        scheme, _, token = headers.get("authorization", "").partition(" ")
        token = token.strip() if scheme.lower() == "bearer" else str(args.get("token") or "")
        if not token:
            return 200, {"ok": False, "error": "not_authed"}, [], None
        if token != self.config.bot_token:
            return 200, {"ok": False, "error": "invalid_auth"}, [], None
        if method == "auth.test":
            return 200, self._auth_test(), [], None
        if method == "users.lookupByEmail":
            return 200, self._lookup(args), [], None
        return self._post(args)

    def _limited(self, method: str) -> float | None:
        """Seconds to wait when the method's minute is spent (or the every-n switch fires); else None."""
        now = self.clock()
        every = self.config.rate_limit_every_n
        total = sum(self.calls.values())
        if every and total % every == 0:
            return 1.0
        start, used = self._windows.get(method, (now, 0))
        if now - start >= 60:
            start, used = now, 0
        if used >= self.config.per_minute[method]:
            return start + 60 - now
        self._windows[method] = (start, used + 1)
        return None

    def _auth_test(self) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://dexxy-sandbox.slack.com/",
            "team": "Dexxy Sandbox",
            "user": "dexxy",
            "team_id": "T0DEXXY01",
            "user_id": BOT_USER_ID,
            "bot_id": BOT_ID,
        }

    def _lookup(self, args: dict[str, Any]) -> dict[str, Any]:
        email = args.get("email")
        if not isinstance(email, str) or not email:
            return {"ok": False, "error": "invalid_arguments"}
        if "@" not in email:
            return {"ok": False, "error": "invalid_email"}
        user = self.workspace.by_email(email)
        if user is None:
            return {"ok": False, "error": "users_not_found"}
        return {"ok": True, "user": user.as_api()}

    def _post(
        self, args: dict[str, Any]
    ) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]], PostedMessage]:
        channel = args.get("channel")
        user = self.workspace.by_id(channel) if isinstance(channel, str) else None
        if user is None:
            return 200, {"ok": False, "error": "channel_not_found"}, [], None
        if not (args.get("text") or args.get("blocks")):
            return 200, {"ok": False, "error": "no_text"}, [], None
        failure = self.config.post_failures.get(user.id)
        if failure and failure.startswith("http_"):
            return int(failure[len("http_") :]), {"ok": False, "error": "service_unavailable"}, [], None
        if failure:
            return 200, {"ok": False, "error": failure}, [], None
        with self._lock:
            self._seq += 1
            ts = f"{int(self.clock())}.{self._seq:06d}"
        dm = "D" + user.id[1:]
        blocks = args.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        message = {
            "type": "message",
            "subtype": "bot_message",
            "text": args.get("text") or "",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "ts": ts,
            "team": "T0DEXXY01",
            "blocks": blocks or [],
        }
        posted = PostedMessage(user.id, dm, ts, args, message)
        with self._lock:
            self.messages.append(posted)
        return 200, {"ok": True, "channel": dm, "ts": ts, "message": message}, [], posted


def _arguments(query: bytes, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """A Web API call's arguments: query string, then a form or JSON body (Slack takes all three)."""
    args: dict[str, Any] = {k: v[0] for k, v in parse_qs(query.decode("latin-1")).items()}
    content_type = headers.get("content-type", "")
    if body and content_type.startswith("application/json"):
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            args.update(parsed)
    elif body:
        args.update({k: v[0] for k, v in parse_qs(body.decode("utf-8", errors="replace")).items()})
    return args
