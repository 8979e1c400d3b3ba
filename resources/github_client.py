"""The GitHub REST client: the shared HTTP client (``resources.http``) with GitHub's adapter, and list
pages of 100 items. GraphQL (``github_graphql``) and the App token request go through it too."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from resources.github_adapter import GitHubAdapter
from resources.http.auth import TokenSource
from resources.http.client import ApiResponse, HttpClient
from resources.http.etag_cache import EtagCache
from resources.http.retry_policy import RetryPolicy

__all__ = ["ApiResponse", "GitHubClient", "RetryPolicy", "TokenSource"]


class GitHubClient(HttpClient):
    """Thread-safe: assets fetch pull request details on a few threads with one client."""

    def __init__(
        self,
        api_url: str,
        token: str | TokenSource,
        *,
        timeout_seconds: float = 30.0,
        retry: RetryPolicy | None = None,
        etag_cache: EtagCache | None = None,
        sleep: Callable[[float], None] = time.sleep,
        user_agent: str = "dexxy",
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        super().__init__(
            api_url,
            GitHubAdapter(token, user_agent),
            timeout_seconds=timeout_seconds,
            retry=retry,
            etag_cache=etag_cache,
            sleep=sleep,
            transport=transport,
        )

    def __enter__(self) -> GitHubClient:
        return self

    def list_url(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The URL of a list endpoint's first page, as ``pages`` requests it: 100 items a page."""
        return self.url_for(path, {"per_page": 100, **(params or {})})
