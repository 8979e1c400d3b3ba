"""Shared fixtures: a real PostgreSQL (TEST_DATABASE_URL, or an embedded pgserver) with a fresh database
per test that asks for one."""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from resources.embedded_postgres import ensure_embedded_server, stop_embedded_server
from resources.warehouse import WarehouseResource, normalise_url

# A suite started as a background job of a non-interactive shell (`make test &` in a script) inherits SIGINT
# ignored, and so would every process it starts: the tests that press Ctrl-C on `dexxy run` or the sandbox
# would wait for them for ever. A child starts with the default only when this process does not ignore it.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

SPECS_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "specs"


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A maintenance URL on a server where the tests may create databases."""
    configured = os.environ.get("TEST_DATABASE_URL")
    if configured:
        yield normalise_url(configured)
        return
    home = Path(tempfile.mkdtemp(prefix="dxt"))  # short: the socket path must stay under 107 bytes
    try:
        yield ensure_embedded_server(home, database="postgres")
    finally:
        stop_embedded_server(home)
        shutil.rmtree(home, ignore_errors=True)


@contextmanager
def fresh_database(server_url: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards (a module's fixture may hold one)."""
    name = f"dexxy_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        from resources import warehouse as warehouse_module

        engine = warehouse_module._engines.pop(url, None)
        if engine is not None:
            engine.dispose()
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name}
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


@pytest.fixture
def database_url(server_url: str) -> Iterator[str]:
    """A new, empty database for one test, dropped afterwards."""
    with fresh_database(server_url) as url:
        yield url


@pytest.fixture
def warehouse(database_url: str) -> WarehouseResource:
    return WarehouseResource(database_url=database_url)


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's GitHub / Groq settings or writes into ./.dexxy."""
    for name in (
        "GITHUB_API_URL",
        "GITHUB_TOKEN",
        "GITHUB_ORGS",
        "GITHUB_REPOS",
        "GITHUB_FETCH_MODE",
        "GITHUB_APP_ID",
        "GITHUB_APP_PRIVATE_KEY",
        "GITHUB_APP_INSTALLATION_ID",
        "GROQ_API_KEY",
        "GROQ_BASE_URL",
        "GROQ_MODEL",
        "DATABASE_URL",
        "JIRA_BASE_URL",
        "JIRA_EMAIL",
        "JIRA_API_TOKEN",
        "JIRA_OAUTH_TOKEN",
        "JIRA_OAUTH_CLIENT_ID",
        "JIRA_OAUTH_CLIENT_SECRET",
        "JIRA_OAUTH_REFRESH_TOKEN",
        "JIRA_OAUTH_API_ROOT",
        "JIRA_OAUTH_TOKEN_URL",
        "JIRA_PROJECTS",
        "JIRA_TRACKED_USERS",
        "DEXXY_SECRET_KEY",
        "DEXXY_RECEIVER_URL",  # OAuth connections (`dexxy connect`): a test sets the ones it means
        "GITHUB_WEB_URL",
        "GITHUB_APP_CLIENT_ID",
        "GITHUB_APP_CLIENT_SECRET",
        "GITHUB_APP_SLUG",
        "JIRA_OAUTH_AUTH_URL",
        "DEXXY_BI_PASSWORD",
        "DEXXY_PG_PORT",  # one fixed port would make every test's embedded server collide
        "DEXXY_DEPLOYMENT_RULES",  # DORA settings: a test sets the ones it means
        "DEXXY_INCIDENT_ISSUE_TYPES",
        "DEXXY_INCIDENT_LABELS",
        "DEXXY_BUG_LABELS",
        "DEXXY_CHANGE_FAILURE_WINDOW_HOURS",
        "DAGSTER_PG_URL",
        "DAGSTER_HOME",  # `dexxy run` sets it for its process: one test's instance is not the next one's
        "SMTP_URL",  # no test sends the developer's alerts
        "DEXXY_ALERT_EMAIL_TO",
        "DEXXY_ALERT_EMAIL_FROM",
        "SLACK_WEBHOOK_URL",
        "DEXXY_ALERT_POLICY",
        "GITHUB_WEBHOOK_SECRET",  # the receiver's tests set the secrets they sign with
        "JIRA_WEBHOOK_SECRET",
        "SLACK_BOT_TOKEN",  # Slack surveys: a test configures the bot it means
        "SLACK_SIGNING_SECRET",
        "SLACK_API_URL",
        "DEXXY_SURVEY_OPT_OUT",
        "DEXXY_SURVEY_REVIEWERS",
        "DEXXY_SURVEY_MAX_AGE_HOURS",
        "DEXXY_TEAMS_FILE",
        "CELERY_BROKER_URL",
        "CELERY_RESULT_BACKEND",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEXXY_HOME", str(tmp_path / "dexxy_home"))
    monkeypatch.setenv("DEXXY_START_DATE", "2026-01-01")


@pytest.fixture
def make_database(server_url: str) -> Iterator:
    """Create more fresh databases within one test (dropped afterwards)."""
    created: list[str] = []
    admin = create_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")

    def make() -> str:
        name = f"dexxy_test_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        created.append(name)
        return make_url(server_url).set(database=name).render_as_string(hide_password=False)

    yield make
    from resources import warehouse as warehouse_module

    for name in created:
        for url, engine in list(warehouse_module._engines.items()):
            if url.endswith(f"/{name}") or f"/{name}?" in url:
                engine.dispose()
                warehouse_module._engines.pop(url, None)
        with admin.connect() as conn:
            conn.execute(
                text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :d"), {"d": name}
            )
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    admin.dispose()
