"""GitHub as a Dagster resource: configuration, scope and a ready client.

Credentials, the environment first: the GitHub App (GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY +
GITHUB_APP_INSTALLATION_ID), GITHUB_TOKEN; then, when DEXXY_SECRET_KEY is set, the connection stored by
`dexxy connect github`: its installation (with GITHUB_APP_ID + GITHUB_APP_PRIVATE_KEY) or its user access
token (refreshed with GITHUB_APP_CLIENT_ID + GITHUB_APP_CLIENT_SECRET)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import dagster as dg
import httpx
from pydantic import Field
from sqlalchemy import Engine

from resources.connection_store import ConnectionStore
from resources.environment import env_list, env_value
from resources.github_app_auth import AppCredentials, InstallationTokens
from resources.github_client import GitHubClient
from resources.github_errors import GitHubConfigError
from resources.github_names import is_login, is_repo_name, validate_orgs, validate_repos
from resources.github_oauth import CONNECTION_NAME, GitHubOAuthApp, GitHubUserTokens
from resources.http.etag_cache import EtagCache
from resources.http.retry_policy import RetryPolicy
from resources.secret_box import SECRET_KEY_ENV, SecretBox
from resources.warehouse import resolve_database_url, warehouse_engine

DEFAULT_API_URL = "https://api.github.com"
SUPPORTED_FETCH_MODES = ("graphql", "rest")


@dataclass(frozen=True)
class GitHubScope:
    """What to sync: organisations, and optionally an allow-list of ``owner/name`` repositories, minus the
    archived scopes (repositories or organisations removed from the installation: their history stays, or
    paused by an admin)."""

    orgs: tuple[str, ...]
    repos: tuple[str, ...]
    archived: frozenset[str] = frozenset()  # lower case

    def allows(self, full_name: str) -> bool:
        name = full_name.lower()
        if name in self.archived or name.split("/", 1)[0] in self.archived:
            return False
        return not self.repos or name in {r.lower() for r in self.repos}


class GitHubResource(dg.ConfigurableResource):
    """GitHub access (REST and GraphQL) with a token or as a GitHub App. Unset fields fall back to the
    GITHUB_* environment variables when a run starts, so secrets never land in run config or the event log."""

    api_url: str | None = Field(
        default=None, description="REST root; unset → GITHUB_API_URL → api.github.com"
    )
    token: str | None = Field(default=None, description="Unset → GITHUB_TOKEN. Prefer EnvVar if you set it.")
    app_id: str | None = Field(default=None, description="GitHub App id; unset → GITHUB_APP_ID.")
    app_private_key: str | None = Field(
        default=None, description="PEM or path to it; unset → GITHUB_APP_PRIVATE_KEY. Prefer EnvVar."
    )
    app_installation_id: str | None = Field(default=None, description="Unset → GITHUB_APP_INSTALLATION_ID.")
    orgs: list[str] | None = Field(default=None, description="Unset → GITHUB_ORGS (comma list).")
    repos: list[str] | None = Field(default=None, description="Allow-list owner/name; unset → GITHUB_REPOS.")
    fetch_mode: str | None = Field(
        default=None, description="graphql (bulk) or rest; unset → GITHUB_FETCH_MODE → graphql."
    )
    added_scopes: list[str] | None = Field(
        default=None,
        description="Organisations or owner/name repositories added by the GitHub App's installation "
        "events (ops.sync_state): synced besides GITHUB_ORGS; a repository extends a GITHUB_REPOS "
        "allow-list. Set by the ingestion factory.",
    )
    archived_scopes: list[str] | None = Field(
        default=None,
        description="Repositories (owner/name) or organisations left out: removed from the installation "
        "(archived, history kept) or paused. Set by the ingestion factory from ops.sync_state.",
    )
    max_concurrency: int = Field(default=4, description="Parallel requests for per-PR detail.")
    timeout_seconds: float = 30.0
    max_retries: int = 5

    def resolved_api_url(self) -> str:
        return (self.api_url or env_value("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")

    def scope(self) -> GitHubScope:
        """The validated scope: a name that breaks GitHub's naming rules stops the run with one line."""
        orgs = tuple(self.orgs if self.orgs is not None else env_list("GITHUB_ORGS"))
        repos = tuple(self.repos if self.repos is not None else env_list("GITHUB_REPOS"))
        validate_orgs(orgs, "GITHUB_ORGS" if self.orgs is None else "the github resource's orgs")
        validate_repos(repos, "GITHUB_REPOS" if self.repos is None else "the github resource's repos")
        orgs, repos = _with_added(orgs, repos, self.added_scopes or ())
        if not orgs and not repos:
            raise GitHubConfigError(
                "GITHUB_ORGS is not set: list the organisations to sync, e.g. GITHUB_ORGS=acme"
            )
        archived = frozenset(s.lower() for s in self.archived_scopes or ())
        kept_orgs = tuple(o for o in orgs if o.lower() not in archived)
        kept_repos = tuple(r for r in repos if GitHubScope((), (), archived).allows(r))
        if (orgs or repos) and not (kept_orgs or kept_repos):
            raise GitHubConfigError(
                "every configured organisation and repository is archived in ops.sync_state (removed from "
                "the installation): `dexxy sync status --source github` shows them"
            )
        return GitHubScope(kept_orgs, kept_repos, archived)

    def scoped(self, added: frozenset[str], left_out: frozenset[str]) -> GitHubResource:
        """This resource with the organisations or repositories an installation added, and without the
        archived or paused ones."""
        return self.model_copy(
            update={
                "added_scopes": sorted({*(self.added_scopes or ()), *added}),
                "archived_scopes": sorted({*(self.archived_scopes or ()), *left_out}),
            }
        )

    def resolved_fetch_mode(self) -> str:
        mode = (self.fetch_mode or env_value("GITHUB_FETCH_MODE") or "graphql").lower()
        if mode not in SUPPORTED_FETCH_MODES:
            raise GitHubConfigError(f"GITHUB_FETCH_MODE={mode} is not a fetch mode: use graphql or rest")
        return mode

    def credentials(self, engine: Engine | None = None) -> str | InstallationTokens | GitHubUserTokens:
        """The GitHub App when all three are set (preferred), else the token, else the stored connection
        (``engine``: the warehouse; unset → DATABASE_URL's)."""
        app_id = self.app_id or env_value("GITHUB_APP_ID")
        key = self.app_private_key or env_value("GITHUB_APP_PRIVATE_KEY")
        installation = self.app_installation_id or env_value("GITHUB_APP_INSTALLATION_ID")
        if app_id and key and installation:
            return self._installation(app_id, key, installation)
        if (app_id or key or installation) and not (app_id and key):
            raise GitHubConfigError(
                "GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID "
                "together"
            )
        token = self.token or env_value("GITHUB_TOKEN")
        if token and not app_id:
            return token
        store = self._store(engine)
        stored = store.info(CONNECTION_NAME) if store is not None else None
        if store is not None and stored is not None:
            if app_id and key and stored.installation_id:
                return self._installation(app_id, key, str(stored.installation_id))
            if not app_id:
                oauth_app = GitHubOAuthApp.from_environment(self.resolved_api_url())
                if oauth_app is None:
                    raise GitHubConfigError(
                        "the stored GitHub connection needs GITHUB_APP_CLIENT_ID and "
                        "GITHUB_APP_CLIENT_SECRET to refresh its token"
                    )
                return GitHubUserTokens(oauth_app, store)
        if app_id:
            raise GitHubConfigError(
                "GitHub App auth needs GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID "
                "together (or an installation stored by `dexxy connect github`)"
            )
        raise GitHubConfigError(
            "GITHUB_TOKEN is not set: export a token with repo and read:org scopes, set the GITHUB_APP_* "
            "variables, run `dexxy connect github`, or `dexxy sandbox serve` and paste its lines into .env"
        )

    def _installation(self, app_id: str, key: str, installation: str) -> InstallationTokens:
        return InstallationTokens(
            AppCredentials.from_values(app_id, key, installation),
            self.resolved_api_url(),
            timeout_seconds=self.timeout_seconds,
            retry=self.retry_policy(),
        )

    def _store(self, engine: Engine | None) -> ConnectionStore | None:
        """The stored connections, when DEXXY_SECRET_KEY says there may be some (else no database is
        touched)."""
        if not env_value(SECRET_KEY_ENV):
            return None
        if engine is None:
            engine = warehouse_engine(resolve_database_url())
        return ConnectionStore(engine, SecretBox.from_environment())

    def retry_policy(self) -> RetryPolicy:
        """One policy for every request, the installation-token request included."""
        return RetryPolicy(max_retries=self.max_retries)

    def client(
        self,
        etag_cache: EtagCache | None = None,
        engine: Engine | None = None,
        *,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> GitHubClient:
        """A client for the configured API. ``sleep`` (how a rate-limit wait or backoff passes) and
        ``transport`` (what carries the requests) are for tests that shorten waits or inject faults below
        the client; production leaves both alone. ``engine``: the warehouse holding a stored connection."""
        return GitHubClient(
            self.resolved_api_url(),
            self.credentials(engine),
            timeout_seconds=self.timeout_seconds,
            retry=self.retry_policy(),
            etag_cache=etag_cache,
            sleep=sleep,
            transport=transport,
        )


def _with_added(
    orgs: tuple[str, ...], repos: tuple[str, ...], added: Iterable[str]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """GITHUB_ORGS / GITHUB_REPOS plus the scopes installation events added: an organisation joins the
    orgs; a repository joins an allow-list (without one, its organisation's scope already holds it, and a
    repository of another owner joins as a one-repository allow-list would narrow everything: it is left
    for GITHUB_ORGS). A name that breaks GitHub's naming rules is ignored (it came from a payload)."""
    known_orgs = {o.lower() for o in orgs}
    known_repos = {r.lower() for r in repos}
    extra_orgs, extra_repos = [], []
    for name in sorted(set(added)):
        owner, _, repo = name.partition("/")
        if not repo and is_login(owner) and owner.lower() not in known_orgs:
            extra_orgs.append(owner)
        elif repo and repos and is_login(owner) and is_repo_name(repo) and name.lower() not in known_repos:
            extra_repos.append(name)
    return (*orgs, *extra_orgs), (*repos, *extra_repos)
