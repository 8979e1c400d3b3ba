"""``POST /slack/interactivity``: the Slack app's Interactivity Request URL, where survey answers arrive.

Slack signs each request: ``X-Slack-Signature: v0=<hex HMAC-SHA256(signing secret, "v0:{timestamp}:{raw
body}")>`` with ``X-Slack-Request-Timestamp``. A wrong or missing signature, or a timestamp more than five
minutes from the receiver's clock (a replay), is refused with 401 before the body is read as data. The body is
form-encoded ``payload=<json>``; a ``block_actions`` click on a survey button stores the answer once:

- every verified payload is kept in ``ops.slack_interactions``, once per (user, action_ts, action_id): Slack
  sending the same click again is acknowledged and changes nothing;
- the first answer of a survey wins (``ops.pr_survey_deliveries``); a later click is kept as
  ``already_answered``;
- a click naming a pull request the person was never asked about is kept as ``unknown_survey`` (the
  ``slack/pr_surveys`` asset counts it as a problem) and still answered 200: Slack would only show the person
  an error, and there is nothing they could do about it.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from sqlalchemy import Connection, Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from resources.slack_survey_message import ANSWER_ACTION, TOOLS_ACTION, read_answer_value, ticked_tools

SIGNATURE_VERSION = "v0"
MAX_AGE_SECONDS = 300  # Slack: reject requests whose timestamp is more than five minutes away
MAX_BODY_BYTES = 1024 * 1024  # interactivity payloads are a few kB
# never stored: the app's (deprecated) verification token, and the short-lived capabilities a payload carries
# (response_url lets its holder post into the conversation; trigger_id opens a modal)
UNSTORED_FIELDS = frozenset({"token", "response_url", "trigger_id"})

_KEEP = text(
    """
INSERT INTO ops.slack_interactions (slack_user_id, action_ts, action_id, status, payload)
VALUES (:user_id, :action_ts, :action_id, 'received', CAST(:payload AS jsonb))
ON CONFLICT (slack_user_id, action_ts, action_id) DO NOTHING
RETURNING interaction_id
"""
)
_SETTLE = text(
    "UPDATE ops.slack_interactions SET status = :status, pr_id = :pr_id, answer = :answer "
    "WHERE interaction_id = :id"
)
_ANSWER = text(
    """
UPDATE ops.pr_survey_deliveries
SET answer = :answer, tools = :tools, answered_at = now(), answer_action_ts = :action_ts, status = 'answered',
    answer_source = 'slack'
WHERE pr_id = :pr_id AND slack_user_id = :user_id AND answer IS NULL
  AND status IN ('sending', 'sent', 'unconfirmed')
RETURNING pr_id
"""
)
_ASKED = text("SELECT 1 FROM ops.pr_survey_deliveries WHERE pr_id = :pr_id AND slack_user_id = :user_id")


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What Slack puts in ``X-Slack-Signature`` (the sandbox and tests sign the same way)."""
    base = f"{SIGNATURE_VERSION}:{timestamp}:".encode() + body
    return f"{SIGNATURE_VERSION}=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def verified(secret: str, timestamp: str | None, given: str | None, body: bytes, now: float) -> bool:
    """The signature matches and the timestamp is within five minutes of ``now``."""
    if not timestamp or not given or not timestamp.isdigit():
        return False
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    return hmac.compare_digest(signature(secret, timestamp, body), given)


def store_payload(conn: Connection, payload: dict[str, Any], body: bytes) -> list[str]:
    """Keep the payload's actions and store an answer; the statuses given, one per action kept."""
    user = payload.get("user")
    user_id = str(user.get("id") or "") if isinstance(user, dict) else ""
    actions = payload.get("actions")
    if payload.get("type") != "block_actions" or not isinstance(actions, list) or not actions:
        digest = hashlib.sha256(body).hexdigest()  # no action_ts to key it: the body is the key
        kind = "malformed" if "unparsed" in payload else "ignored"
        kind_of = str(payload.get("type") or "")
        return _keep(conn, payload, user_id, digest, kind_of, lambda: (kind, None, None))
    statuses: list[str] = []
    for action in actions:
        if not isinstance(action, dict):
            continue
        action_id = str(action.get("action_id") or "")
        action_ts = str(action.get("action_ts") or "")
        settle = functools.partial(_settle, conn, payload, user_id, action, action_id, action_ts)
        statuses += _keep(conn, payload, user_id, action_ts, action_id, settle)
    return statuses


def _keep(
    conn: Connection,
    payload: dict[str, Any],
    user_id: str,
    action_ts: str,
    action_id: str,
    settle: Callable[[], tuple[str, int | None, str | None]],
) -> list[str]:
    kept = conn.execute(
        _KEEP,
        {
            "user_id": user_id,
            "action_ts": action_ts,
            "action_id": action_id,
            "payload": json.dumps(_storable(payload)),
        },
    ).first()
    if kept is None:
        return ["replay"]  # the same click again: acknowledged, nothing changes
    status, pr_id, answer = settle()
    conn.execute(_SETTLE, {"status": status, "pr_id": pr_id, "answer": answer, "id": kept.interaction_id})
    return [status]


def _storable(payload: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key not in UNSTORED_FIELDS}


def _settle(
    conn: Connection,
    payload: dict[str, Any],
    user_id: str,
    action: dict[str, Any],
    action_id: str,
    action_ts: str,
) -> tuple[str, int | None, str | None]:
    if action_id == TOOLS_ACTION:
        return "selection", None, None
    if not action_id.startswith(ANSWER_ACTION):
        return "ignored", None, None
    clicked = read_answer_value(action.get("value"))
    if clicked is None or not user_id:
        return "malformed", None, None
    params = {"pr_id": clicked.pr_id, "user_id": user_id}
    stored = conn.execute(
        _ANSWER,
        {
            **params,
            "answer": clicked.answer,
            "tools": ticked_tools(payload.get("state")),
            "action_ts": action_ts,
        },
    ).first()
    if stored is not None:
        return "recorded", clicked.pr_id, clicked.answer
    asked = conn.execute(_ASKED, params).first()
    return ("already_answered" if asked else "unknown_survey"), clicked.pr_id, clicked.answer


def read_payload(body: bytes) -> dict[str, Any]:
    """``payload=<json>`` of a form-encoded body; what cannot be read is kept as ``{"unparsed": ...}``."""
    text_body = body.decode("utf-8", errors="replace")
    raw = (parse_qs(text_body).get("payload") or [""])[0]
    try:
        parsed = json.loads(raw)
    except ValueError:
        return {"unparsed": text_body[:10_000]}
    return parsed if isinstance(parsed, dict) else {"unparsed": raw[:10_000]}


def slack_routes(engine: Engine, secret: str | None, clock: Callable[[], float] = time.time) -> list[Route]:
    """The receiver's Slack routes (``sensors/webhook_receiver.py`` adds them to its own)."""

    def save(payload: dict[str, Any], body: bytes) -> list[str]:
        with engine.begin() as conn:
            return store_payload(conn, payload, body)

    async def interactivity(request: Request) -> Response:
        if not secret:
            return JSONResponse({"error": "SLACK_SIGNING_SECRET not configured on this receiver"}, 503)
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return JSONResponse({"error": f"body over {MAX_BODY_BYTES} bytes"}, 413)
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": f"body over {MAX_BODY_BYTES} bytes"}, 413)
        timestamp = request.headers.get("x-slack-request-timestamp")
        if not verified(secret, timestamp, request.headers.get("x-slack-signature"), body, clock()):
            return JSONResponse({"error": "signature or timestamp refused"}, 401)
        await run_in_threadpool(save, read_payload(body), body)
        return Response(status_code=200)  # an empty 200 leaves the message as it is

    return [Route("/slack/interactivity", interactivity, methods=["POST"])]
