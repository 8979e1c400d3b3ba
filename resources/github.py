"""GitHub as a Dagster resource: configuration, scope and a ready client."""

from __future__ import annotations

from dataclasses import dataclass

import dagster as dg
from pydantic import Field

from resources.environment import env_list, env_value
from resources.etag_cache import EtagCache
from resources.github_client import GitHubClient, RetryPolicy
from resources.github_errors import GitHubConfigError

DEFAULT_API_URL = "https://api.github.com"
SUPPORTED_FETCH_MODES = ("rest",)


@dataclass(frozen=True)
class GitHubScope:
    """What to sync: organisations, and optionally an allow-list of ``owner/name`` repositories."""

    orgs: tuple[str, ...]
    repos: tuple[str, ...]

    def allows(self, full_name: str) -> bool:
        return not self.repos or full_name.lower() in {r.lower() for r in self.repos}


class GitHubResource(dg.ConfigurableResource):
    """GitHub REST access. Unset fields fall back to the GITHUB_* environment variables when a run starts,
    so the token never lands in run config or the event log."""

    api_url: str | None = Field(
        default=None, description="REST root; unset → GITHUB_API_URL → api.github.com"
    )
    token: str | None = Field(default=None, description="Unset → GITHUB_TOKEN. Prefer EnvVar if you set it.")
    orgs: list[str] | None = Field(default=None, description="Unset → GITHUB_ORGS (comma list).")
    repos: list[str] | None = Field(default=None, description="Allow-list owner/name; unset → GITHUB_REPOS.")
    fetch_mode: str | None = Field(default=None, description="Unset → GITHUB_FETCH_MODE → rest.")
    max_concurrency: int = Field(default=4, description="Parallel requests for per-PR detail.")
    timeout_seconds: float = 30.0
    max_retries: int = 5

    def resolved_api_url(self) -> str:
        return (self.api_url or env_value("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/")

    def scope(self) -> GitHubScope:
        orgs = tuple(self.orgs if self.orgs is not None else env_list("GITHUB_ORGS"))
        repos = tuple(self.repos if self.repos is not None else env_list("GITHUB_REPOS"))
        if not orgs and not repos:
            raise GitHubConfigError(
                "GITHUB_ORGS is not set: list the organisations to sync, e.g. GITHUB_ORGS=acme"
            )
        bad = [r for r in repos if r.count("/") != 1]
        if bad:
            raise GitHubConfigError(f"GITHUB_REPOS entries must be owner/name, got {', '.join(bad)}")
        return GitHubScope(orgs, repos)

    def resolved_fetch_mode(self) -> str:
        mode = (self.fetch_mode or env_value("GITHUB_FETCH_MODE") or "rest").lower()
        if mode not in SUPPORTED_FETCH_MODES:
            raise GitHubConfigError(
                f"GITHUB_FETCH_MODE={mode} is not supported yet: use rest (the GraphQL bulk path is planned)"
            )
        return mode

    def client(self, etag_cache: EtagCache | None = None) -> GitHubClient:
        token = self.token or env_value("GITHUB_TOKEN")
        if not token:
            raise GitHubConfigError(
                "GITHUB_TOKEN is not set: export a token with repo and read:org scopes "
                "(or run `dexxy sandbox serve` and paste its lines into .env)"
            )
        return GitHubClient(
            self.resolved_api_url(),
            token,
            timeout_seconds=self.timeout_seconds,
            retry=RetryPolicy(max_retries=self.max_retries),
            etag_cache=etag_cache,
        )
