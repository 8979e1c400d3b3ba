"""The deployment files in deploy/ agree with the project: no Docker engine or Kubernetes runs here, so this
checks what can be checked without them (they parse, they name modules, files and pools that exist, and
they carry no secret)."""

from __future__ import annotations

import importlib
import re
import tomllib
from pathlib import Path

import dagster as dg
import yaml

from dexxy_assets.celery_location import BACKEND_VARIABLE, BROKER_VARIABLE
from dexxy_assets.definitions import defs

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())
LOCATION = PYPROJECT["tool"]["dagster"]["code_location_name"]
MODULE = PYPROJECT["tool"]["dagster"]["module_name"]


def load(relative: str) -> dict:
    return yaml.safe_load((DEPLOY / relative).read_text())


def test_the_compose_file_runs_the_webserver_daemon_code_location_and_postgres() -> None:
    compose = load("compose/docker-compose.yaml")
    services = compose["services"]
    assert {"postgres", "code", "webserver", "daemon", "celery-worker"} <= set(services)
    assert services["celery-worker"]["profiles"] == ["celery"]  # only with --profile celery
    assert services["celery-worker"]["deploy"]["replicas"] == 2
    # the code location serves the product's definitions unless the operator picks the Celery location
    assert f"${{DEXXY_CODE_MODULE:-{MODULE}}}" in services["code"]["command"]
    assert services["code"]["command"][services["code"]["command"].index("--location-name") + 1] == LOCATION
    for name in ("webserver", "daemon"):
        workspace_path = next(arg for arg in services[name]["command"] if arg.endswith("workspace.yaml"))
        assert workspace_path == "/opt/dexxy/deploy/compose/workspace.yaml"
    (server,) = load("compose/workspace.yaml")["load_from"]
    assert server["grpc_server"] == {"host": "code", "port": 4000, "location_name": LOCATION}
    environment = services["code"]["environment"]
    assert {BROKER_VARIABLE, BACKEND_VARIABLE, "DATABASE_URL", "DAGSTER_PG_PASSWORD"} <= set(environment)
    mounted_sql = services["postgres"]["volumes"][1].split(":")[0]
    assert (DEPLOY / "compose" / mounted_sql).is_file()


def test_the_dockerfile_copies_what_exists_and_installs_the_deploy_extra() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    copied = re.findall(r"^COPY (\S+(?: \S+)*) \S+$", dockerfile, flags=re.MULTILINE)
    for sources in copied:
        for source in sources.split():
            assert (REPO / source).exists(), source
    assert "pip install '.[deploy]'" in dockerfile
    assert {"dagster-celery", "dagster-k8s"} <= {
        re.split(r"[<>=\[ ]", requirement)[0]
        for requirement in PYPROJECT["project"]["optional-dependencies"]["deploy"]
    }
    assert f'"-m", "{MODULE}"' in dockerfile and f'"--location-name", "{LOCATION}"' in dockerfile


def test_the_helm_values_deploy_the_code_location_with_the_k8s_run_launcher_and_pools() -> None:
    values = load("helm/values.yaml")
    (deployment,) = values["dagster-user-deployments"]["deployments"]
    args = deployment["codeServerArgs"]
    assert args[args.index("--module-name") + 1] == MODULE
    assert args[args.index("--location-name") + 1] == LOCATION
    assert values["runLauncher"]["type"] == "K8sRunLauncher"
    coordinator = values["dagsterDaemon"]["runCoordinator"]
    assert coordinator["type"] == "QueuedRunCoordinator"
    assert coordinator["config"]["queuedRunCoordinator"]["tagConcurrencyLimits"]
    assert values["postgresql"]["enabled"] is False and values["postgresql"]["postgresqlPassword"] == ""
    assert values["generatePostgresqlPasswordSecret"] is False  # the password comes from a Secret
    assert values["additionalInstanceConfig"]["concurrency"]["pools"]["default_limit"] >= 1
    # every job tag the values limit on is one the jobs set
    tag_keys = {
        limit["key"] for limit in coordinator["config"]["queuedRunCoordinator"]["tagConcurrencyLimits"]
    }
    job_tags = {key for job in defs().jobs or [] for key in (job.tags or {})}
    assert tag_keys - {"dagster/backfill"} <= job_tags


def test_the_pools_named_in_deploy_and_docs_are_the_assets_pools() -> None:
    pools = {
        pool
        for assets_def in defs().assets or []
        if isinstance(assets_def, dg.AssetsDefinition)
        for pool in [assets_def.op.pool]
        if pool
    }
    assert {"github_api", "jira_api"} <= pools
    texts = (DEPLOY / "helm" / "values.yaml").read_text() + (REPO / "docs" / "operations.md").read_text()
    named = set(re.findall(r"\b([a-z]+_api)\b(?!\.py)", texts))  # a module (shared_api.py) is no pool
    assert named <= pools, named - pools


def test_the_celery_location_changes_only_the_executor() -> None:
    celery_location = importlib.import_module("dexxy_assets.celery_location")
    celery = celery_location.defs()
    product = defs()
    assert celery.executor is not None and celery.executor.name == "celery"
    assert product.executor is None  # the product keeps Dagster's default executor
    keys = lambda d: {k for a in d.assets or [] if isinstance(a, dg.AssetsDefinition) for k in a.keys}  # noqa: E731
    assert keys(celery) == keys(product)
    assert {job.name for job in celery.jobs or []} == {job.name for job in product.jobs or []}


def test_no_deploy_file_holds_a_secret() -> None:
    for path in DEPLOY.rglob("*"):
        if path.is_file():
            text = path.read_text()
            # URLs with a password carry it by interpolation (${…}), never literally
            for user_password in re.findall(r"://[^/@\s:]+:([^@\s/]+)@", text):
                assert user_password.startswith("${"), (path, user_password)
