"""A sandbox and a receiver serving the OAuth flows against it, and a form-submitting HTTP "browser" for the
tests that do not need a real one (tests/browser.py has the real one)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Engine, text

from dexxy_sandbox.server import SandboxServer
from resources.github_oauth import GitHubOAuthApp
from resources.jira_oauth import OAuthApp
from resources.secret_box import SecretBox
from sensors.oauth_routes import OAuthSettings
from sensors.webhook_receiver import Secrets, build_app, serving_in_background
from tests.sandbox_fixtures import running_sandbox

KEY = Fernet.generate_key().decode()


@dataclass(frozen=True)
class OAuthRig:
    sandbox: SandboxServer
    receiver: str  # the receiver's base URL
    engine: Engine
    github: GitHubOAuthApp
    jira: OAuthApp


def github_app(sandbox: SandboxServer, slug: str | None) -> GitHubOAuthApp:
    oauth = sandbox.github_oauth
    return GitHubOAuthApp(oauth.client_id, oauth.client_secret, sandbox.url, sandbox.github_api_url, slug)


def jira_app(sandbox: SandboxServer) -> OAuthApp:
    oauth = sandbox.jira.oauth
    base = sandbox.jira_base_url
    return OAuthApp(oauth.client_id, oauth.client_secret, f"{base}/oauth/token", base)


@contextmanager
def oauth_rig(engine: Engine, *, slug: str | None = "dexxy-sandbox") -> Iterator[OAuthRig]:
    """A small sandbox, and the receiver with only the key and the OAuth apps (no webhook secrets)."""
    with running_sandbox(engineers=4, repos=2, days=10) as sandbox:
        settings = OAuthSettings(
            SecretBox(KEY), None, github_app(sandbox, slug), jira_app(sandbox), None, (sandbox.org.login,)
        )
        app = build_app(engine, Secrets(github=None, jira=None), settings)
        with serving_in_background(app) as receiver:
            yield OAuthRig(sandbox, receiver, engine, settings.github, settings.jira)  # type: ignore[arg-type]


def use_stored_connections(monkeypatch: pytest.MonkeyPatch, rig: OAuthRig, database_url: str) -> None:
    """The environment of a run that has no token of its own: the key, the apps' client settings."""
    sandbox = rig.sandbox
    for name, value in {
        "DEXXY_SECRET_KEY": KEY,
        "DATABASE_URL": database_url,
        "GITHUB_API_URL": sandbox.github_api_url,
        "GITHUB_WEB_URL": sandbox.url,
        "GITHUB_ORGS": sandbox.org.login,
        "GITHUB_APP_CLIENT_ID": rig.github.client_id,
        "GITHUB_APP_CLIENT_SECRET": rig.github.client_secret,
        "JIRA_OAUTH_CLIENT_ID": rig.jira.client_id,
        "JIRA_OAUTH_CLIENT_SECRET": rig.jira.client_secret,
        "JIRA_OAUTH_AUTH_URL": sandbox.jira_base_url,
        "JIRA_OAUTH_API_ROOT": sandbox.jira_base_url,
    }.items():
        monkeypatch.setenv(name, value)


def stored_rows(engine: Engine) -> dict[str, str]:
    """Each connection's whole row as text (to look for plaintext tokens in it)."""
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT name, row_to_json(c)::text AS row FROM ops.connections c")).all()
    return {row.name: row.row for row in rows}


class _Forms(HTMLParser):
    """The first form of a page: its action and its inputs (hidden fields)."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action, self._in_form = values.get("action") or "", True
        elif tag == "input" and self._in_form and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = False


def submit_first_form(client: httpx.Client, page: httpx.Response, button: dict[str, str]) -> httpx.Response:
    """Press ``button`` (name: value) on ``page``'s form, as a browser would (following redirects)."""
    form = _Forms()
    form.feed(page.text)
    assert form.action is not None, page.text[:300]
    target = urljoin(str(page.url), form.action) if form.action else str(page.url)
    return client.post(target, data={**form.fields, **button})


APPROVE = {"github": {"authorize": "1"}, "jira": {"decision": "accept"}}


def authorise_over_http(client: httpx.Client, receiver: str, provider: str) -> httpx.Response:
    """The whole flow with a cookie-keeping HTTP client: start, consent, (install), callback page."""
    consent = client.get(f"{receiver}/oauth/{provider}/start")
    assert consent.status_code == 200, consent.text[:300]
    answer = submit_first_form(client, consent, APPROVE[provider])
    if "installations/new" in str(answer.url):
        answer = submit_first_form(client, answer, {})
    return answer


def query_of(url: str | httpx.URL) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(str(url)).query).items()}
