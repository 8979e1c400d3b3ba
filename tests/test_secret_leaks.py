"""No secret leaks: a real `dexxy run` (a subprocess, its Dagster instance in a `dagster` database next to a
password-protected warehouse) with a marker in every secret the project reads, then a search for each marker
in the process's output, every file under DEXXY_HOME and DAGSTER_HOME, every process's command line while it
runs, and every text, JSON and bytea column of the warehouse and of Dagster's storage (runs, event log, ...).

Two runs: a token run of every asset (GitHub token, Jira API token, Groq key, database password; webhook,
Slack, SMTP and Fernet secrets configured but idle), and a GitHub App run (its private key passed as PEM text
and the installation tokens the sandbox minted for it). A failure names the secret and where it was found,
never the secret.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dexxy_sandbox.server import SandboxServer
from resources.embedded_postgres import DAGSTER_DATABASE
from resources.sql_template import render_sql
from tests.sandbox_fixtures import SANDBOX_UNTIL

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DAY = SANDBOX_UNTIL.isoformat()
# Every asset that talks to an API with a secret (GitHub, Copilot, Jira, Groq) and nothing downstream of them:
# the marts read the warehouse only.
SECRET_USERS = "group:github or group:copilot or group:jira or key:processing/pr_llm_summaries"
TEXT_TYPES = ("text", "character varying", "json", "jsonb", "bytea", "ARRAY", "USER-DEFINED")


def _marker(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex}"


@pytest.fixture
def secrets() -> dict[str, str]:
    """Name → secret value, each unique to this test."""
    return {
        "GITHUB_TOKEN": _marker("ghp_leakmarker"),
        "JIRA_API_TOKEN": _marker("jiratokenmarker"),
        "GROQ_API_KEY": _marker("gsk_leakmarker"),
        "database password": _marker("dbpwmarker"),
        "DEXXY_BI_PASSWORD": _marker("bipwmarker"),
        "GITHUB_WEBHOOK_SECRET": _marker("ghhookmarker"),
        "JIRA_WEBHOOK_SECRET": _marker("jirahookmarker"),
        "SLACK_WEBHOOK_URL": _marker("slackhookmarker"),
        "SLACK_BOT_TOKEN": _marker("xoxb-leakmarker"),
        "SLACK_SIGNING_SECRET": _marker("slacksignmarker"),
        "SMTP_URL password": _marker("smtppwmarker"),
        "DEXXY_SECRET_KEY": Fernet.generate_key().decode(),
    }


@pytest.fixture
def sandbox(secrets: dict[str, str]) -> Iterator[SandboxServer]:
    server = SandboxServer(
        seed=11,
        engineers=3,
        repos=1,
        days=10,
        until=SANDBOX_UNTIL,
        tokens=(secrets["GITHUB_TOKEN"],),
        rate_limit_per_hour=100_000,
        groq_api_key=secrets["GROQ_API_KEY"],
    )
    server.jira.api_tokens = (secrets["JIRA_API_TOKEN"],)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def password_url(make_database, secrets: dict[str, str]) -> str:  # type: ignore[no-untyped-def]
    """A fresh warehouse reached by a role with a password (it may create the `dagster` database)."""
    url = make_url(make_database())
    role = f"dexxy_leak_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{secrets['database password']}'")
    admin.dispose()
    return url.set(username=role, password=secrets["database password"]).render_as_string(hide_password=False)


def _environment(sandbox: SandboxServer, secrets: dict[str, str], database_url: str, home: Path) -> dict:
    site = sandbox.jira.site
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DEXXY_HOME": str(home),
        "DATABASE_URL": database_url,
        "GITHUB_API_URL": sandbox.github_api_url,
        "GITHUB_ORGS": sandbox.org.login,
        "GITHUB_FETCH_MODE": "graphql",
        "GITHUB_TOKEN": secrets["GITHUB_TOKEN"],
        "JIRA_BASE_URL": sandbox.jira_base_url,
        "JIRA_EMAIL": site.api_user.email or "",
        "JIRA_API_TOKEN": secrets["JIRA_API_TOKEN"],
        "JIRA_PROJECTS": ",".join(site.project_keys),
        "GROQ_BASE_URL": sandbox.groq_base_url,
        "GROQ_API_KEY": secrets["GROQ_API_KEY"],
        "DEXXY_BI_PASSWORD": secrets["DEXXY_BI_PASSWORD"],
        "GITHUB_WEBHOOK_SECRET": secrets["GITHUB_WEBHOOK_SECRET"],
        "JIRA_WEBHOOK_SECRET": secrets["JIRA_WEBHOOK_SECRET"],
        "SLACK_WEBHOOK_URL": f"http://127.0.0.1:9/services/{secrets['SLACK_WEBHOOK_URL']}",
        "SLACK_BOT_TOKEN": secrets["SLACK_BOT_TOKEN"],
        "SLACK_SIGNING_SECRET": secrets["SLACK_SIGNING_SECRET"],
        "SMTP_URL": f"smtp://alerts:{secrets['SMTP_URL password']}@127.0.0.1:9",
        "DEXXY_SECRET_KEY": secrets["DEXXY_SECRET_KEY"],
    }


class CommandLineWatch:
    """Reads every /proc/*/cmdline until stopped: which secrets were seen on a command line, and where."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self._secrets = {name: value.encode() for name, value in secrets.items()}
        self.found: set[str] = set()
        self.reads = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> CommandLineWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)

    def _watch(self) -> None:
        own = os.getpid()
        while not self._stop.wait(0.02):
            for entry in os.listdir("/proc"):
                if not entry.isdigit() or int(entry) == own:
                    continue
                try:
                    cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
                except OSError:
                    continue  # gone meanwhile, or not ours to read
                self.reads += 1
                for name, secret in self._secrets.items():
                    if secret in cmdline:
                        program = cmdline.split(b"\0")[:3]
                        self.found.add(f"{name} on the command line of pid {entry} ({program!r})")


def _run(command: list[str], env: dict, secrets: dict[str, str]) -> tuple[int, str, set[str]]:
    with CommandLineWatch(secrets) as watch:
        done = subprocess.run(
            [sys.executable, "-c", "from dexxy_assets.cli.main import cli; cli()", *command],
            cwd=PROJECT_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert watch.reads > 0
    return done.returncode, done.stdout + done.stderr, watch.found


def _in_output(output: str, secrets: dict[str, str]) -> set[str]:
    return {f"{name} in the output of dexxy run" for name, value in secrets.items() if value in output}


def _in_files(roots: list[Path], secrets: dict[str, str]) -> set[str]:
    found = set()
    for root in roots:
        for path in root.rglob("*") if root.exists() else ():
            if path.is_file():
                content = path.read_bytes()
                found |= {f"{name} in {path}" for name, value in secrets.items() if value.encode() in content}
    return found


_SCAN = (
    "SELECT v FROM (SELECT {% if as_bytes %}encode({{ c | ident }}, 'escape'){% else %}{{ c | ident }}::text"
    "{% endif %} AS v FROM {{ t | ident }}) AS cells WHERE v ~ :p"
)


def _in_database(url: str, secrets: dict[str, str]) -> set[str]:
    """Every text-like column of every table outside the catalogs (bytea compared as bytes)."""
    pattern = "|".join(re.escape(value) for value in secrets.values())
    engine = create_engine(url, poolclass=NullPool)
    found = set()
    try:
        with engine.connect() as conn:
            columns = conn.execute(
                text(
                    "SELECT c.table_schema || '.' || c.table_name, c.column_name, c.data_type "
                    "FROM information_schema.columns c JOIN information_schema.tables t "
                    "USING (table_schema, table_name) WHERE t.table_type = 'BASE TABLE' "
                    "AND c.table_schema NOT IN ('pg_catalog', 'information_schema') "
                    "AND c.data_type = ANY(:types)"
                ),
                {"types": list(TEXT_TYPES)},
            ).all()
            for table, column, data_type in columns:
                sql = render_sql(_SCAN, c=column, t=table, as_bytes=data_type == "bytea")
                for (hit,) in conn.execute(text(sql), {"p": pattern}):
                    found |= {
                        f"{name} in {make_url(url).database}:{table}.{column}"
                        for name, secret in secrets.items()
                        if secret in hit
                    }
    finally:
        engine.dispose()
    return found


# Known to be there: proves each search can find what it looks for (a search that cannot fail proves nothing).
CANARIES = {
    "output": "succeeded",
    "command line": "dexxy_assets.cli.main",
    "file": "DAGSTER_PG_URL",  # dagster.yaml names the variable holding the storage URL
}


def _leaks(
    command: list[str], env: dict, secrets: dict[str, str], database_url: str, sandbox: SandboxServer
) -> set[str]:
    """Where any of ``secrets`` showed up; asserts the run succeeded and every search found its canary."""
    canaries = {f"canary {place}": value for place, value in CANARIES.items()}
    canaries["canary database"] = sandbox.org.login  # in raw payloads and in the run's tags
    code, output, leaks = _run(command, env, {**secrets, **canaries})
    assert code == 0, output[-3000:]
    secrets = {**secrets, **_minted(sandbox), **canaries}
    home = Path(env["DEXXY_HOME"])
    dagster_url = make_url(database_url).set(database=DAGSTER_DATABASE).render_as_string(hide_password=False)
    leaks |= _in_output(output, secrets)
    leaks |= _in_files([home], secrets)
    for url in (database_url, dagster_url):
        leaks |= _in_database(url, secrets)
    seen = {leak.split(" in ")[0].split(" on ")[0] for leak in leaks}
    assert {"canary output", "canary command line", "canary file", "canary database"} <= seen, leaks
    assert any(leak.startswith("canary database in dagster:") for leak in leaks), leaks
    return {leak for leak in leaks if not leak.startswith("canary ")}


def _minted(sandbox: SandboxServer) -> dict[str, str]:
    """The installation tokens the sandbox issued (a GitHub App run authenticates with them)."""
    issued = sandbox.credentials._issued  # the sandbox's own record; no public accessor
    return {f"installation token {i}": token for i, token in enumerate(issued, 1)}


def test_a_token_run_leaks_no_secret(
    sandbox: SandboxServer, secrets: dict[str, str], password_url: str, tmp_path: Path
) -> None:
    env = _environment(sandbox, secrets, password_url, tmp_path / "dexxy_home")
    command = ["run", "--start", DAY, "--end", DAY, "--select", SECRET_USERS]
    assert _leaks(command, env, secrets, password_url, sandbox) == set()
    templates = " ".join(sandbox.request_log.by_template)
    for used in ("/graphql", "copilot", "/jira/rest/api", "chat/completions"):  # every secret was used
        assert used in templates, templates


def test_a_github_app_run_leaks_neither_its_key_nor_its_installation_tokens(
    sandbox: SandboxServer, secrets: dict[str, str], password_url: str, tmp_path: Path
) -> None:
    pem = sandbox.app_private_key_pem
    key_lines = [line for line in pem.splitlines() if line and "PRIVATE KEY" not in line]
    app_secrets = {**secrets, **{f"App private key (line {i})": line for i, line in enumerate(key_lines, 1)}}
    env = _environment(sandbox, secrets, password_url, tmp_path / "dexxy_home")
    del env["GITHUB_TOKEN"]
    env |= {
        "GITHUB_APP_ID": str(sandbox.app_id),
        "GITHUB_APP_INSTALLATION_ID": str(sandbox.installation_id),
        "GITHUB_APP_PRIVATE_KEY": pem,
    }
    command = ["run", "--start", DAY, "--end", DAY, "--select", "key:github/repositories"]
    assert _leaks(command, env, app_secrets, password_url, sandbox) == set()
    assert _minted(sandbox)
