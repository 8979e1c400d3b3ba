"""`dexxy bench --peers`: airbyte-source-github and meltanolabs-tap-github against the bench's sandbox.

Each peer lives in a virtual environment of its own under $DEXXY_HOME/peers (installed once with pip, then
reused), and runs through a small wrapper script in that environment, never through edited package files:
- Airbyte reads its token from the environment (the wrapper adds it to the config it read, so no file
  holds it) and takes the sandbox as `api_url`, pages of 100 (`page_size_for_large_streams`);
- tap-github checks every token against the public API before use; the wrapper makes that check accept
  any non-empty token (the sandbox checks it on every request anyway) and takes the sandbox as
  `api_url_base`.
Both sync pull requests, their reviews and their commits from the bench's start date; their records are
counted per repository from their output messages, so the bench can show the three tools agree.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dexxy_assets.cli.bench_memory import run_measured
from dexxy_assets.cli.bench_sandbox import Spent

ENTITIES = ("pull_requests", "reviews", "commits")
_MARKER = ".dexxy-peer"

_AIRBYTE_WRAPPER = """\
import os
import sys

from source_github import SourceGithub
from source_github.run import run

_read_config = SourceGithub.read_config


def _with_token(path):
    # the token comes from the environment, never from the config file
    config = _read_config(path)
    config["credentials"] = {
        "option_title": "PAT Credentials",
        "personal_access_token": os.environ["GITHUB_TOKEN"],
    }
    return config


SourceGithub.read_config = staticmethod(_with_token)
sys.exit(run())
"""

_TAP_WRAPPER = """\
import sys

from tap_github import authenticator
from tap_github.tap import TapGitHub

# tap-github validates each token against the public API host; the sandbox checks it on every request
authenticator.TokenManager.is_valid_token = lambda self: bool(self.token)
sys.exit(TapGitHub.cli())
"""


@dataclass(frozen=True)
class Peer:
    name: str
    requirement: str
    wrapper: str
    token: str  # the sandbox token this peer's requests are counted under

    @property
    def version(self) -> str:
        return self.requirement.split("==", 1)[1]

    @property
    def label(self) -> str:
        return f"{self.name} {self.version}"


AIRBYTE = Peer("airbyte-source-github", "airbyte-source-github==2.7.1", _AIRBYTE_WRAPPER, "airbyte")
TAP_GITHUB = Peer("meltanolabs-tap-github", "meltanolabs-tap-github==1.30.1", _TAP_WRAPPER, "tap-github")
PEERS = (AIRBYTE, TAP_GITHUB)


@dataclass
class Installed:
    peer: Peer
    python: Path
    wrapper: Path
    install_seconds: float
    cached: bool


def install(peer: Peer, home: Path, log: Callable[[str], None]) -> Installed:
    """The peer's venv under `home` (created and pip-installed once; the marker says it completed)."""
    venv = home / "peers" / peer.requirement.replace("==", "-")
    python = venv / "bin" / "python"
    wrapper = venv / "bin" / "dexxy-peer-run.py"
    marker = venv / _MARKER
    cached = marker.exists() and marker.read_text().strip() == peer.requirement and python.exists()
    started = time.perf_counter()
    if not cached:
        log(f"bench: installing {peer.requirement} into {venv} ...")
        venv.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", peer.requirement],
            check=True,
        )
        marker.write_text(peer.requirement + "\n")
    wrapper.write_text(peer.wrapper)  # always current: the wrapper is ours, the packages are theirs
    return Installed(peer, python, wrapper, time.perf_counter() - started, cached)


@dataclass
class PeerRun:
    label: str
    seconds: float
    peak_rss_mib: float
    counts: dict[str, Counter[str]] = field(default_factory=dict)  # entity → repository → records
    exit_code: int = 0
    error_tail: str = ""
    spent: Spent = field(default_factory=lambda: Spent(0, 0))  # set by the bench from the sandbox
    install_note: str = ""


def _peer_env(token: str) -> dict[str, str]:
    """The bench's environment without any real GitHub credentials, plus the peer's sandbox token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "GROQ_", "JIRA_"))}
    return env | {"GITHUB_TOKEN": token, "PYTHONUNBUFFERED": "1"}


def _run(installed: Installed, args: list[str], workdir: Path, token: str) -> tuple[Path, float, float, int]:
    """Run the peer's wrapper; stdout (its messages) goes to a file. (output, seconds, peak MiB, exit)."""
    output = workdir / "messages.jsonl"
    command = [str(installed.python), str(installed.wrapper), *args]
    started = time.perf_counter()
    with output.open("w") as out, (workdir / "stderr.log").open("w") as err:
        child = run_measured(command, cwd=workdir, env=_peer_env(token), stdout=out, stderr=err)
    seconds = time.perf_counter() - started
    return output, seconds, child.peak_rss_mib, child.returncode


def _tail(workdir: Path) -> str:
    return "\n".join((workdir / "stderr.log").read_text(errors="replace").strip().splitlines()[-8:])


def run_airbyte(installed: Installed, api_url: str, org: str, start: str, workdir: Path) -> PeerRun:
    workdir.mkdir(parents=True, exist_ok=True)
    config = {
        "repositories": [f"{org}/*"],
        "start_date": f"{start}T00:00:00Z",
        "api_url": api_url,
        "page_size_for_large_streams": 100,
    }
    (workdir / "config.json").write_text(json.dumps(config))
    discovered, _, _, code = _run(installed, ["discover", "--config", "config.json"], workdir, AIRBYTE.token)
    catalog = _airbyte_catalog(discovered, {"pull_requests", "reviews", "pull_request_commits"})
    if code != 0 or not catalog["streams"]:
        return PeerRun(AIRBYTE.label, 0, 0, exit_code=code or 1, error_tail=_tail(workdir))
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    args = ["read", "--config", "config.json", "--catalog", "catalog.json"]
    output, seconds, peak, code = _run(installed, args, workdir, AIRBYTE.token)
    counts = _count(output, _airbyte_record)
    return PeerRun(AIRBYTE.label, seconds, peak, counts, code, _tail(workdir) if code else "")


def _airbyte_catalog(discovered: Path, wanted: set[str]) -> dict[str, Any]:
    """The configured catalog of the wanted streams: incremental where they support it, from start_date."""
    streams: list[dict[str, Any]] = []
    for line in discovered.read_text().splitlines():
        if not line.startswith("{"):
            continue
        message = json.loads(line)
        if message.get("type") != "CATALOG":
            continue
        for stream in message["catalog"]["streams"]:
            if stream["name"] not in wanted:
                continue
            incremental = "incremental" in stream.get("supported_sync_modes", [])
            configured: dict[str, Any] = {
                "stream": stream,
                "sync_mode": "incremental" if incremental else "full_refresh",
                "destination_sync_mode": "append",
            }
            if incremental and stream.get("default_cursor_field"):
                configured["cursor_field"] = stream["default_cursor_field"]
            streams.append(configured)
    return {"streams": streams}


_ENTITY_OF_STREAM = {
    "pull_requests": "pull_requests",
    "reviews": "reviews",
    "pull_request_commits": "commits",
}


def _keyed(stream: str, repository: str, record: dict[str, Any]) -> tuple[str, str, str] | None:
    """(entity, repository, key) of one record of the streams compared, None for any other stream."""
    entity = _ENTITY_OF_STREAM.get(stream)
    if entity is None:
        return None
    key = f"{record.get('pull_number')}/{record.get('sha')}" if entity == "commits" else str(record.get("id"))
    return entity, repository, key


def _airbyte_record(message: dict[str, Any]) -> tuple[str, str, str] | None:
    """(entity, repository, key) of an Airbyte RECORD message."""
    if message.get("type") != "RECORD":
        return None
    record = message["record"]
    return _keyed(record["stream"], str(record["data"].get("repository") or ""), record["data"])


def run_tap_github(installed: Installed, api_url: str, org: str, start: str, workdir: Path) -> PeerRun:
    workdir.mkdir(parents=True, exist_ok=True)
    config = {"organizations": [org], "start_date": f"{start}T00:00:00Z", "api_url_base": api_url.rstrip("/")}
    (workdir / "config.json").write_text(json.dumps(config))
    discovered, _, _, code = _run(
        installed, ["--config", "config.json", "--discover"], workdir, TAP_GITHUB.token
    )
    if code != 0:
        return PeerRun(TAP_GITHUB.label, 0, 0, exit_code=code, error_tail=_tail(workdir))
    catalog = _singer_catalog(
        json.loads(discovered.read_text()),
        {"repositories", "pull_requests", "reviews", "pull_request_commits"},
    )
    (workdir / "catalog.json").write_text(json.dumps(catalog))
    args = ["--config", "config.json", "--catalog", "catalog.json"]
    output, seconds, peak, code = _run(installed, args, workdir, TAP_GITHUB.token)
    counts = _count(output, _singer_record)
    return PeerRun(TAP_GITHUB.label, seconds, peak, counts, code, _tail(workdir) if code else "")


def _singer_catalog(catalog: dict[str, Any], wanted: set[str]) -> dict[str, Any]:
    """The discovered catalog with the wanted streams selected (their parents run for context)."""
    for stream in catalog["streams"]:
        selected = stream["tap_stream_id"] in wanted
        for entry in stream.get("metadata", []):
            if entry.get("breadcrumb") == []:
                entry.setdefault("metadata", {})["selected"] = selected
    return catalog


def _singer_record(message: dict[str, Any]) -> tuple[str, str, str] | None:
    """(entity, repository, key) of a Singer RECORD message."""
    if message.get("type") != "RECORD":
        return None
    record = message["record"]
    return _keyed(message["stream"], f"{record.get('org')}/{record.get('repo')}", record)


def _count(
    output: Path, classify: Callable[[dict[str, Any]], tuple[str, str, str] | None]
) -> dict[str, Counter[str]]:
    """Distinct records per entity and repository, read line by line (the output can be large)."""
    seen: set[tuple[str, str, str]] = set()
    counts: dict[str, Counter[str]] = {entity: Counter() for entity in ENTITIES}
    with output.open() as messages:
        for line in messages:
            if not line.startswith("{"):
                continue
            found = classify(json.loads(line))
            if found is None or found in seen:
                continue
            seen.add(found)
            entity, repository, _ = found
            counts[entity][repository.lower()] += 1
    return counts
