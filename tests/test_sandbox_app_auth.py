"""The sandbox as a GitHub App: JWTs are checked as GitHub checks them, installation tokens work everywhere
until they expire, and a JWT is no token."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import github
import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.api_jws import PyJWS

from dexxy_sandbox.faults import FaultConfig
from dexxy_sandbox.github_rest.app_auth import (
    JWT_DECODE_ERROR,
    JWT_EXP_ERROR,
    JWT_EXP_TOO_FAR_ERROR,
    JWT_IAT_ERROR,
)
from dexxy_sandbox.org import generate_org
from dexxy_sandbox.server import SandboxServer

ORG = generate_org(engineers=5, repos=2, days=20, until=dt.date(2025, 3, 31))
TOKEN_PATH = "/app/installations/{installation_id}/access_tokens"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer(org=ORG) as running:
        yield running


def request_token(
    server: SandboxServer, jwt: str | None, installation_id: int | None = None
) -> httpx.Response:
    installation = server.installation_id if installation_id is None else installation_id
    headers = {"Accept": "application/vnd.github+json"}
    if jwt is not None:
        headers["Authorization"] = f"Bearer {jwt}"
    return httpx.post(
        f"{server.github_api_url}/app/installations/{installation}/access_tokens", headers=headers
    )


def get_org(server: SandboxServer, token: str) -> httpx.Response:
    return httpx.get(f"{server.github_api_url}/orgs/{ORG.login}", headers={"Authorization": f"token {token}"})


def test_a_good_jwt_gets_a_token_that_works_everywhere(server: SandboxServer) -> None:
    response = request_token(server, server.app.make_jwt())
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("ghs_") and body["repository_selection"] == "all"
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert 3500 < (expires - dt.datetime.now(dt.UTC)).total_seconds() <= 3600
    assert body["permissions"]["pull_requests"] == "read"
    token = body["token"]
    assert server.is_valid_token(token) and not server.is_valid_token("ghs_made_up")
    assert get_org(server, token).status_code == 200
    repo = ORG.repositories[0].name
    pulls = httpx.get(
        f"{server.github_api_url}/repos/{ORG.login}/{repo}/pulls",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert pulls.status_code == 200 and pulls.headers["x-ratelimit-remaining"] == "4998"  # its own budget
    assert server.request_log.by_template[TOKEN_PATH] >= 1


def test_the_issuer_may_be_a_number_or_a_string(server: SandboxServer) -> None:
    assert request_token(server, server.app.make_jwt(iss=server.app_id)).status_code == 201
    assert request_token(server, server.app.make_jwt(iss=str(server.app_id))).status_code == 201
    wrong = request_token(server, server.app.make_jwt(iss=str(server.app_id + 1)))
    assert wrong.status_code == 401 and wrong.json()["message"] == JWT_DECODE_ERROR


def test_permissions_can_be_narrowed(server: SandboxServer) -> None:
    response = httpx.post(
        f"{server.github_api_url}/app/installations/{server.installation_id}/access_tokens",
        headers={"Authorization": f"Bearer {server.app.make_jwt()}"},
        json={"permissions": {"pull_requests": "read", "administration": "write"}},
    )
    assert response.status_code == 201 and response.json()["permissions"] == {"pull_requests": "read"}


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("garbage", JWT_DECODE_ERROR),
        ("other_key", JWT_DECODE_ERROR),
        ("expired", JWT_EXP_ERROR),
        ("no_exp", JWT_EXP_ERROR),
        ("exp_over_ten_minutes", JWT_EXP_TOO_FAR_ERROR),
        ("iat_in_the_future", JWT_IAT_ERROR),
        ("no_jwt", JWT_DECODE_ERROR),
    ],
)
def test_bad_jwts_are_401_with_githubs_message(server: SandboxServer, case: str, message: str) -> None:
    now = time.time()
    app = server.app
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iat": int(now - 60), "exp": int(now + 540), "iss": str(app.app_id)}
    jwts = {
        "garbage": "not.a.jwt",
        "other_key": PyJWS().encode(str(claims).replace("'", '"').encode(), other, algorithm="RS256"),
        "expired": app.make_jwt(issued_at=now - 3600),
        "no_exp": app.make_jwt(exp=None),
        "exp_over_ten_minutes": app.make_jwt(lifetime_seconds=660),
        "iat_in_the_future": app.make_jwt(iat=int(now + 120)),
        "no_jwt": None,
    }
    response = request_token(server, jwts[case])
    assert response.status_code == 401
    assert response.json() == {
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": "401",
    }


def test_skew_within_a_minute_is_tolerated(server: SandboxServer) -> None:
    now = time.time()
    assert (
        request_token(server, server.app.make_jwt(iat=int(now + 30), exp=int(now + 500))).status_code == 201
    )
    assert (
        request_token(server, server.app.make_jwt(lifetime_seconds=540)).status_code == 201
    )  # exp - iat == 600


def test_unknown_installation_is_404(server: SandboxServer) -> None:
    response = request_token(server, server.app.make_jwt(), installation_id=server.installation_id + 1)
    assert response.status_code == 404 and response.json()["message"] == "Not Found"


def test_a_jwt_is_not_a_token(server: SandboxServer) -> None:
    jwt = server.app.make_jwt()
    response = get_org(server, jwt)
    assert response.status_code == 401 and response.json()["message"] == "Bad credentials"
    assert not server.is_valid_token(jwt)


def test_installation_tokens_expire() -> None:
    now = [time.time()]  # a fake clock: expiry is reached by moving it, not by sleeping
    with SandboxServer(org=ORG, installation_token_ttl_seconds=1, clock=lambda: now[0]) as short:
        token = request_token(short, short.app.make_jwt()).json()["token"]
        assert get_org(short, token).status_code == 200
        now[0] += 1.3
        expired = get_org(short, token)
        assert expired.status_code == 401 and expired.json()["message"] == "Bad credentials"
        assert not short.is_valid_token(token)
        assert get_org(short, "sandbox-token").status_code == 200  # static tokens never expire


def test_pygithub_integration_gets_a_token(server: SandboxServer) -> None:
    auth = github.Auth.AppAuth(server.app_id, server.app_private_key_pem)
    integration = github.GithubIntegration(auth=auth, base_url=server.github_api_url)
    access = integration.get_access_token(server.installation_id)
    assert server.is_valid_token(access.token)
    integration.close()


def test_app_env_lines_write_the_key(server: SandboxServer, tmp_path: Path) -> None:
    key_path = tmp_path / "keys" / "app.pem"
    lines = dict(line.split("=", 1) for line in server.app_env_lines(key_path))
    assert lines["GITHUB_APP_ID"] == "424242" and lines["GITHUB_APP_INSTALLATION_ID"] == "4242420"
    assert Path(lines["GITHUB_APP_PRIVATE_KEY"]) == key_path and "GITHUB_TOKEN" not in lines
    pem = key_path.read_text()
    assert pem == server.app_private_key_pem and key_path.stat().st_mode & 0o077 == 0
    serialization.load_pem_private_key(pem.encode(), None)  # a usable RSA key
    assert lines["GITHUB_API_URL"] == server.github_api_url
    assert [line.split("=")[0] for line in server.env_lines()] == [
        "GITHUB_API_URL",
        "GITHUB_TOKEN",
        "GITHUB_ORGS",
        "GITHUB_FETCH_MODE",
        "GROQ_BASE_URL",
        "GROQ_API_KEY",
        "GROQ_MODEL",
    ]


def test_faults_reach_the_token_endpoint_too(server: SandboxServer) -> None:
    server.faults = FaultConfig(secondary_rate_limit_rate=1.0, secondary_rate_limit_status=429)
    try:
        limited = request_token(server, server.app.make_jwt())
        assert limited.status_code == 429 and limited.headers["retry-after"] == "1"
    finally:
        server.faults = None
    assert request_token(server, server.app.make_jwt()).status_code == 201
