"""The Slack Web API methods Dexxy calls (``auth.test``, ``users.lookupByEmail``, ``chat.postMessage``),
with Slack's ``ok: false`` errors classified: a bad or revoked token and a missing scope stop the run (an
alert names the cause), a refusal about one person (``users_not_found``, ``user_disabled``, ...) is that
person's row, and a passing failure is told apart from one whose effect is unknown."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from resources.http.client import HttpClient
from resources.http.errors import AuthError, PermissionDeniedError, SchemaChangeError, ServiceError

# The token itself is bad: nothing will work until someone fixes it.
AUTH_ERRORS = frozenset(
    {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission"}
)
# The token works but lacks a scope the survey needs (users:read.email, chat:write).
PERMISSION_ERRORS = frozenset({"missing_scope", "not_allowed_token_type", "ekm_access_denied"})
# Slack did not do it and says so: a later run may try again.
PASSING_ERRORS = frozenset({"service_unavailable", "ratelimited", "request_timeout", "team_added_to_org"})
# Slack failed midway: "it's possible some aspect of the operation succeeded" (internal_error, fatal).
UNKNOWN_OUTCOME_ERRORS = frozenset({"internal_error", "fatal"})


class SlackAuthError(AuthError):
    """Slack rejected the bot token (invalid_auth, token_revoked, ...)."""

    action = "set a valid SLACK_BOT_TOKEN (the bot token of the Slack app, xoxb-...), then re-run"


class SlackScopeError(PermissionDeniedError):
    """The bot token lacks a scope (users:read, users:read.email, chat:write)."""

    action = "add users:read, users:read.email and chat:write to the Slack app's scopes, reinstall it, re-run"


class SlackRefusal(ServiceError):
    """``ok: false`` about the request itself (a person, a channel): ``code`` is Slack's error."""

    def __init__(self, code: str, method: str) -> None:
        super().__init__(f"Slack refused {method}: {code}", service_message=code)
        self.code = code
        self.method = method

    @property
    def passing(self) -> bool:
        return self.code in PASSING_ERRORS

    @property
    def outcome_unknown(self) -> bool:
        return self.code in UNKNOWN_OUTCOME_ERRORS


@dataclass(frozen=True)
class PostedMessage:
    channel: str
    ts: str


class SlackClient:
    """``reads`` retries as the shared client does; ``writes`` (chat.postMessage) must never be retried after
    a request may have reached Slack, so it is a client whose retries are off (429s are still waited out: a
    rate-limited request was not processed)."""

    def __init__(self, reads: HttpClient, writes: HttpClient) -> None:
        self.reads = reads
        self.writes = writes

    def close(self) -> None:
        self.reads.close()
        self.writes.close()

    def __enter__(self) -> SlackClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def auth_test(self) -> dict[str, Any]:
        return _checked("auth.test", self.reads.request("POST", "auth.test").data)

    def lookup_by_email(self, email: str) -> str | None:
        """The Slack user id of ``email``; None when Slack knows no such user (``users_not_found``)."""
        try:
            data = _checked("users.lookupByEmail", self.reads.get("users.lookupByEmail", {"email": email}))
        except SlackRefusal as refusal:
            if refusal.code == "users_not_found":
                return None
            raise
        user = data.get("user")
        user_id = user.get("id") if isinstance(user, dict) else None
        if not isinstance(user_id, str):
            raise SchemaChangeError("Slack answered users.lookupByEmail without user.id")
        return user_id

    def post_message(self, payload: dict[str, Any]) -> PostedMessage:
        answer = self.writes.request("POST", "chat.postMessage", json=payload)
        data = _checked("chat.postMessage", answer.data)
        channel, ts = data.get("channel"), data.get("ts")
        if not isinstance(channel, str) or not isinstance(ts, str):
            raise SchemaChangeError("Slack answered chat.postMessage without channel and ts")
        return PostedMessage(channel, ts)


def _checked(method: str, data: Any) -> dict[str, Any]:
    if not isinstance(data, dict) or "ok" not in data:
        raise SchemaChangeError(f"Slack answered {method} without the ok field")
    if data["ok"] is True:
        return data
    code = str(data.get("error") or "unknown_error")
    if code in AUTH_ERRORS:
        raise SlackAuthError(f"Slack rejected the bot token on {method}: {code}", service_message=code)
    if code in PERMISSION_ERRORS:
        needed = data.get("needed")
        detail = f" (needs {needed})" if isinstance(needed, str) else ""
        raise SlackScopeError(f"Slack refused {method}: {code}{detail}", service_message=code)
    raise SlackRefusal(code, method)
