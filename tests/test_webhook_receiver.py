"""The webhook receiver over real HTTP (uvicorn) into a real inbox: signatures, redelivery, size limit."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import text

from resources.warehouse import WarehouseResource
from sensors import webhook_signature
from sensors.webhook_receiver import MAX_BODY_BYTES, Secrets, build_app, serving_in_background

GITHUB_SECRET = "gh-test-secret"
JIRA_SECRET = "jira-test-secret"


def test_github_documented_test_vector() -> None:
    # docs.github.com, "Validating webhook deliveries": secret and payload with their expected signature
    header = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"
    assert webhook_signature.sign("It's a Secret to Everybody", b"Hello, World!") == header
    assert webhook_signature.verify("It's a Secret to Everybody", b"Hello, World!", header)
    assert not webhook_signature.verify("It's a Secret to Everybody", b"Hello, World?", header)


@pytest.fixture
def receiver(warehouse: WarehouseResource) -> Iterator[str]:
    app = build_app(warehouse.engine(), Secrets(github=GITHUB_SECRET, jira=JIRA_SECRET))
    with serving_in_background(app) as url:
        yield url


def inbox(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text(
                    "SELECT delivery_id, provider, event, action, payload FROM ops.webhook_inbox ORDER BY seq"
                )
            )
        ]


def post_github(url: str, body: bytes, signature: str | None, delivery: str = "d-1") -> httpx.Response:
    headers = {"X-GitHub-Delivery": delivery, "X-GitHub-Event": "pull_request"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return httpx.post(f"{url}/webhooks/github", content=body, headers=headers)


BODY = json.dumps({"action": "opened", "number": 7}).encode()


def test_valid_signature_is_stored_and_answered_202(receiver: str, warehouse: WarehouseResource) -> None:
    response = post_github(receiver, BODY, webhook_signature.sign(GITHUB_SECRET, BODY))
    assert response.status_code == 202
    assert inbox(warehouse) == [
        ("d-1", "github", "pull_request", "opened", {"action": "opened", "number": 7})
    ]


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing
        "",  # empty
        "sha256=zz" + "0" * 62,  # malformed hex
        "sha256=" + "0" * 40,  # truncated
        webhook_signature.sign(GITHUB_SECRET, BODY).replace("sha256=", "sha1="),  # wrong algorithm prefix
        webhook_signature.sign("another secret", BODY),  # wrong secret
        webhook_signature.sign(GITHUB_SECRET, BODY + b" "),  # another body
    ],
    ids=["missing", "empty", "malformed", "truncated", "sha1-prefix", "wrong-secret", "tampered"],
)
def test_bad_signature_is_refused_401(
    receiver: str, warehouse: WarehouseResource, signature: str | None
) -> None:
    assert post_github(receiver, BODY, signature).status_code == 401
    assert inbox(warehouse) == []


def test_redelivery_is_a_no_op(receiver: str, warehouse: WarehouseResource) -> None:
    signature = webhook_signature.sign(GITHUB_SECRET, BODY)
    first = post_github(receiver, BODY, signature)
    again = post_github(receiver, BODY, signature)
    assert (first.status_code, again.status_code) == (202, 202)
    assert (first.json()["duplicate"], again.json()["duplicate"]) == (False, True)
    with warehouse.connect() as conn:
        assert conn.execute(text("SELECT count(*), max(seq) FROM ops.webhook_inbox")).one() == (1, 1)


def test_oversized_streamed_body_is_refused_413(receiver: str, warehouse: WarehouseResource) -> None:
    """No Content-Length (chunked): the receiver counts while reading and stops past 25 MB."""
    chunk = b"x" * (1024 * 1024)

    def body() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // len(chunk) + 1):
            yield chunk

    response = httpx.post(
        f"{receiver}/webhooks/github",
        content=body(),
        headers={
            "X-GitHub-Delivery": "big",
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": "sha256=" + "0" * 64,
        },
    )
    assert response.status_code == 413
    assert inbox(warehouse) == []


def test_declared_oversized_body_is_refused_before_reading(warehouse: WarehouseResource) -> None:
    """Content-Length over the limit: 413 without pulling a single body chunk from the server."""
    app = build_app(warehouse.engine(), Secrets(github=GITHUB_SECRET, jira=None))
    pulled: list[int] = []
    sent: list[dict] = []

    async def receive() -> dict:
        pulled.append(1)
        return {"type": "http.request", "body": b"x" * 65536, "more_body": True}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/webhooks/github",
        "raw_path": b"/webhooks/github",
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"content-length", str(MAX_BODY_BYTES + 1).encode()),
            (b"x-github-delivery", b"big"),
            (b"x-github-event", b"push"),
            (b"x-hub-signature-256", b"sha256=" + b"0" * 64),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }
    asyncio.run(app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert pulled == []


def test_jira_signed_with_its_own_secret(receiver: str, warehouse: WarehouseResource) -> None:
    body = json.dumps(
        {"webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_updated"}
    ).encode()
    headers = {"X-Atlassian-Webhook-Identifier": "jira-1"}
    wrong = httpx.post(
        f"{receiver}/webhooks/jira",
        content=body,
        headers={**headers, "X-Hub-Signature": webhook_signature.sign(GITHUB_SECRET, body)},
    )
    assert wrong.status_code == 401
    ok = httpx.post(
        f"{receiver}/webhooks/jira",
        content=body,
        headers={**headers, "X-Hub-Signature": webhook_signature.sign(JIRA_SECRET, body)},
    )
    assert ok.status_code == 202
    assert [r[:4] for r in inbox(warehouse)] == [("jira-1", "jira", "jira:issue_updated", "issue_updated")]


def test_unset_secret_answers_503_and_healthz(warehouse: WarehouseResource) -> None:
    app = build_app(warehouse.engine(), Secrets(github=None, jira=None))
    with serving_in_background(app) as url:
        assert post_github(url, BODY, webhook_signature.sign("", BODY)).status_code == 503
        assert httpx.get(f"{url}/healthz").json() == {"status": "ok"}


def test_form_encoded_github_payload(receiver: str, warehouse: WarehouseResource) -> None:
    """GitHub's other content type: ``payload=<urlencoded JSON>``, signed as sent."""
    from urllib.parse import urlencode

    body = urlencode({"payload": json.dumps({"action": "created"})}).encode()
    response = httpx.post(
        f"{receiver}/webhooks/github",
        content=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-GitHub-Delivery": "form-1",
            "X-GitHub-Event": "issue_comment",
            "X-Hub-Signature-256": webhook_signature.sign(GITHUB_SECRET, body),
        },
    )
    assert response.status_code == 202
    assert inbox(warehouse)[0][3:] == ("created", {"action": "created"})


def test_serve_refuses_to_start_without_any_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from dexxy_assets.cli.main import cli

    monkeypatch.delenv("GITHUB_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("JIRA_WEBHOOK_SECRET", raising=False)
    result = CliRunner().invoke(cli, ["webhooks", "serve", "--port", "0"])
    assert result.exit_code != 0
    assert "GITHUB_WEBHOOK_SECRET" in result.output and "JIRA_WEBHOOK_SECRET" in result.output
