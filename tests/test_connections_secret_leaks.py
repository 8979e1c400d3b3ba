"""A real `dexxy run` (a subprocess) on a GitHub connection stored by `dexxy connect`, its access token
expired so the run refreshes it: neither the stored tokens nor the ones the refresh minted, nor the key, show
up in the output, the files under DEXXY_HOME, any command line, or any text column of the warehouse or of
Dagster's storage (the searches of tests/test_secret_leaks.py)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from dexxy_sandbox.server import SandboxServer
from resources.connection_store import ConnectionStore
from resources.embedded_postgres import DAGSTER_DATABASE
from resources.github_oauth import CONNECTION_NAME, PROVIDER
from resources.secret_box import SecretBox
from resources.warehouse import normalise_url, warehouse_engine
from tests.oauth_fixtures import github_app
from tests.test_secret_leaks import (  # noqa: F401  (fixtures)
    DAY,
    _environment,
    _in_database,
    _in_files,
    _in_output,
    _run,
    password_url,
    sandbox,
    secrets,
)


def test_a_run_on_a_stored_connection_leaks_no_token(
    sandbox: SandboxServer,  # noqa: F811
    secrets: dict[str, str],  # noqa: F811
    password_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    app = github_app(sandbox, slug=None)
    callback = "http://127.0.0.1:8787/oauth/github/callback"
    grant = app.exchange_code(sandbox.github_oauth.issue_code(callback), callback)
    engine = warehouse_engine(normalise_url(password_url))
    store = ConnectionStore(engine, SecretBox(secrets["DEXXY_SECRET_KEY"]))
    store.save(CONNECTION_NAME, PROVIDER, grant, account=app.login(grant.access_token))
    with engine.begin() as conn:  # expired: the run must refresh (and store) before its first request
        conn.execute(text("UPDATE ops.connections SET expires_at = now() - interval '1 minute'"))

    env = _environment(sandbox, secrets, password_url, tmp_path / "dexxy_home")
    del env["GITHUB_TOKEN"]
    env |= {
        "GITHUB_APP_CLIENT_ID": app.client_id,
        "GITHUB_APP_CLIENT_SECRET": app.client_secret,
        "GITHUB_WEB_URL": sandbox.url,
    }
    code, output, leaks = _run(
        ["run", "--start", DAY, "--end", DAY, "--select", "key:github/repositories"],
        env,
        {
            **secrets,
            "stored access token": grant.access_token,
            "stored refresh token": grant.refresh_token or "",
        },
    )
    assert code == 0, output[-3000:]
    assert sandbox.github_oauth.refreshes == 1  # the run refreshed the expired token
    minted = {f"token {i}": token for i, token in enumerate(sandbox.github_oauth.live_tokens(), 1)}
    assert minted
    everything = {**secrets, **minted, "first access token": grant.access_token}
    leaks |= _in_output(output, everything) | _in_files([tmp_path / "dexxy_home"], everything)
    dagster_url = make_url(password_url).set(database=DAGSTER_DATABASE).render_as_string(hide_password=False)
    for url in (password_url, dagster_url):
        leaks |= _in_database(url, everything)
    assert leaks == set()
    info = store.info(CONNECTION_NAME)
    assert info is not None and info.status == "ok" and info.expires_at is not None
