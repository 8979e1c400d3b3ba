"""The sandbox HTTP server: emulators mounted under one root, run by uvicorn in a background thread.

The GitHub REST emulator lives under `/github` (its REST root; GraphQL will sit at `/github/graphql`, which is
where PyGithub and the project derive it from the REST root), leaving `/jira`, `/groq` for other emulators.
Web links (`html_url`) point at the server root, the way github.com sits beside api.github.com.
"""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Sequence
from types import TracebackType

import uvicorn

from dexxy_sandbox.faults import FaultConfig, FaultInjector
from dexxy_sandbox.github_rest import GitHubRestApi, Receive, Scope, Send
from dexxy_sandbox.org_generator import generate_org
from dexxy_sandbox.org_model import SyntheticOrg
from dexxy_sandbox.rate_limit import RateLimiter
from dexxy_sandbox.request_log import RequestLog

GITHUB_PREFIX = "/github"


class _Mounts:
    """Dispatches by path prefix to the emulators; anything else is a JSON 404 (the root lists mounts)."""

    def __init__(self, mounts: dict[str, GitHubRestApi]) -> None:
        self.mounts = mounts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        for prefix, app in self.mounts.items():
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
        faults: FaultConfig | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        org: SyntheticOrg | None = None,
    ) -> None:
        if not tokens:
            raise ValueError("at least one token is needed")
        self.seed = seed
        self.tokens = tuple(tokens)
        self.host = host
        self.org = org or generate_org(seed=seed, engineers=engineers, repos=repos, days=days, until=until)
        self.rate_limiter = RateLimiter(rate_limit_per_hour, rate_limit_window_seconds)
        self.request_log = RequestLog()
        self._fault_config = faults or FaultConfig()
        self._requested_port = port
        self._port: int | None = None
        self._socket: socket.socket | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._github: GitHubRestApi | None = None

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

    def env_lines(self) -> list[str]:
        """Lines for a `.env` file that point the project at this sandbox."""
        return [
            f"GITHUB_API_URL={self.github_api_url}",
            f"GITHUB_TOKEN={self.tokens[0]}",
            f"GITHUB_ORGS={self.org.login}",
            "GITHUB_FETCH_MODE=rest",
        ]

    # ----- faults -----
    @property
    def faults(self) -> FaultConfig:
        return self._fault_config

    @faults.setter
    def faults(self, config: FaultConfig | None) -> None:
        """Switch faults on a running server; the fault sequence restarts from the seed."""
        self._fault_config = config or FaultConfig()
        if self._github is not None:
            self._github.faults = FaultInjector(self._fault_config, self.seed)

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
        self._github = GitHubRestApi(
            self.org,
            self.github_api_url,
            self.url,
            tokens=self.tokens,
            limiter=self.rate_limiter,
            faults=FaultInjector(self._fault_config, self.seed),
            log=self.request_log,
            seed=self.seed,
        )
        config = uvicorn.Config(
            _Mounts({GITHUB_PREFIX: self._github}),
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

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
