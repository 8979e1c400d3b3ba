"""The OAuth browser flows the receiver serves for `dexxy connect github|jira`.

- ``GET /oauth/{provider}/start``: a fresh ``state`` (32 random bytes), stored only as a keyed hash in
  ``ops.oauth_states`` with the browser session it belongs to and a ten-minute expiry; the session is a random
  id in a signed, HttpOnly, SameSite=Lax cookie (Secure behind https). Then 302 to the provider.
- ``GET /oauth/{provider}/callback?code&state``: the state is consumed (deleted: single use) and must belong
  to this provider, this browser's session, and be unexpired; otherwise 400 and nothing is stored. The code is
  exchanged (a reused or expired code: the provider's error, 400, nothing stored), the identity looked up,
  and the tokens stored encrypted in ``ops.connections``. GitHub: when the user has not installed the app yet
  (and GITHUB_APP_SLUG is set), the browser goes on to the installation page with a second state; its setup
  redirect (``installation_id``, ``setup_action=install``) comes back here, and the installation is stored
  only if ``GET /user/installations`` lists it for the user who just authorised.

Pages never show a token, a code or a state; the access log drops the query string of these paths
(``RedactOAuthQueries``). The keyed hashes and the cookie's signature use DEXXY_SECRET_KEY's first key.
"""

from __future__ import annotations

import html
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import Engine, text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from resources.connection_store import ConnectionStore
from resources.environment import env_list, env_value
from resources.github import DEFAULT_API_URL
from resources.github_oauth import CONNECTION_NAME as GITHUB_CONNECTION
from resources.github_oauth import PROVIDER as GITHUB_PROVIDER
from resources.github_oauth import GitHubOAuthApp
from resources.github_oauth import OAuthRefused as GitHubRefused
from resources.http.errors import ConfigError, ServiceError
from resources.jira_oauth import CONNECTION_NAME as JIRA_CONNECTION
from resources.jira_oauth import DEFAULT_API_ROOT, DEFAULT_AUTH_URL, OAuthApp, cloud_site, exchange_code
from resources.jira_oauth import PROVIDER as JIRA_PROVIDER
from resources.jira_oauth import OAuthRefused as JiraRefused
from resources.secret_box import SecretBox

COOKIE = "dexxy_oauth_session"
STATE_TTL_SECONDS = 600
PROVIDERS = ("github", "jira")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OAuthSettings:
    """What the flows need, from the environment: the key, the public URL and each provider's app."""

    box: SecretBox
    receiver_url: str | None  # DEXXY_RECEIVER_URL; None: the URL the browser reached the receiver at
    github: GitHubOAuthApp | None
    jira: OAuthApp | None
    jira_site_url: str | None = None  # JIRA_BASE_URL: which site, when the grant reaches several
    github_orgs: tuple[str, ...] = ()  # GITHUB_ORGS: which installation, when the user has several

    @classmethod
    def from_environment(cls) -> OAuthSettings | None:
        """None without DEXXY_SECRET_KEY (the OAuth routes then answer 503 saying so)."""
        if not env_value("DEXXY_SECRET_KEY"):
            return None
        api_url = (env_value("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")
        jira = None
        client_id, client_secret = env_value("JIRA_OAUTH_CLIENT_ID"), env_value("JIRA_OAUTH_CLIENT_SECRET")
        if client_id and client_secret:
            auth = (env_value("JIRA_OAUTH_AUTH_URL") or DEFAULT_AUTH_URL).rstrip("/")
            jira = OAuthApp(
                client_id,
                client_secret,
                env_value("JIRA_OAUTH_TOKEN_URL") or f"{auth}/oauth/token",
                (env_value("JIRA_OAUTH_API_ROOT") or DEFAULT_API_ROOT).rstrip("/"),
            )
        receiver = env_value("DEXXY_RECEIVER_URL")
        return cls(
            SecretBox.from_environment(),
            receiver.rstrip("/") if receiver else None,
            GitHubOAuthApp.from_environment(api_url),
            jira,
            env_value("JIRA_BASE_URL"),
            tuple(env_list("GITHUB_ORGS")),
        )

    def configured(self) -> list[str]:
        return [name for name, app in (("github", self.github), ("jira", self.jira)) if app is not None]


class RedactOAuthQueries(logging.Filter):
    """Drop the query string (code, state, installation id) of /oauth/ requests from uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            path = args[2]
            if path.startswith("/oauth/") and "?" in path:
                record.args = (*args[:2], path.split("?", 1)[0] + "?…", *args[3:])
        return True


def _page(status: int, title: str, line: str, advice: str = "") -> HTMLResponse:
    """A one-screen answer: what happened, and what to do. Never a secret."""
    body = f"<h1>{html.escape(title)}</h1><p>{html.escape(line)}</p>"
    if advice:
        body += f"<p><b>What to do:</b> {html.escape(advice)}</p>"
    document = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>Dexxy: {html.escape(title)}</title>"
        f"</head><body>{body}</body></html>"
    )
    return HTMLResponse(document, status_code=status, headers={"Cache-Control": "no-store"})


class _Flows:
    """The handlers, with the warehouse and the settings."""

    def __init__(self, engine: Engine, settings: OAuthSettings) -> None:
        self.engine = engine
        self.settings = settings
        self.box = settings.box
        self.store = ConnectionStore(engine, settings.box)

    # ----- session and state -----
    def _hash(self, purpose: str, value: str) -> str:
        return self.box.fingerprint(f"{purpose}:{value}")

    def session_of(self, request: Request) -> str | None:
        """The browser session id, if its cookie carries a valid signature."""
        sid, _, signature = (request.cookies.get(COOKIE) or "").partition(".")
        if sid and signature and secrets.compare_digest(signature, self._hash("cookie", sid)):
            return sid
        return None

    def new_state(self, provider: str, sid: str, step: str) -> str:
        state = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM ops.oauth_states WHERE expires_at < now()"))
            conn.execute(
                text(
                    "INSERT INTO ops.oauth_states (state_hash, provider, session_hash, step, expires_at) "
                    "VALUES (:s, :p, :sess, :step, now() + make_interval(secs => :ttl))"
                ),
                {
                    "s": self._hash("state", state),
                    "p": provider,
                    "sess": self._hash("session", sid),
                    "step": step,
                    "ttl": STATE_TTL_SECONDS,
                },
            )
        return state

    def consume_state(self, provider: str, state: str | None, sid: str | None, step: str) -> str | None:
        """Spend ``state``: None when it is this provider's, this session's, this step's and unexpired, else
        why not (one line for the page)."""
        if not state:
            return "the callback has no state"
        with self.engine.begin() as conn:
            row = conn.execute(
                text(
                    "DELETE FROM ops.oauth_states WHERE state_hash = :s "
                    "RETURNING provider, session_hash, step, expires_at < now() AS expired"
                ),
                {"s": self._hash("state", state)},
            ).one_or_none()
        if row is None:
            return "the state is unknown or was already used"
        if row.provider != provider or row.step != step:
            return "the state belongs to another authorisation"
        if sid is None or row.session_hash != self._hash("session", sid):
            return "the state was issued to another browser session"
        if row.expired:
            return f"the state has expired (after {STATE_TTL_SECONDS // 60} minutes)"
        return None

    def redirect_uri(self, request: Request, provider: str) -> str:
        base = self.settings.receiver_url or str(request.base_url).rstrip("/")
        return f"{base}/oauth/{provider}/callback"

    def with_cookie(self, response: Response, request: Request, sid: str) -> Response:
        secure = (self.settings.receiver_url or str(request.base_url)).startswith("https://")
        response.set_cookie(
            COOKIE,
            f"{sid}.{self._hash('cookie', sid)}",
            max_age=STATE_TTL_SECONDS,
            path="/oauth",
            httponly=True,
            samesite="lax",  # sent on the provider's top-level redirect back, not on cross-site posts
            secure=secure,
        )
        return response

    # ----- GitHub -----
    def github_connected(self, app: GitHubOAuthApp, code: str, redirect_uri: str) -> tuple[str, bool]:
        """Exchange, identify, store; (login, whether an installation is known)."""
        grant = app.exchange_code(code, redirect_uri)
        login = app.login(grant.access_token)
        installation = self._pick_installation(app.installations(grant.access_token))
        self.store.save(
            GITHUB_CONNECTION,
            GITHUB_PROVIDER,
            grant,
            account=login,
            site_url=app.web_url,
            installation_id=installation,
        )
        info = self.store.info(GITHUB_CONNECTION)
        return login, bool(info and info.installation_id)

    def _pick_installation(self, installations: dict[int, str]) -> int | None:
        """The user's one installation, else the one stored before if still theirs, else the one on the
        GITHUB_ORGS organisation; None: the user installs the app next."""
        if len(installations) == 1:
            return next(iter(installations))
        stored = self.store.info(GITHUB_CONNECTION)
        if stored and stored.installation_id in installations:
            return stored.installation_id
        orgs = {org.lower() for org in self.settings.github_orgs}
        on_orgs = [i for i, account in installations.items() if account.lower() in orgs]
        return on_orgs[0] if len(on_orgs) == 1 else None

    def github_installed(self, app: GitHubOAuthApp, installation_id: int) -> str | None:
        """Store the installation if the authorising user can reach it; None, else why not."""
        info = self.store.info(GITHUB_CONNECTION)
        if info is None:
            return "no GitHub authorisation is stored to check the installation with"
        token, _, _ = self.store.access(GITHUB_CONNECTION, app.refresh, now=time.time())
        if installation_id not in app.installations(token):
            return f"installation {installation_id} is not one of {info.account}'s installations"
        self.store.set_installation(GITHUB_CONNECTION, installation_id)
        return None

    # ----- Jira -----
    def jira_connected(self, app: OAuthApp, code: str, redirect_uri: str) -> str:
        grant = exchange_code(app, code, redirect_uri)
        cloud_id, site = cloud_site(
            app.api_root,
            grant.access_token,
            self.settings.jira_site_url,
            auth_variables="the new OAuth grant",
        )
        self.store.save(JIRA_CONNECTION, JIRA_PROVIDER, grant, account=site, site_url=site, cloud_id=cloud_id)
        return site

    # ----- handlers -----
    async def start(self, request: Request) -> Response:
        provider = request.path_params["provider"]
        unusable = self._unusable(provider)
        if unusable is not None:
            return unusable
        sid = self.session_of(request) or secrets.token_urlsafe(32)
        redirect_uri = self.redirect_uri(request, provider)
        state = await run_in_threadpool(self.new_state, provider, sid, "authorize")
        if provider == "github":
            assert self.settings.github is not None
            target = self.settings.github.authorize_url(redirect_uri, state)
        else:
            assert self.settings.jira is not None
            target = self.settings.jira.authorize_url(redirect_uri, state)
        return self.with_cookie(RedirectResponse(target, status_code=302), request, sid)

    async def callback(self, request: Request) -> Response:
        provider = request.path_params["provider"]
        unusable = self._unusable(provider)
        if unusable is not None:
            return unusable
        query = request.query_params
        sid = self.session_of(request)
        again = f"run `dexxy connect {provider}` again"
        if provider == "github" and query.get("installation_id") and not query.get("code"):
            return await self._installation(request, sid)
        wrong = await run_in_threadpool(self.consume_state, provider, query.get("state"), sid, "authorize")
        if wrong is not None:
            _log.warning("OAuth callback for %s refused: %s", provider, wrong)
            return _page(400, "Authorisation refused", f"Nothing was stored: {wrong}.", again)
        if query.get("error"):
            error = query.get("error", "")[:60]
            return _page(
                400, "Authorisation declined", f"The provider answered {error}; nothing was stored.", again
            )
        code = query.get("code")
        if not code:
            return _page(400, "Authorisation refused", "The callback has no code; nothing was stored.", again)
        redirect_uri = self.redirect_uri(request, provider)
        try:
            if provider == "github":
                app = self.settings.github
                assert app is not None
                login, installed = await run_in_threadpool(self.github_connected, app, code, redirect_uri)
                if not installed and app.slug:
                    state = await run_in_threadpool(self.new_state, provider, sid or "", "install")
                    target = app.install_url(state)
                    assert target is not None
                    return RedirectResponse(target, status_code=302)
                note = (
                    ""
                    if installed
                    else " (no installation: set GITHUB_APP_SLUG to install the app next time)"
                )
                return _page(200, "GitHub connected", f"Connected as {login}{note}. You can close this tab.")
            app_jira = self.settings.jira
            assert app_jira is not None
            site = await run_in_threadpool(self.jira_connected, app_jira, code, redirect_uri)
            return _page(200, "Jira connected", f"Connected to {site}. You can close this tab.")
        except (GitHubRefused, JiraRefused) as refused:
            _log.warning("OAuth code exchange for %s refused: %s", provider, refused.error)
            return _page(
                400,
                "Authorisation refused",
                f"The provider refused the code ({refused.error}: {refused.description}); nothing stored.",
                again,
            )
        except (ServiceError, httpx.HTTPError) as error:
            _log.warning("OAuth code exchange for %s failed: %s", provider, type(error).__name__)
            return _page(502, "Authorisation failed", _one_line(error), again)

    async def _installation(self, request: Request, sid: str | None) -> Response:
        query = request.query_params
        again = "run `dexxy connect github` again"
        wrong = await run_in_threadpool(self.consume_state, "github", query.get("state"), sid, "install")
        if wrong is not None:
            return _page(400, "Installation refused", f"Nothing was stored: {wrong}.", again)
        raw = query.get("installation_id", "")
        if not raw.isdigit():
            return _page(
                400, "Installation refused", "installation_id is not a number; nothing was stored.", again
            )
        app = self.settings.github
        assert app is not None
        try:
            wrong = await run_in_threadpool(self.github_installed, app, int(raw))
        except (ServiceError, httpx.HTTPError) as error:
            return _page(502, "Installation not checked", _one_line(error), again)
        if wrong is not None:
            return _page(400, "Installation refused", f"Nothing was stored: {wrong}.", again)
        return _page(200, "GitHub connected", f"Connected with installation {raw}. You can close this tab.")

    def _unusable(self, provider: str) -> Response | None:
        if provider not in PROVIDERS:
            return _page(404, "Unknown provider", f"No OAuth flow for {provider[:40]}: use github or jira.")
        app = self.settings.github if provider == "github" else self.settings.jira
        if app is None:
            variables = "GITHUB_APP_CLIENT_ID and GITHUB_APP_CLIENT_SECRET"
            if provider == "jira":
                variables = "JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET"
            return _page(
                503, "Not configured", f"{variables} are not set on the receiver.", "set them, restart"
            )
        return None


def _one_line(error: BaseException) -> str:
    return " ".join(str(error).split())[:300] or type(error).__name__


def oauth_routes(engine: Engine, settings: OAuthSettings | None) -> list[Route]:
    """The receiver's OAuth routes; without settings (no DEXXY_SECRET_KEY) they answer 503 saying so."""
    if settings is None:

        async def unavailable(request: Request) -> Response:
            return _page(
                503,
                "Not configured",
                "DEXXY_SECRET_KEY is not set on the receiver: stored tokens are encrypted with it.",
                "set DEXXY_SECRET_KEY (see .env.example) and restart `dexxy webhooks serve`",
            )

        handler: Callable[[Request], Any] = unavailable
        return [
            Route("/oauth/{provider}/start", handler, methods=["GET"]),
            Route("/oauth/{provider}/callback", handler, methods=["GET"]),
        ]
    flows = _Flows(engine, settings)
    return [
        Route("/oauth/{provider}/start", flows.start, methods=["GET"]),
        Route("/oauth/{provider}/callback", flows.callback, methods=["GET"]),
    ]


def settings_or_error() -> tuple[OAuthSettings | None, str | None]:
    """The settings, or why the OAuth routes are off (a bad DEXXY_SECRET_KEY is a one-line error)."""
    try:
        return OAuthSettings.from_environment(), None
    except ConfigError as error:
        return None, str(error)
