"""GitHub App auth: the JWT's claims, installation tokens against the sandbox, renewal before expiry."""

from __future__ import annotations

import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from resources.github_app_auth import REFRESH_MARGIN_SECONDS, AppCredentials, InstallationTokens, app_jwt
from resources.github_client import GitHubClient
from resources.github_errors import GitHubAuthError, GitHubConfigError
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
