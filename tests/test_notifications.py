"""Alert delivery for real: e-mail to an in-process SMTP server (aiosmtpd, with a login), Slack to a local
HTTP server standing in for the incoming webhook; the policy routes classes to channels; secrets never
reach the log or the delivery report."""

from __future__ import annotations

import email
import json
import logging
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from resources.notifications import DEFAULT_POLICY, Alert, AlertPolicy, NotificationResource, Severity
from resources.notifications.policy import PolicyError

SMTP_USER, SMTP_PASSWORD = "alerts", "smtp-s3cret-pw"
WEBHOOK_PATH = "/services/T000/B000/hook-s3cret-token"

SUSPENDED = Alert(
    alert_class="SUSPENDED_PAYMENT",
    cause="account suspended: JiraSuspendedError: the site is deactivated",
    advice="Jira site suspended: contact billing",
    source="jira",
    run_id="run-1",
    facts=(("jira cadence", "daily"),),
)
RATE_LIMITED = Alert(
    alert_class="RATE_LIMIT",
    cause="rate limit spent: GitHubRateLimitError: resets at 03:12",
    advice="GitHub rate limit spent: wait for the reset",
    source="github",
    run_id="run-2",
)


@dataclass
class Inbox:
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        SMTP_USER.encode(),
        SMTP_PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)  # handled=False: the server answers 235 / 535


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticate,
        auth_require_tls=False,
        auth_exclude_mechanism=["LOGIN"],  # PLAIN only: one attempt, one answer
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@dataclass
class SlackHook:
    url: str
    posts: list[tuple[str, dict[str, Any]]]
    answer: list[int]  # the status the next requests get


@pytest.fixture
def slack_hook() -> Iterator[SlackHook]:
    posts: list[tuple[str, dict[str, Any]]] = []
    answer = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            posts.append((self.path, json.loads(body)))
            status = answer[0]
            text = b"ok" if status == 200 else b"no_service"
            self.send_response(status)
            self.send_header("Content-Length", str(len(text)))
            self.end_headers()
            self.wfile.write(text)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield SlackHook(f"http://127.0.0.1:{server.server_address[1]}{WEBHOOK_PATH}", posts, answer)
    finally:
        server.shutdown()
        server.server_close()


def _resource(smtp_port: int, hook: SlackHook, **overrides: Any) -> NotificationResource:
    settings: dict[str, Any] = {
        "smtp_url": f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{smtp_port}",
        "email_to": ["oncall@example.com", "billing@example.com"],
        "email_from": "dexxy@example.com",
        "slack_webhook_url": hook.url,
    }
    return NotificationResource(**{**settings, **overrides})


def _assert_no_secret(caplog: pytest.LogCaptureFixture, *texts: str) -> None:
    for secret in (SMTP_PASSWORD, "hook-s3cret-token"):
        assert secret not in caplog.text
        assert all(secret not in text for text in texts)


def test_billing_goes_by_email_and_rate_limits_to_slack(
    smtp_server: tuple[Inbox, int], slack_hook: SlackHook, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port = smtp_server
    notifications = _resource(port, slack_hook)
    log = logging.getLogger("test.alerts")
    with caplog.at_level(logging.INFO):
        billing = notifications.send(SUSPENDED, log)
        rate = notifications.send(RATE_LIMITED, log)

    assert billing.delivered == ["email", "log"] and not billing.failed
    (message,) = inbox.messages
    assert inbox.envelopes == [("dexxy@example.com", ["oncall@example.com", "billing@example.com"])]
    assert " ".join(message["Subject"].split()) == "[dexxy error] jira SUSPENDED_PAYMENT: " + SUSPENDED.cause
    body = message.get_payload()
    assert "Advice: Jira site suspended: contact billing" in body and "Run: run-1" in body
    assert "jira cadence: daily" in body

    assert rate.delivered == ["slack", "log"] and not rate.failed
    ((path, payload),) = slack_hook.posts
    assert path == WEBHOOK_PATH
    assert "RATE_LIMIT" in payload["text"] and "Advice: GitHub rate limit spent" in payload["text"]
    assert payload["blocks"][0]["text"]["text"] == payload["text"]

    alerts = [r.getMessage() for r in caplog.records if r.getMessage().startswith("ALERT ")]
    first = f"ALERT run run-1: [SUSPENDED_PAYMENT] jira {SUSPENDED.cause} → {SUSPENDED.advice}"
    assert alerts == [first, alerts[1]]
    assert "[RATE_LIMIT] github" in alerts[1] and "\n" not in alerts[1]
    _assert_no_secret(caplog, str(billing), str(rate), repr(notifications.channels(log)))


def test_a_failing_channel_is_reported_without_its_secret_and_the_log_still_has_the_alert(
    smtp_server: tuple[Inbox, int], slack_hook: SlackHook, caplog: pytest.LogCaptureFixture
) -> None:
    inbox, port = smtp_server
    slack_hook.answer[0] = 404
    wrong_login = _resource(
        port, slack_hook, smtp_url=f"smtp://{SMTP_USER}:not-the-{SMTP_PASSWORD}@127.0.0.1:{port}"
    )
    log = logging.getLogger("test.alerts")
    with caplog.at_level(logging.INFO):
        delivery = wrong_login.send(
            Alert("UNKNOWN", "unexpected error: KeyError: 'x'", "open the run", severity=Severity.ERROR), log
        )
    assert delivery.delivered == ["log"] and not inbox.messages
    assert delivery.failed["email"] == f"e-mail via 127.0.0.1:{port}: the server refused the login (535)"
    assert delivery.failed["slack"] == "Slack webhook answered 404 no_service"
    assert "alert not delivered by slack" in caplog.text and "ALERT [UNKNOWN]" in caplog.text
    _assert_no_secret(caplog, str(delivery))

    unreachable = NotificationResource(slack_webhook_url=f"http://127.0.0.1:{_free_port()}{WEBHOOK_PATH}")
    with caplog.at_level(logging.INFO):
        delivery = unreachable.send(RATE_LIMITED, log)
    assert delivery.failed == {"slack": "Slack webhook unreachable: Connection refused"}
    _assert_no_secret(caplog, str(delivery))


def test_channels_and_policy_come_from_the_environment(
    smtp_server: tuple[Inbox, int], slack_hook: SlackHook, monkeypatch: pytest.MonkeyPatch
) -> None:
    inbox, port = smtp_server
    assert NotificationResource().send(SUSPENDED).delivered == ["log"]  # nothing configured: the log only
    monkeypatch.setenv("SMTP_URL", f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@127.0.0.1:{port}")
    monkeypatch.setenv("DEXXY_ALERT_EMAIL_TO", "oncall@example.com")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", slack_hook.url)
    monkeypatch.setenv("DEXXY_ALERT_POLICY", "RATE_LIMIT=email,slack;*=log")
    assert NotificationResource().send(RATE_LIMITED).delivered == ["email", "slack", "log"]
    assert NotificationResource().send(SUSPENDED).delivered == ["log"]
    assert len(inbox.messages) == 1 and len(slack_hook.posts) == 1
    assert inbox.messages[0]["From"] == "dexxy@localhost"


def test_the_policy_parses_routes_and_always_logs() -> None:
    default = AlertPolicy.parse(DEFAULT_POLICY)
    assert default.channels_for("SUSPENDED_PAYMENT") == ("email", "log")
    assert default.channels_for("RATE_LIMIT") == ("slack", "log")
    assert default.channels_for("AUTH_EXPIRED") == ("email", "slack", "log")
    assert default.channels_for("SLOW_SYNC") == ("slack", "log")
    assert default.channels_for("UNKNOWN") == ("email", "slack", "log")
    custom = AlertPolicy.parse(" rate_limit = slack ; * = email ")
    assert custom.channels_for("RATE_LIMIT") == ("slack", "log") and custom.channels_for("NETWORK") == (
        "email",
        "log",
    )
    with pytest.raises(PolicyError, match="'RATE_LIMIT=pager'"):
        AlertPolicy.parse("RATE_LIMIT=pager")
