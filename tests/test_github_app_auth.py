"""GitHub App auth: the JWT's claims, installation tokens against the sandbox, renewal before expiry."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from resources.github import GitHubResource
from resources.github_app_auth import REFRESH_MARGIN_SECONDS, AppCredentials, InstallationTokens, app_jwt
from resources.github_client import GitHubClient, RetryPolicy
from resources.github_errors import GitHubAuthError, GitHubConfigError, GitHubUnavailableError
from tests.sandbox_fixtures import running_sandbox


def _pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def test_jwt_claims_follow_githubs_rules() -> None:
    pem = _pem()
    token = app_jwt(AppCredentials("1234", pem, "99"), now=1_800_000_000)
    public = serialization.load_pem_private_key(pem.encode(), None).public_key()
    claims = jwt.decode(
        token, public, algorithms=["RS256"], options={"verify_exp": False, "verify_iat": False}
    )
    assert claims == {"iat": 1_800_000_000 - 60, "exp": 1_800_000_000 + 540, "iss": "1234"}
    assert claims["exp"] - claims["iat"] <= 600
    assert jwt.get_unverified_header(token)["alg"] == "RS256"


def test_private_key_from_an_escaped_env_value_or_a_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    pem = _pem()
    assert (
        AppCredentials.from_values("1", pem.replace("\n", "\\n"), "2").private_key_pem.strip() == pem.strip()
    )
    key_file = tmp_path / "app.pem"
    key_file.write_text(pem)
    assert AppCredentials.from_values("1", str(key_file), "2").private_key_pem.strip() == pem.strip()
    with pytest.raises(GitHubConfigError):
        AppCredentials.from_values("1", "not-a-key", "2")


def test_installation_token_is_cached_and_renewed_before_it_expires() -> None:
    # tokens live 10 s longer than the renewal margin: fresh at first, due for renewal 20 s later
    with running_sandbox(installation_token_ttl_seconds=REFRESH_MARGIN_SECONDS + 10) as server:
        skew = [0.0]
        credentials = AppCredentials(
            str(server.app_id), server.app_private_key_pem, str(server.installation_id)
        )
        tokens = InstallationTokens(credentials, server.github_api_url, clock=lambda: time.time() + skew[0])
        first = tokens.token()
        assert tokens.token() == first and tokens.tokens_issued == 1  # cached
        with GitHubClient(server.github_api_url, tokens) as client:
            assert client.get(f"orgs/{server.org.login}/repos")
        skew[0] = 20.0  # now inside the renewal margin
        second = tokens.token()
        assert second != first and tokens.tokens_issued == 2
        with GitHubClient(server.github_api_url, tokens) as client:
            assert client.get(f"orgs/{server.org.login}/repos")


class _RevokedFirst:
    """A token source whose cached token was revoked: the client must renew it once, not loop."""

    def __init__(self, good: str | None) -> None:
        self.good = good
        self.revoked = True
        self.invalidations = 0

    def token(self) -> str:
        return "ghs_revoked" if self.revoked or self.good is None else self.good

    def invalidate(self) -> None:
        self.revoked = False
        self.invalidations += 1


def test_a_revoked_installation_token_is_renewed_once_on_401() -> None:
    with running_sandbox() as server:
        source = _RevokedFirst(good="sandbox-token")
        with GitHubClient(server.github_api_url, source) as client:
            assert client.get(f"orgs/{server.org.login}/repos")
            assert source.invalidations == 1
        hopeless = _RevokedFirst(good=None)
        with GitHubClient(server.github_api_url, hopeless) as client, pytest.raises(GitHubAuthError):
            client.get(f"orgs/{server.org.login}/repos")
        assert hopeless.invalidations == 1 and client.usage.requests == 2


def test_wrong_app_key_fails_with_a_clear_cause() -> None:
    with running_sandbox() as server:
        credentials = AppCredentials(str(server.app_id), _pem(), str(server.installation_id))
        with pytest.raises(GitHubAuthError, match="rejected the GitHub App credentials"):
            InstallationTokens(credentials, server.github_api_url).token()
        unknown = AppCredentials(str(server.app_id), server.app_private_key_pem, "1")
        with pytest.raises(GitHubAuthError, match="GITHUB_APP_INSTALLATION_ID"):
            InstallationTokens(unknown, server.github_api_url).token()


def _sandbox_app(server) -> AppCredentials:  # type: ignore[no-untyped-def]
    return AppCredentials(str(server.app_id), server.app_private_key_pem, str(server.installation_id))


def test_transient_token_failures_are_retried_not_called_a_rejection() -> None:
    with running_sandbox() as server:
        server.app.fail_token_requests(3)  # dropped connection, 502, secondary rate limit (403 + Retry-After)
        waits: list[float] = []
        tokens = InstallationTokens(_sandbox_app(server), server.github_api_url, sleep=waits.append)
        token = tokens.token()
        posts = [e for e in server.request_log.entries if e.method == "POST"]
        assert [(e.status, e.fault) for e in posts] == [
            (0, "drop"),
            (502, "server_error"),
            (403, "secondary_rate_limit"),
            (201, "none"),
        ]
        assert len(waits) == 3 and waits[-1] == 1.0  # two backoffs, then the Retry-After
        with GitHubClient(server.github_api_url, token) as client:
            assert client.get(f"orgs/{server.org.login}/repos")


def test_token_failures_that_outlast_the_retries_are_unavailable_not_auth() -> None:
    with running_sandbox() as server:
        server.app.fail_token_requests(100)
        tokens = InstallationTokens(
            _sandbox_app(server),
            server.github_api_url,
            retry=RetryPolicy(max_retries=2),
            sleep=lambda _: None,
        )
        with pytest.raises(GitHubUnavailableError) as raised:
            tokens.token()
        assert "rejected" not in str(raised.value)


def test_a_run_as_a_github_app_survives_token_faults() -> None:
    with running_sandbox() as server:
        server.app.fail_token_requests(2)
        github = GitHubResource(
            api_url=server.github_api_url,
            app_id=str(server.app_id),
            app_private_key=server.app_private_key_pem,
            app_installation_id=str(server.installation_id),
            orgs=[server.org.login],
        )
        source = github.credentials()
        assert isinstance(source, InstallationTokens)
        source.sleep = lambda _: None  # the resource's own retry policy, without waiting in a test
        with GitHubClient(server.github_api_url, source) as client:
            assert client.get(f"orgs/{server.org.login}/repos")


@pytest.mark.parametrize(
    "bad_key",
    [
        "-----BEGIN RSA PRIVATE KEY-----\\nnot base64 at all\\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----",
    ],
)
def test_a_malformed_private_key_is_one_line_naming_the_variable(bad_key: str) -> None:
    github = GitHubResource(app_id="1", app_private_key=bad_key, app_installation_id="2", orgs=["acme"])
    with pytest.raises(GitHubConfigError) as raised:
        github.credentials()
    message = str(raised.value)
    assert message.startswith("GITHUB_APP_PRIVATE_KEY") and "\n" not in message
    assert "BEGIN" not in message and raised.value.__cause__ is None


def test_a_private_key_that_is_not_rsa_is_refused() -> None:
    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        .decode()
    )
    with pytest.raises(GitHubConfigError, match="GITHUB_APP_PRIVATE_KEY is not an RSA key"):
        AppCredentials.from_values("1", pem, "2")
