"""E20: the Dagster storage password never lands in dagster.yaml or in a Dagster process's command line."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from dexxy_assets.cli.dagster_home import CLI_INSTANCE_YAML, write_instance_yaml

PASSWORD = "s3cr3t-pw"


@pytest.fixture
def password_url(make_database) -> str:  # type: ignore[no-untyped-def]
    """A fresh database reached by a role that needs a password."""
    url = make_url(make_database())
    role = f"dexxy_pw_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN SUPERUSER PASSWORD '{PASSWORD}'")
    admin.dispose()
    return url.set(username=role, password=PASSWORD).render_as_string(hide_password=False)


def test_dagster_yaml_holds_no_password(
    password_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DAGSTER_PG_URL", raising=False)
    home = tmp_path / "dagster_home"
    yaml_path = write_instance_yaml(home, password_url)
    cli_yaml = home / CLI_INSTANCE_YAML  # `dexxy run`'s view of the same instance
    for written in (yaml_path, cli_yaml):
        text = written.read_text()
        assert PASSWORD not in text
        assert "DAGSTER_PG_URL" in text
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert sorted(p.name for p in home.iterdir()) == ["cli.yaml", "dagster.yaml"]  # no temporary file left
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_runs() == []  # the instance loads, reading the URL from the environment
        # `dexxy dev` hands this reference to the webserver, daemon and code servers on their command line.
        assert PASSWORD not in dg.serialize_value(instance.get_ref())


def test_an_old_world_readable_yaml_is_replaced(password_url: str, tmp_path: Path) -> None:
    """A file an older dexxy wrote (with the password, mode 644) is rewritten without it, 0600."""
    yaml_path = tmp_path / "dagster.yaml"
    yaml_path.write_text(f'storage:\n  postgres:\n    postgres_url: "{password_url}"\n')
    yaml_path.chmod(0o644)
    write_instance_yaml(tmp_path, password_url)
    assert PASSWORD not in yaml_path.read_text()
    assert stat.S_IMODE(yaml_path.stat().st_mode) == 0o600
