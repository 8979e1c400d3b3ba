"""Jira Cloud as a Dagster resource: configuration, scope and a ready client. Unset fields fall back to the
JIRA_* environment variables when a run starts (never when definitions load), so secrets never land in run
config or the event log.

Auth, in order of preference: the credentials in the environment — an OAuth 2.0 app (JIRA_OAUTH_CLIENT_ID +
JIRA_OAUTH_CLIENT_SECRET) with the rotating refresh token seeded by JIRA_OAUTH_REFRESH_TOKEN, a static OAuth
access token (JIRA_OAUTH_TOKEN), basic auth with an API token (JIRA_EMAIL + JIRA_API_TOKEN) — then the app's
connection stored by `dexxy connect jira`. Refresh tokens are kept encrypted in ``ops.connections``.
OAuth requests go through ``{JIRA_OAUTH_API_ROOT}/ex/jira/{cloudId}``; basic auth to JIRA_BASE_URL itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

import dagster as dg
import httpx
from pydantic import Field
from sqlalchemy import Engine

from resources.connection_store import ConnectionStore
from resources.environment import env_list, env_value
from resources.http.auth import BasicAuth, BearerAuth, Credentials
from resources.http.etag_cache import EtagCache
from resources.http.retry_policy import RetryPolicy
from resources.jira_adapter import JiraAdapter
from resources.jira_client import JiraClient
from resources.jira_errors import JiraConfigError
from resources.jira_oauth import (
    CONNECTION_NAME,
    DEFAULT_API_ROOT,
    DEFAULT_AUTH_URL,
    AtlassianTokens,
    OAuthApp,
    cloud_site,
    same_site,
)
from resources.secret_box import SecretBox

_PROJECT_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,254}$")


@dataclass(frozen=True)
class JiraScope:
    """What to sync: project keys, and optionally a watchlist of account ids or e-mails."""

    projects: tuple[str, ...]
    tracked_users: tuple[str, ...]

    def project_clause(self) -> str:
        """``project in (A, B)``: keys are validated, so they go into JQL as they are."""
        return f"project in ({', '.join(self.projects)})"


class JiraResource(dg.ConfigurableResource):
    """Jira Cloud REST v3 and agile access with an API token or OAuth 2.0."""

    base_url: str | None = Field(default=None, description="Site URL; unset → JIRA_BASE_URL.")
    email: str | None = Field(default=None, description="Unset → JIRA_EMAIL (basic auth with the API token).")
    api_token: str | None = Field(default=None, description="Unset → JIRA_API_TOKEN. Prefer EnvVar.")
    oauth_token: str | None = Field(
        default=None, description="Static OAuth access token; unset → JIRA_OAUTH_TOKEN."
    )
    oauth_client_id: str | None = Field(default=None, description="Unset → JIRA_OAUTH_CLIENT_ID.")
    oauth_client_secret: str | None = Field(default=None, description="Unset → JIRA_OAUTH_CLIENT_SECRET.")
    oauth_refresh_token: str | None = Field(
        default=None, description="First refresh token of the grant; unset → JIRA_OAUTH_REFRESH_TOKEN."
    )
    oauth_api_root: str | None = Field(
        default=None, description="Unset → JIRA_OAUTH_API_ROOT → https://api.atlassian.com."
    )
    oauth_token_url: str | None = Field(
        default=None, description="Unset → JIRA_OAUTH_TOKEN_URL → https://auth.atlassian.com/oauth/token."
    )
    projects: list[str] | None = Field(default=None, description="Project keys; unset → JIRA_PROJECTS.")
    tracked_users: list[str] | None = Field(
        default=None, description="Watchlist (account ids or e-mails); unset → JIRA_TRACKED_USERS: everyone."
    )
    timeout_seconds: float = 30.0
    max_retries: int = 5

    def _value(self, field: str | None, variable: str) -> str | None:
        return field or env_value(variable)

    def resolved_base_url(self) -> str | None:
        url = self._value(self.base_url, "JIRA_BASE_URL")
        return url.rstrip("/") if url else None

    def scope(self) -> JiraScope:
        """The validated scope: a key that is not a Jira project key stops the run with one line."""
        raw = self.projects if self.projects is not None else env_list("JIRA_PROJECTS")
        keys = tuple(dict.fromkeys(k.strip().upper() for k in raw if k.strip()))
        if not keys:
            raise JiraConfigError(
                "JIRA_PROJECTS is not set: list the project keys to sync, e.g. JIRA_PROJECTS=PAY,OPS"
            )
        bad = [k for k in keys if not _PROJECT_KEY.match(k)]
        if bad:
            raise JiraConfigError(
                f"JIRA_PROJECTS has {', '.join(bad)}, not project keys (a letter, then letters, digits or _)"
            )
        users = self.tracked_users if self.tracked_users is not None else env_list("JIRA_TRACKED_USERS")
        return JiraScope(keys, tuple(dict.fromkeys(u.strip() for u in users if u.strip())))

    def auth_mode(self) -> str:
        """``oauth`` (an app with rotating refresh tokens), ``oauth_token`` (static bearer) or ``basic``.

        Credentials in the environment win, as for GitHub: the OAuth app's seeded refresh token, then a
        static bearer, then basic; the app's stored connection only when none is set. So `.env` may hold the
        app's id and secret (for `dexxy connect jira`) beside an API token without switching runs to OAuth."""
        client_id = self._value(self.oauth_client_id, "JIRA_OAUTH_CLIENT_ID")
        client_secret = self._value(self.oauth_client_secret, "JIRA_OAUTH_CLIENT_SECRET")
        if (client_id or client_secret) and not (client_id and client_secret):
            raise JiraConfigError(
                "Jira OAuth needs JIRA_OAUTH_CLIENT_ID and JIRA_OAUTH_CLIENT_SECRET together"
            )
        oauth_app = bool(client_id and client_secret)
        if oauth_app and self._value(self.oauth_refresh_token, "JIRA_OAUTH_REFRESH_TOKEN"):
            return "oauth"
        if self._value(self.oauth_token, "JIRA_OAUTH_TOKEN"):
            return "oauth_token"
        email, token = self._value(self.email, "JIRA_EMAIL"), self._value(self.api_token, "JIRA_API_TOKEN")
        if email and token:
            return "basic"
        if oauth_app:
            return "oauth"
        if email or token:
            missing = "JIRA_API_TOKEN" if email else "JIRA_EMAIL"
            raise JiraConfigError(
                f"{missing} is not set: basic auth needs JIRA_EMAIL and JIRA_API_TOKEN together"
            )
        raise JiraConfigError(
            "JIRA_API_TOKEN is not set: set JIRA_EMAIL + JIRA_API_TOKEN (an API token of that account), "
            "JIRA_OAUTH_TOKEN, or the JIRA_OAUTH_CLIENT_* app (then `dexxy connect jira`), or run "
            "`dexxy sandbox serve` for local lines"
        )

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(max_retries=self.max_retries)

    def resolved_oauth_api_root(self) -> str:
        return (self._value(self.oauth_api_root, "JIRA_OAUTH_API_ROOT") or DEFAULT_API_ROOT).rstrip("/")

    def oauth_tokens(self, engine: Engine | None) -> AtlassianTokens:
        """The rotating token source of the OAuth app; its refresh token lives in ``ops.connections``."""
        if engine is None:
            raise JiraConfigError(
                "Jira OAuth stores its rotating refresh token in the warehouse: pass its engine"
            )
        app = OAuthApp(
            self._value(self.oauth_client_id, "JIRA_OAUTH_CLIENT_ID") or "",
            self._value(self.oauth_client_secret, "JIRA_OAUTH_CLIENT_SECRET") or "",
            self._value(self.oauth_token_url, "JIRA_OAUTH_TOKEN_URL")
            or f"{(env_value('JIRA_OAUTH_AUTH_URL') or DEFAULT_AUTH_URL).rstrip('/')}/oauth/token",
            self.resolved_oauth_api_root(),
        )
        store = ConnectionStore(engine, SecretBox.from_environment())
        return AtlassianTokens(
            app,
            store,
            self._value(self.oauth_refresh_token, "JIRA_OAUTH_REFRESH_TOKEN"),
            retry=self.retry_policy(),
            timeout_seconds=self.timeout_seconds,
        )

    def _stored_cloud_id(self, engine: Engine | None, base_url: str | None) -> str | None:
        """The cloud id `dexxy connect jira` stored, when it is JIRA_BASE_URL's site (or that is unset)."""
        if engine is None:
            return None
        info = ConnectionStore(engine, SecretBox.from_environment()).info(CONNECTION_NAME)
        if info is None or not info.cloud_id or (base_url and not same_site(base_url, info.site_url)):
            return None
        return info.cloud_id

    def client(
        self,
        engine: Engine | None = None,
        etag_cache: EtagCache | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> JiraClient:
        """A client for the configured site. ``engine``: the warehouse, needed by the OAuth app mode only.
        ``sleep`` (how a backoff passes) and ``transport`` (what carries the site's requests) are for tests
        that shorten waits or inject faults below the client, as ``GitHubResource.client``'s; production
        leaves both alone. The OAuth modes' one call to find the site's cloud id keeps its own transport."""
        mode = self.auth_mode()
        base_url = self.resolved_base_url()
        credentials: Credentials
        if mode == "basic":
            if not base_url:
                raise JiraConfigError(
                    "JIRA_BASE_URL is not set: the site URL, e.g. https://acme.atlassian.net"
                )
            credentials = BasicAuth(
                self._value(self.email, "JIRA_EMAIL") or "",
                self._value(self.api_token, "JIRA_API_TOKEN") or "",
            )
            adapter = JiraAdapter(credentials)
        else:
            cloud_id = None
            if mode == "oauth":
                token: str | AtlassianTokens = self.oauth_tokens(engine)
                variables = "OAuth grant (JIRA_OAUTH_REFRESH_TOKEN, JIRA_OAUTH_CLIENT_ID/SECRET)"
                if not self._value(self.oauth_refresh_token, "JIRA_OAUTH_REFRESH_TOKEN"):
                    variables = "connection stored by `dexxy connect jira`"
                    cloud_id = self._stored_cloud_id(engine, base_url)
            else:
                token = self._value(self.oauth_token, "JIRA_OAUTH_TOKEN") or ""
                variables = "JIRA_OAUTH_TOKEN"
            if cloud_id is None:
                cloud_id, _ = cloud_site(
                    self.resolved_oauth_api_root(),
                    token,
                    base_url,
                    auth_variables=variables,
                    retry=self.retry_policy(),
                    timeout_seconds=self.timeout_seconds,
                    sleep=sleep,
                )
            base_url = f"{self.resolved_oauth_api_root()}/ex/jira/{cloud_id}"
            adapter = JiraAdapter(
                BearerAuth(token), auth_variables=variables, base_url_env="JIRA_OAUTH_API_ROOT"
            )
        return JiraClient(
            base_url,
            adapter,
            timeout_seconds=self.timeout_seconds,
            retry=self.retry_policy(),
            etag_cache=etag_cache,
            sleep=sleep,
            transport=transport,
        )
