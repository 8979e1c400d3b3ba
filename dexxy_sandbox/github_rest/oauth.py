"""GitHub App user authorisation and installation as the sandbox plays github.com and api.github.com.

Web (mounted at the server root, which stands for github.com): ``GET /login/oauth/authorize`` shows the
consent page with an "Authorize" button (a form posting back to the same URL, which redirects to
``redirect_uri?code&state``); ``POST /login/oauth/access_token`` exchanges a code (single use, ten minutes)
or a refresh token (``grant_type=refresh_token``; rotating: the old one is spent) for a ``ghu_`` user access
token (``expires_in`` 28800) and a ``ghr_`` refresh token (``refresh_token_expires_in`` six months); errors
come as GitHub sends them: **200** with ``error``, ``error_description`` and ``error_uri``.
``GET /apps/{slug}/installations/new`` is the installation page; installing redirects to the setup URL
(the registered one, else the last authorised ``redirect_uri``) with ``installation_id``,
``setup_action=install`` and the ``state`` it was given; only then does ``/user/installations`` list it.

API (under the REST root): ``GET /user``, ``GET /user/installations`` for a user token, and
``DELETE /applications/{client_id}/grant`` (basic auth with the client id and secret) revoking every token of
the grant. The REST and GraphQL emulators accept the issued user tokens until they expire (``Credentials``).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from dexxy_sandbox.github_rest.app_auth import INSTALLATION_PERMISSIONS, GitHubApp
from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.web_page import html_page

CLIENT_ID = "Iv23liSandboxDexxy01"
CLIENT_SECRET = "sandbox-github-app-client-secret"
SLUG = "dexxy-sandbox"
CODE_TTL_SECONDS = 600  # GitHub: a code expires after ten minutes
ACCESS_TTL_SECONDS = 28800  # eight hours
REFRESH_TTL_SECONDS = 15897600  # six months
_TROUBLESHOOTING = (
    "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors"
)
_ERRORS = {
    "incorrect_client_credentials": "The client_id and/or client_secret passed are incorrect.",
    "redirect_uri_mismatch": "The redirect_uri MUST match the registered callback URL for this application.",
    "bad_verification_code": "The code passed is incorrect or expired.",
    "bad_refresh_token": "The refresh token passed is incorrect or expired.",
    "unsupported_grant_type": "The grant type is not supported.",
}


@dataclass
class _Code:
    redirect_uri: str
    expires_at: float


@dataclass
class _Grant:
    """One user's authorisation of the app: its live tokens (revoking the grant drops them all)."""

    access: dict[str, float]  # token -> expires at
    refresh: dict[str, float]


class GitHubOAuth:
    """The app's OAuth side and the user who authorises it (the org's first member)."""

    def __init__(
        self,
        org: SyntheticOrg,
        app: GitHubApp,
        *,
        clock: Callable[[], float] = time.time,
        client_id: str = CLIENT_ID,
        client_secret: str = CLIENT_SECRET,
        slug: str = SLUG,
        access_ttl_seconds: float = ACCESS_TTL_SECONDS,
        setup_url: str | None = None,
        installed: bool = False,
    ) -> None:
        self.org = org
        self.app = app
        self.clock = clock
        self.client_id = client_id
        self.client_secret = client_secret
        self.slug = slug
        self.access_ttl_seconds = access_ttl_seconds
        self.setup_url = setup_url
        self.last_redirect_uri: str | None = None
        self.installed = installed  # whether the user has installed the app (the installation page does)
        members = org.members()
        self.user = members[0] if members else None
        self._lock = threading.Lock()
        self._issued = 0
        self._codes: dict[str, _Code] = {}
        self._grant = _Grant({}, {})
        self.refreshes = 0  # successful refresh-token exchanges, for tests
        self.revocations = 0

    def _token(self, prefix: str) -> str:
        self._issued += 1
        digest = hashlib.blake2b(f"{self.client_id}/{prefix}/{self._issued}".encode(), digest_size=24)
        return f"{prefix}_{base64.b32encode(digest.digest()).decode().rstrip('=')[:36]}"

    # ----- authorisation -----
    def issue_code(self, redirect_uri: str) -> str:
        """What the consent page's redirect carries: single use, bound to ``redirect_uri``, ten minutes."""
        with self._lock:
            code = self._token("code")[5:25]
            self._codes[code] = _Code(redirect_uri, self.clock() + CODE_TTL_SECONDS)
            self.last_redirect_uri = redirect_uri
        return code

    def token(self, params: dict[str, str]) -> dict[str, Any]:
        """``POST /login/oauth/access_token``: GitHub answers 200 even for an error (``error`` field)."""
        if params.get("client_id") != self.client_id or params.get("client_secret") != self.client_secret:
            return _error("incorrect_client_credentials")
        with self._lock:
            now = self.clock()
            if params.get("grant_type") == "refresh_token":
                refresh = params.get("refresh_token", "")
                if self._grant.refresh.pop(refresh, 0.0) <= now:  # unknown, spent, revoked or expired
                    return _error("bad_refresh_token")
                self.refreshes += 1
            elif params.get("grant_type", "authorization_code") == "authorization_code":
                code = self._codes.pop(params.get("code", ""), None)  # spent on first use, right or wrong
                if code is None or code.expires_at <= now:
                    return _error("bad_verification_code")
                if params.get("redirect_uri") and params["redirect_uri"] != code.redirect_uri:
                    return _error("redirect_uri_mismatch")
            else:
                return _error("unsupported_grant_type")
            access, refresh = self._token("ghu"), self._token("ghr")
            self._grant.access[access] = now + self.access_ttl_seconds
            self._grant.refresh[refresh] = now + REFRESH_TTL_SECONDS
        return {
            "access_token": access,
            "expires_in": int(self.access_ttl_seconds),
            "refresh_token": refresh,
            "refresh_token_expires_in": REFRESH_TTL_SECONDS,
            "scope": "",
            "token_type": "bearer",
        }

    def access_valid(self, token: str | None) -> bool:
        with self._lock:
            expires = self._grant.access.get(token or "")
        return expires is not None and self.clock() < expires

    def live_tokens(self) -> list[str]:
        """Every access and refresh token that still works (tests look for them where they must not be)."""
        with self._lock:
            return [*self._grant.access, *self._grant.refresh]

    def revoke_grant(self) -> None:
        """The user revokes the app (settings, or ``DELETE /applications/{client_id}/grant``)."""
        with self._lock:
            self._grant = _Grant({}, {})
            self.revocations += 1

    def install_redirect(self, state: str | None) -> str:
        """Where installing sends the browser: the setup URL with the installation and the state."""
        target = self.setup_url or self.last_redirect_uri
        if not target:
            raise ValueError("no setup URL registered and no authorisation seen yet")
        query = {"installation_id": str(self.app.installation_id), "setup_action": "install"}
        if state:
            query["state"] = state
        return f"{target}{'&' if '?' in target else '?'}{urlencode(query)}"

    # ----- API payloads -----
    def user_payload(self) -> dict[str, Any]:
        user = self.user
        login, uid = (user.login, user.id) if user is not None else ("ghost", 10137)
        return {"login": login, "id": uid, "type": "User", "site_admin": False}

    def installations_payload(self) -> dict[str, Any]:
        """`GET /user/installations`: the app's installation once the user installed it."""
        org = self.org
        if not self.installed:
            return {"total_count": 0, "installations": []}
        return {
            "total_count": 1,
            "installations": [
                {
                    "id": self.app.installation_id,
                    "app_id": self.app.app_id,
                    "app_slug": self.slug,
                    "target_type": "Organization",
                    "account": {"login": org.login, "id": org.id, "type": "Organization"},
                    "repository_selection": "all",
                    "permissions": dict(INSTALLATION_PERMISSIONS),
                    "events": ["pull_request", "installation"],
                }
            ],
        }

    # ----- ASGI apps -----
    def web_login_app(self) -> Starlette:
        """Mounted at ``/login``: ``/oauth/authorize`` and ``/oauth/access_token``."""
        return Starlette(
            routes=[
                Route("/oauth/authorize", self._authorize_page, methods=["GET"]),
                Route("/oauth/authorize", self._authorize_decision, methods=["POST"]),
                Route("/oauth/access_token", self._access_token, methods=["POST"]),
            ]
        )

    def web_apps_app(self) -> Starlette:
        """Mounted at ``/apps``: ``/{slug}/installations/new``."""
        return Starlette(
            routes=[
                Route("/{slug}/installations/new", self._install_page, methods=["GET"]),
                Route("/{slug}/installations/new", self._install_decision, methods=["POST"]),
            ]
        )

    def api_user_app(self) -> Starlette:
        """Mounted at ``{REST root}/user``: ``/`` and ``/installations``."""
        return Starlette(
            routes=[
                Route("/", self._api_user, methods=["GET"]),
                Route("/installations", self._api_installations, methods=["GET"]),
            ]
        )

    def api_applications_app(self) -> Starlette:
        """Mounted at ``{REST root}/applications``: ``DELETE /{client_id}/grant``."""
        return Starlette(routes=[Route("/{client_id}/grant", self._api_revoke, methods=["DELETE"])])

    async def _authorize_page(self, request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != self.client_id:
            return HTMLResponse(html_page("404", "<p>This application is not known.</p>"), status_code=404)
        redirect_uri = query.get("redirect_uri", "")
        if not redirect_uri.startswith(("http://", "https://")):
            return HTMLResponse(
                html_page("Error", "<p>redirect_uri is missing or invalid.</p>"), status_code=400
            )
        fields = "".join(
            f'<input type="hidden" name="{name}" value="{html.escape(query.get(name, ""))}">'
            for name in ("client_id", "redirect_uri", "state")
        )
        login = self.user.login if self.user is not None else "ghost"
        body = (
            f"<h1>Authorize {html.escape(self.slug)}</h1>"
            f"<p>Signed in as <b>{html.escape(login)}</b>. The app will act on your behalf.</p>"
            f'<form method="post" action="/login/oauth/authorize">{fields}'
            '<button type="submit" name="authorize" value="1" id="js-oauth-authorize-btn">Authorize</button>'
            '<button type="submit" name="authorize" value="0" id="js-oauth-cancel-btn">Cancel</button>'
            "</form>"
        )
        return HTMLResponse(html_page(f"Authorize {self.slug}", body))

    async def _authorize_decision(self, request: Request) -> Response:
        form = dict(parse_qsl((await request.body()).decode()))
        if form.get("client_id") != self.client_id:
            return HTMLResponse(html_page("404", "<p>This application is not known.</p>"), status_code=404)
        redirect_uri = form.get("redirect_uri", "")
        query: dict[str, str]
        if form.get("authorize") == "1":
            query = {"code": self.issue_code(redirect_uri)}
        else:
            query = {
                "error": "access_denied",
                "error_description": "The user has denied your application access.",
                "error_uri": f"{_TROUBLESHOOTING}#access-denied",
            }
        if form.get("state"):
            query["state"] = form["state"]
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)

    async def _access_token(self, request: Request) -> Response:
        raw = (await request.body()).decode()
        params: dict[str, str] = dict(request.query_params)
        if request.headers.get("content-type", "").startswith("application/json"):
            try:
                body = json.loads(raw or "{}")
            except ValueError:
                return JSONResponse({"message": "Problems parsing JSON"}, status_code=400)
            params.update({k: str(v) for k, v in body.items()} if isinstance(body, dict) else {})
        else:
            params.update(dict(parse_qsl(raw)))
        answer = self.token(params)
        if "application/json" in request.headers.get("accept", ""):
            return JSONResponse(answer)
        return PlainTextResponse(urlencode(answer), media_type="application/x-www-form-urlencoded")

    async def _install_page(self, request: Request) -> Response:
        if request.path_params["slug"] != self.slug:
            return HTMLResponse(html_page("404", "<p>This app is not known.</p>"), status_code=404)
        state = html.escape(request.query_params.get("state", ""))
        body = (
            f"<h1>Install {html.escape(self.slug)}</h1>"
            f"<p>Install on your organization <b>{html.escape(self.org.login)}</b>: all repositories.</p>"
            f'<form method="post"><input type="hidden" name="state" value="{state}">'
            '<button type="submit" id="js-install-btn">Install</button></form>'
        )
        return HTMLResponse(html_page(f"Install {self.slug}", body))

    async def _install_decision(self, request: Request) -> Response:
        if request.path_params["slug"] != self.slug:
            return HTMLResponse(html_page("404", "<p>This app is not known.</p>"), status_code=404)
        form = dict(parse_qsl((await request.body()).decode()))
        self.installed = True
        try:
            target = self.install_redirect(form.get("state"))
        except ValueError:
            return HTMLResponse(html_page("Installed", "<p>Installed; no setup URL to return to.</p>"))
        return RedirectResponse(target, status_code=302)

    def _bearer(self, request: Request) -> str | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        return token.strip() if scheme.lower() in ("bearer", "token") else None

    async def _api_user(self, request: Request) -> Response:
        if not self.access_valid(self._bearer(request)):
            return _api_error(401, "Bad credentials")
        return JSONResponse(self.user_payload())

    async def _api_installations(self, request: Request) -> Response:
        if not self.access_valid(self._bearer(request)):
            return _api_error(401, "Bad credentials")
        return JSONResponse(self.installations_payload())

    async def _api_revoke(self, request: Request) -> Response:
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        try:
            user, _, secret = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            user = secret = ""
        if scheme.lower() != "basic" or user != self.client_id or secret != self.client_secret:
            return _api_error(401, "Requires authentication")
        if request.path_params["client_id"] != self.client_id:
            return _api_error(404, "Not Found")
        try:
            body = json.loads((await request.body()).decode() or "{}")
        except ValueError:
            return _api_error(400, "Problems parsing JSON")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            return _api_error(422, 'Invalid request.\n\n"access_token" wasn\'t supplied.')
        with self._lock:
            known = token in self._grant.access
        if not known:
            return _api_error(404, "Not Found")
        self.revoke_grant()
        return Response(status_code=204)


def _error(code: str) -> dict[str, str]:
    anchor = code.replace("_", "-")
    return {"error": code, "error_description": _ERRORS[code], "error_uri": f"{_TROUBLESHOOTING}#{anchor}"}


def _api_error(status: int, message: str) -> JSONResponse:
    body = {"message": message, "documentation_url": "https://docs.github.com/rest", "status": str(status)}
    return JSONResponse(body, status_code=status)
