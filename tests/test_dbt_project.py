"""``dbt_like_sql/`` drops into a real dbt-postgres project without edits: a host project that installs it as
a local package parses with dbt itself, and dbt reads the same materializations, dependencies and
descriptions as Dexxy does. The properties files declare every source a model reads."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dexxy_assets.model_docs import declared_sources, model_docs
from dexxy_assets.sql_models import MODELS_DIR, model_config, model_reads

MARTS = sorted(path.stem for path in (MODELS_DIR / "marts").glob("*.sql"))
STAGING = sorted(path.stem for path in (MODELS_DIR / "staging").glob("*.sql"))
PROFILE = """
dexxy:
  target: dev
  outputs:
    dev: {type: postgres, host: localhost, port: 5432, user: dexxy, password: unused, dbname: dexxy,
          schema: analytics, threads: 1}
"""


def _dbt(args: list[str], cwd: Path, profiles: Path) -> None:
    executable = Path(sys.executable).with_name("dbt")
    assert executable.exists(), "dbt-core and dbt-postgres are dev dependencies: pip install -e '.[dev]'"
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DBT_PROFILES_DIR": str(profiles)}
    done = subprocess.run(
        [str(executable), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``dbt deps`` + ``dbt parse`` of a host project holding a copy of the folder as a package."""
    root = tmp_path_factory.mktemp("dbt")
    package = root / "dbt_like_sql"
    shutil.copytree(MODELS_DIR, package)
    host = root / "host"
    host.mkdir()
    (host / "dbt_project.yml").write_text('name: host\nversion: "1.0.0"\nconfig-version: 2\nprofile: dexxy\n')
    (host / "packages.yml").write_text(f"packages:\n  - local: {package}\n")
    (root / "profiles.yml").write_text(PROFILE)
    _dbt(["deps"], host, root)
    _dbt(["parse"], host, root)
    return json.loads((host / "target" / "manifest.json").read_text())


def _models(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "dexxy"
    }


def test_dbt_parses_every_model(manifest: dict[str, Any]) -> None:
    assert sorted(_models(manifest)) == sorted([*MARTS, *STAGING])


def test_dbt_sees_the_same_materializations(manifest: dict[str, Any]) -> None:
    models = _models(manifest)
    for name in STAGING:
        assert models[name]["config"]["materialized"] == "ephemeral", name
    for name in MARTS:
        config, ours = models[name]["config"], model_config(name)
        assert config["materialized"] == ours.materialized, name
        assert models[name]["schema"].endswith("analytics"), name
        if ours.materialized == "incremental":
            unique_key = config["unique_key"]
            assert (config["event_time"], config["incremental_strategy"]) == (
                ours.event_time,
                "delete+insert",
            )
            assert tuple([unique_key] if isinstance(unique_key, str) else unique_key) == ours.unique_key


def test_dbt_sees_the_same_dependencies(manifest: dict[str, Any]) -> None:
    """Through ephemeral (inlined) models, a mart reads the sources and marts Dexxy's lineage names."""
    nodes = manifest["nodes"]
    sources = manifest["sources"]

    def reads(unique_id: str) -> tuple[set[str], set[str]]:
        tables: set[str] = set()
        marts: set[str] = set()
        for parent in nodes[unique_id]["depends_on"]["nodes"]:
            if parent in sources:
                tables.add(f"{sources[parent]['schema']}.{sources[parent]['name']}")
            elif nodes[parent]["config"]["materialized"] == "ephemeral":
                inlined = reads(parent)
                tables |= inlined[0]
                marts |= inlined[1]
            else:
                marts.add(nodes[parent]["name"])
        return tables, marts

    for name, node in _models(manifest).items():
        if name in MARTS:
            ours = model_reads(name)
            assert reads(node["unique_id"]) == (set(ours.tables), set(ours.marts)), name


def test_dbt_reads_the_descriptions(manifest: dict[str, Any]) -> None:
    models = _models(manifest)
    docs = model_docs()
    for name in MARTS:
        described = {c: models[name]["columns"][c]["description"] for c in models[name]["columns"]}
        assert described == {c.name: c.description for c in docs[name].columns}, name


def test_every_source_a_model_reads_is_declared() -> None:
    read = set().union(*(model_reads(name).tables for name in [*MARTS, *STAGING]))
    assert sorted(read - declared_sources()) == []
