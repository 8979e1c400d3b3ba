"""The webhook receiver (`dexxy webhooks serve`): an ASGI app that verifies a delivery's signature, stores it
in ``ops.webhook_inbox`` and answers 202 at once. Nothing else happens here: the webhook sensor turns the
inbox into runs, so deliveries wait safely in Postgres while Dagster is down.

- ``POST /webhooks/github``: ``X-Hub-Signature-256`` (``GITHUB_WEBHOOK_SECRET``), keyed by
  ``X-GitHub-Delivery``; the event is ``X-GitHub-Event``.
- ``POST /webhooks/jira``: ``X-Hub-Signature`` (``JIRA_WEBHOOK_SECRET``: Jira Cloud signs the body of a
  webhook registered with a secret the same way), keyed by ``X-Atlassian-Webhook-Identifier`` (unchanged
  across Jira's retries), else by a hash of the body; the event is the body's ``webhookEvent``.
- ``POST /slack/interactivity``: survey answers from the Slack app, verified with ``SLACK_SIGNING_SECRET``
  (``sensors/slack_interactivity.py``); stored directly, not through the inbox.
- ``GET /healthz``: 200 when the inbox answers.
- ``GET /oauth/{provider}/start`` and ``/callback``: `dexxy connect` (``sensors/oauth_routes.py``).

401 for a missing, malformed (not ``sha256=<hex>``) or wrong signature, 413 for a body over 25 MB (refused
from ``Content-Length`` before reading, else while streaming), 503 when the endpoint's secret is unset.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import uvicorn
from sqlalchemy import Engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from sensors import webhook_inbox, webhook_signature
from sensors.oauth_routes import OAuthSettings, oauth_routes
from sensors.slack_interactivity import slack_routes
from sensors.webhook_inbox import Delivery

MAX_BODY_BYTES = 25 * 1024 * 1024  # GitHub caps payloads at 25 MB


class BodyTooLarge(Exception):
    """The body passed MAX_BODY_BYTES."""


@dataclass(frozen=True)
class Secrets:
    """Read from the environment by the caller; never logged or echoed."""

    github: str | None
    jira: str | None
    slack: str | None = (
        None  # SLACK_SIGNING_SECRET: POST /slack/interactivity (sensors/slack_interactivity.py)
    )


async def read_limited(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    """The raw body, refused as soon as it is known to exceed ``limit`` (by header, else by count)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge
    return bytes(body)


def parse_payload(body: bytes, content_type: str) -> dict[str, Any]:
    """The JSON body (GitHub may also send it form-encoded as ``payload=``). A body that is not a JSON
    object is kept as it came, for the sensor to count as a problem: signed input is never dropped."""
    text_body = body.decode("utf-8", errors="replace")
    if content_type.startswith("application/x-www-form-urlencoded"):
        text_body = (parse_qs(text_body).get("payload") or [""])[0]
    try:
        parsed = json.loads(text_body)
    except ValueError:
        return {"unparsed_body": text_body}
    return parsed if isinstance(parsed, dict) else {"body": parsed}


def _refuse(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


def build_app(engine: Engine, secrets: Secrets, oauth: OAuthSettings | None = None) -> Starlette:
    """``engine`` is a migrated warehouse engine (``resources.warehouse.warehouse_engine``); ``oauth``: the
    settings of the OAuth flows (None: their routes answer 503)."""

    def save(delivery: Delivery) -> bool:
        with engine.begin() as conn:
            return webhook_inbox.store(conn, delivery)

    async def receive(request: Request, secret: str | None, signature_header: str) -> bytes | JSONResponse:
        if not secret:
            return _refuse(503, "webhook secret not configured on this receiver")
        if not webhook_signature.well_formed(request.headers.get(signature_header)):
            return _refuse(401, f"missing or malformed {signature_header}")
        try:
            body = await read_limited(request)
        except BodyTooLarge:
            return _refuse(413, f"body over {MAX_BODY_BYTES} bytes")
        if not webhook_signature.verify(secret, body, request.headers.get(signature_header)):
            return _refuse(401, "signature does not match")
        return body

    async def accepted(delivery: Delivery) -> JSONResponse:
        stored = await run_in_threadpool(save, delivery)
        return JSONResponse({"delivery": delivery.delivery_id, "duplicate": not stored}, status_code=202)

    async def github(request: Request) -> JSONResponse:
        body = await receive(request, secrets.github, "x-hub-signature-256")
        if isinstance(body, JSONResponse):
            return body
        delivery_id = request.headers.get("x-github-delivery")
        event = request.headers.get("x-github-event")
        if not delivery_id or not event:
            return _refuse(400, "X-GitHub-Delivery and X-GitHub-Event are required")
        payload = parse_payload(body, request.headers.get("content-type", ""))
        action = payload.get("action")
        return await accepted(
            Delivery(delivery_id, "github", event, action if isinstance(action, str) else None, payload)
        )

    async def jira(request: Request) -> JSONResponse:
        body = await receive(request, secrets.jira, "x-hub-signature")
        if isinstance(body, JSONResponse):
            return body
        payload = parse_payload(body, request.headers.get("content-type", ""))
        delivery_id = request.headers.get("x-atlassian-webhook-identifier") or (
            "sha256:" + hashlib.sha256(body).hexdigest()
        )
        event = payload.get("webhookEvent")
        event_type = payload.get("issue_event_type_name")
        return await accepted(
            Delivery(
                delivery_id,
                "jira",
                event if isinstance(event, str) else "unknown",
                event_type if isinstance(event_type, str) else None,
                payload,
            )
        )

    async def healthz(request: Request) -> JSONResponse:
        def ping() -> None:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1 FROM ops.webhook_inbox LIMIT 1"))

        try:
            await run_in_threadpool(ping)
        except Exception:  # the inbox is the receiver's only dependency
            return JSONResponse({"status": "inbox unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/webhooks/github", github, methods=["POST"]),
            Route("/webhooks/jira", jira, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
            *oauth_routes(engine, oauth),
            *slack_routes(engine, secrets.slack),
        ]
    )


@contextmanager
def serving_in_background(app: Starlette, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` on uvicorn in a thread (tests, the bench); yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, name="webhook-receiver", daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise RuntimeError("the webhook receiver did not start")
        threading.Event().wait(0.01)
    bound = server.servers[0].sockets[0].getsockname()
    try:
        yield f"http://{bound[0]}:{bound[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
