"""The sandbox HTTP server: emulators mounted under one root, run by uvicorn in a background thread.

The GitHub REST emulator lives under `/github` (its REST root; GraphQL answers at `/github/graphql`, which is
where PyGithub and the project derive it from the REST root), leaving `/jira`, `/groq` for other emulators.
The server owns the GitHub App identity and the `Credentials` every emulator checks tokens against.
Web links (`html_url`) point at the server root, the way github.com sits beside api.github.com.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn

# --- copilot and groq emulators (copilot_*.py, groq_*.py) ---
from dexxy_sandbox.copilot.rest import COPILOT_UNAVAILABLE, DOWNLOADS_PREFIX, CopilotDownloads
from dexxy_sandbox.copilot.usage import CopilotUsage

# --- end copilot and groq ---
from dexxy_sandbox.faults import FaultConfig, FaultInjector
from dexxy_sandbox.github_rest.app import GitHubRestApi, Receive, Scope, Send
from dexxy_sandbox.github_rest.app_auth import Credentials, GitHubApp
from dexxy_sandbox.github_rest.oauth import GitHubOAuth
from dexxy_sandbox.groq.api import DEFAULT_GROQ_MODEL, GroqApi, GroqConfig
from dexxy_sandbox.jira import JiraApi, generate_jira
from dexxy_sandbox.jira.consent import consent_app
from dexxy_sandbox.org.generator import generate_org
from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.rate_limit import RateLimiter
from dexxy_sandbox.request_log import RequestLog
from dexxy_sandbox.secondary_limits import SecondaryLimitConfig, SecondaryLimits
from dexxy_sandbox.slack import RespondentConfig, SlackApi, SlackConfig

COPILOT_UNAVAILABLE_STATUSES = (None, *sorted(COPILOT_UNAVAILABLE))
GITHUB_PREFIX = "/github"
GROQ_PREFIX = "/groq"
JIRA_PREFIX = "/jira"
SLACK_PREFIX = "/slack"
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class _Mounts:
    """Dispatches by path prefix to the emulators, the longest prefix first (so `/github/graphql` can sit
    inside `/github`); anything else is a JSON 404 (the root lists mounts)."""

    def __init__(self, mounts: dict[str, AsgiApp]) -> None:
        self.mounts = mounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        for prefix, app in sorted(self.mounts.items(), key=lambda item: len(item[0]), reverse=True):
            if path == prefix or path.startswith(prefix + "/"):
                child = dict(scope)
                child["path"] = path[len(prefix) :] or "/"
                child["root_path"] = scope.get("root_path", "") + prefix
                await app(child, receive, send)
                return
        status, payload = (
            (200, {"emulators": sorted(self.mounts)}) if path == "/" else (404, {"message": "Not Found"})
        )
        body = json.dumps(payload).encode()
        headers = [
            (b"content-type", b"application/json; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class SandboxServer:
    """A running sandbox over one synthetic org; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        seed: int = 7,
        engineers: int = 12,
        repos: int = 4,
        days: int = 120,
        until: dt.date | None = None,
        tokens: Sequence[str] = ("sandbox-token",),
        rate_limit_per_hour: int = 5000,
        rate_limit_window_seconds: float = 3600,
        faults: FaultConfig | str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        org: SyntheticOrg | None = None,
        app_id: int = 424242,
        installation_id: int = 4242420,
        installation_token_ttl_seconds: float = 3600,
        clock: Callable[[], float] = time.time,
        groq_api_key: str = "sandbox-groq-key",
        groq: GroqConfig | None = None,
        copilot_unavailable_status: int | None = None,
        app_token_failures: int = 0,
        secondary_limits: bool | SecondaryLimitConfig = False,
        time_scale: float = 1.0,
        request_log_path: str | os.PathLike[str] | None = None,
        slack: SlackConfig | None = None,
        slack_respondent: RespondentConfig | None = None,
        simulated_replies: bool = True,
    ) -> None:
        """`clock` (epoch seconds) is what JWTs and installation tokens are checked against; tests that fake
        time for a client pass the same clock here. `copilot_unavailable_status` (404, 403 or 422) makes an
        org without Copilot; `app_token_failures` fails that many installation-token requests first.
        `secondary_limits` enforces GitHub's secondary rate limits (True: its documented budgets, or a
        `SecondaryLimitConfig`); `time_scale` makes time run that many times faster for the rate limits (every
        window and Retry-After divided by it); `request_log_path` appends one JSON line per request there.
        `simulated_replies=False`: no pull request author answers the survey's GitHub comment with an `/ai`
        reply (the Slack answers are `slack_respondent`'s: none without its `interactivity_url`)."""
        if not tokens:
            raise ValueError("at least one token is needed")
        self.seed = seed
        self.tokens = tuple(tokens)
        self.app = GitHubApp(
            app_id,
            installation_id,
            installation_token_ttl_seconds,
            clock=clock,
            token_request_failures=app_token_failures,
        )
        self.credentials = Credentials(self.tokens, self.app, clock=clock)
        self._extra_mounts: dict[str, AsgiApp] = {}
        self.host = host
        self.org = org or generate_org(seed=seed, engineers=engineers, repos=repos, days=days, until=until)
        self.org.posted_comments.auto_reply = simulated_replies
        if time_scale <= 0:
            raise ValueError("time_scale must be > 0")
        self.time_scale = time_scale
        window = rate_limit_window_seconds / time_scale
        self.rate_limiter = RateLimiter(rate_limit_per_hour, window, clock=clock)
        self.request_log = RequestLog(path=request_log_path)
        self.secondary_limits: SecondaryLimits | None = None
        if secondary_limits:
            config = secondary_limits if isinstance(secondary_limits, SecondaryLimitConfig) else None
            self.secondary_limits = SecondaryLimits(config, time_scale=time_scale, clock=clock)
        self._fault_config = FaultConfig.parse(faults) if isinstance(faults, str) else faults or FaultConfig()
        self._requested_port = port
        self._port: int | None = None
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._github: GitHubRestApi | None = None
        # --- copilot and groq ---
        self.copilot = CopilotUsage(self.org)  # seats and daily usage behind the Copilot endpoints
        self._copilot_status: int | None = None  # as set; the `copilot=` fault overrides it while on
        self.copilot_unavailable_status = copilot_unavailable_status
        self.groq_api_key = groq_api_key
        self.groq = GroqApi(
            (groq_api_key,), groq, seed=seed, clock=clock, log=self.request_log, faults=lambda: self.faults
        )
        # --- end copilot and groq ---
        # Slack: the survey's Web API methods; `slack_respondent` points the simulated answers at a receiver
        self.slack = SlackApi(
            self.org, seed, lambda: self.url, slack, slack_respondent, log=self.request_log, clock=clock
        )
        # the Jira site is generated on its first request (`jira.site`); switching `faults` reaches it too
        self.jira = JiraApi(
            lambda: generate_jira(self.org),
            limiter=self.rate_limiter,
            log=self.request_log,
            faults=lambda: self.faults,
            seed=seed,
            clock=clock,
        )
        # --- OAuth: GitHub App user authorisation + installation, Atlassian consent (oauth helper) ---
        self.github_oauth = GitHubOAuth(self.org, self.app, clock=clock)
        self.credentials.accept_user_tokens(self.github_oauth.access_valid)

    # ----- addresses -----
    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox server is not started")
        return self._port

    @property
    def _client_host(self) -> str:
        """Where clients connect: a wildcard bind is reached through loopback."""
        return {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)

    @property
    def url(self) -> str:
        """The server root, e.g. http://127.0.0.1:54321 (also the base of web `html_url` links)."""
        host = self._client_host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def github_api_url(self) -> str:
        """The GitHub REST root (what GITHUB_API_URL should be)."""
        return f"{self.url}{GITHUB_PREFIX}"

    @property
    def groq_base_url(self) -> str:
        """The groq SDK's `base_url` (it appends `/openai/v1/...`), i.e. what GROQ_BASE_URL should be."""
        return f"{self.url}{GROQ_PREFIX}"

    @property
    def jira_base_url(self) -> str:
        """The Jira site's base URL (what JIRA_BASE_URL should be); `jira.env_lines(...)` has the rest."""
        return f"{self.url}{JIRA_PREFIX}"

    @property
    def slack_api_url(self) -> str:
        """The Slack Web API root (what SLACK_API_URL should be)."""
        return f"{self.url}{SLACK_PREFIX}/api"

    def slack_env_lines(self) -> list[str]:
        """`.env` lines for the Slack survey against this sandbox (its bot token and signing secret are the
        sandbox's own, not secrets; a signing secret taken from the environment is never printed)."""
        secret = self.slack.respondent.config.signing_secret
        own = secret == RespondentConfig.signing_secret
        return [
            f"SLACK_API_URL={self.slack_api_url}",
            *([f"SLACK_SIGNING_SECRET={secret}"] if own else []),
            f"SLACK_BOT_TOKEN={self.slack.config.bot_token}",
        ]

    @property
    def groq_config(self) -> GroqConfig:
        return self.groq.config

    @groq_config.setter
    def groq_config(self, config: GroqConfig | None) -> None:
        """Switch the Groq emulator's budgets and faults on a running server (its counters restart)."""
        self.groq.configure(config)

    def env_lines(self) -> list[str]:
        """Lines for a `.env` file that point the project at this sandbox."""
        return [
            f"GITHUB_API_URL={self.github_api_url}",
            f"GITHUB_TOKEN={self.tokens[0]}",
            f"GITHUB_ORGS={self.org.login}",
            "GITHUB_FETCH_MODE=graphql",
            *self._groq_env_lines(),
        ]

    def oauth_env_lines(self) -> list[str]:
        """`.env` lines for `dexxy connect github|jira` against this sandbox (the receiver's side)."""
        return [
            f"GITHUB_WEB_URL={self.url}",
            f"GITHUB_APP_CLIENT_ID={self.github_oauth.client_id}",
            f"GITHUB_APP_CLIENT_SECRET={self.github_oauth.client_secret}",
            f"GITHUB_APP_SLUG={self.github_oauth.slug}",
            f"JIRA_OAUTH_CLIENT_ID={self.jira.oauth.client_id}",
            f"JIRA_OAUTH_CLIENT_SECRET={self.jira.oauth.client_secret}",
            f"JIRA_OAUTH_AUTH_URL={self.jira_base_url}",
            f"JIRA_OAUTH_API_ROOT={self.jira_base_url}",
        ]

    def _groq_env_lines(self) -> list[str]:
        return [
            f"GROQ_BASE_URL={self.groq_base_url}",
            f"GROQ_API_KEY={self.groq_api_key}",
            f"GROQ_MODEL={DEFAULT_GROQ_MODEL}",
        ]

    # ----- Copilot -----
    @property
    def copilot_unavailable_status(self) -> int | None:
        return self.copilot.unavailable_status

    @copilot_unavailable_status.setter
    def copilot_unavailable_status(self, status: int | None) -> None:
        """None: Copilot on. 404 / 403 / 422: every Copilot endpoint answers that (also while running). A
        `copilot=` fault (`FaultConfig.copilot`) takes precedence while it is set."""
        if status not in COPILOT_UNAVAILABLE_STATUSES:
            raise ValueError(f"copilot_unavailable_status must be one of {COPILOT_UNAVAILABLE_STATUSES}")
        self._copilot_status = status
        self.copilot.unavailable_status = self.faults.copilot or status

    # ----- GitHub App -----
    @property
    def app_id(self) -> int:
        return self.app.app_id

    @property
    def installation_id(self) -> int:
        return self.app.installation_id

    @property
    def app_private_key_pem(self) -> str:
        """The app's RSA private key (PEM): sign RS256 JWTs with it to get installation tokens."""
        return self.app.private_key_pem

    def write_app_private_key(self, path: str | os.PathLike[str]) -> Path:
        """Write the app's private key to `path` (owner-readable only) and return the path."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(self.app_private_key_pem, encoding="utf-8")
        target.chmod(0o600)
        return target

    def app_env_lines(self, key_path: str | os.PathLike[str]) -> list[str]:
        """`.env` lines to authenticate as the sandbox's GitHub App (writes the private key to `key_path`)."""
        written = self.write_app_private_key(key_path)
        return [
            f"GITHUB_API_URL={self.github_api_url}",
            f"GITHUB_APP_ID={self.app_id}",
            f"GITHUB_APP_INSTALLATION_ID={self.installation_id}",
            f"GITHUB_APP_PRIVATE_KEY={written}",
            f"GITHUB_ORGS={self.org.login}",
            "GITHUB_FETCH_MODE=graphql",
            *self._groq_env_lines(),
        ]

    def is_valid_token(self, token: str | None) -> bool:
        """Whether `token` authenticates a request right now: a static token or an unexpired installation
        token. Every emulator on the server (REST, GraphQL) checks tokens through this."""
        return self.credentials.is_valid_token(token)

    def mount(self, prefix: str, app: Any) -> None:
        """Serve another ASGI emulator under `prefix` (e.g. "/github/graphql"); call before `start()`."""
        if self._thread is not None:
            raise RuntimeError("mount emulators before starting the server")
        self._extra_mounts["/" + prefix.strip("/")] = app

    # ----- faults -----
    @property
    def faults(self) -> FaultConfig:
        return self._fault_config

    @faults.setter
    def faults(self, config: FaultConfig | str | None) -> None:
        """Switch faults on a running server (GitHub, GraphQL, Copilot, Groq and Jira); the fault sequences
        restart from the seed. A `str` is parsed as `--faults` is."""
        self._fault_config = FaultConfig.parse(config) if isinstance(config, str) else config or FaultConfig()
        self.copilot.unavailable_status = self._fault_config.copilot or self._copilot_status
        if self._github is not None:
            self._github.faults = FaultInjector(self._fault_config, self.seed)

    def _vanished(self, repo: str, number: int) -> bool:
        """The `vanish_rate` fault, as the running REST pipeline's current injector decides it."""
        return self._github is not None and self._github.faults.vanished(repo, number)

    # ----- lifecycle -----
    def start(self, timeout: float = 15.0) -> SandboxServer:
        """Bind, start uvicorn in a daemon thread and return once the port accepts connections."""
        if self._thread is not None:
            return self
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        sock.listen(128)
        self._socket = sock
        self._port = sock.getsockname()[1]
        from dexxy_sandbox.github_graphql.endpoint import GitHubGraphQLApi  # heavy (graphql-core): on start

        members = self.org.members()
        owner_id = members[0].id if members else self.org.id
        graphql = GitHubGraphQLApi(
            self.org,
            self.github_api_url,
            self.url,
            limiter=self.rate_limiter,
            describe_owner=lambda token: self.credentials.owner_description(token, owner_id),
            vanished=self._vanished,
        )
        self._github = GitHubRestApi(
            self.org,
            self.github_api_url,
            self.url,
            credentials=self.credentials,
            limiter=self.rate_limiter,
            faults=FaultInjector(self._fault_config, self.seed),
            log=self.request_log,
            seed=self.seed,
            graphql=graphql,
            copilot=self.copilot,
            secondary=self.secondary_limits,
            time_scale=self.time_scale,
        )
        emulators: dict[str, AsgiApp] = {
            GITHUB_PREFIX: self._github,
            GITHUB_PREFIX + DOWNLOADS_PREFIX: CopilotDownloads(self.copilot, self.request_log),  # copilot
            GROQ_PREFIX: self.groq,  # groq
            JIRA_PREFIX: self.jira,  # jira
            # --- OAuth (github_rest/oauth.py, jira/consent.py): the server root stands for github.com ---
            "/login": self.github_oauth.web_login_app(),
            "/apps": self.github_oauth.web_apps_app(),
            GITHUB_PREFIX + "/user": self.github_oauth.api_user_app(),
            GITHUB_PREFIX + "/applications": self.github_oauth.api_applications_app(),
            JIRA_PREFIX + "/authorize": consent_app(self.jira.oauth, lambda: self.jira.site.title),
            SLACK_PREFIX: self.slack,  # slack
        }
        config = uvicorn.Config(
            _Mounts({**emulators, **self._extra_mounts}),
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_keep_alive=30,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"dexxy-sandbox-{self._port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.01)
        with socket.create_connection((self._client_host, self._port), timeout=5):
            pass
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None
        self.request_log.close()

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
