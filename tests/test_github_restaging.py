"""Staging is derived from raw: a parser or derivation-rule change reaches old rows by re-staging alone, with
zero GitHub calls, and the stale-code-version sensor asks for exactly the staged asset's stale days."""

from __future__ import annotations

import ast
import datetime as dt
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from dexxy_assets.github import file_categories, parser_version, pull_request_staged_asset
from dexxy_assets.github.pull_request_selection import PULL_REQUEST_ASSETS
from dexxy_assets.github.pull_request_staged_asset import PULL_REQUESTS_STAGED_KEY
from dexxy_assets.github.release_staging import RELEASES_STAGING
from dexxy_assets.github.workflow_run_staging import WORKFLOW_RUNS_STAGING
from resources.warehouse import WarehouseResource
from sensors.stale_code_version import RANGE_END_TAG, RANGE_START_TAG
from tests.github_runs import github_resource, materialize_range, staged_pull_requests, table_rows
from tests.sandbox_fixtures import SANDBOX_UNTIL, running_sandbox

DAYS = [SANDBOX_UNTIL - dt.timedelta(days=n) for n in range(4, 0, -1)]  # four consecutive days
STAGED = "key:github/pull_requests_staged"


@pytest.fixture(scope="module")
def sandbox() -> Iterator:
    with running_sandbox() as server:
        yield server


def test_a_parser_change_restages_exactly_the_stale_days_with_zero_github_calls(
    warehouse: WarehouseResource, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    instance = dg.DagsterInstance.ephemeral()
    github = github_resource(sandbox)
    with monkeypatch.context() as patched:  # the first two days were staged by an older parser
        patched.setattr(pull_request_staged_asset, "GITHUB_PARSER_VERSION", "0ld0ld0ld0ld")
        assert materialize_range(
            warehouse, github, DAYS[0], DAYS[1], selection=PULL_REQUEST_ASSETS, instance=instance
        ).success
    assert materialize_range(
        warehouse, github, DAYS[2], DAYS[3], selection=PULL_REQUEST_ASSETS, instance=instance
    ).success
    before = staged_pull_requests(warehouse)
    assert before["staging.github_pull_requests"], "the days hold pull requests"

    definitions = defs()
    sensor = next(s for s in definitions.sensors if s.name == "rerun_stale_github_pull_requests_staged")
    result = sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(result, dg.SensorResult) and len(result.run_requests) == 1
    request = result.run_requests[0]
    assert request.asset_selection == [PULL_REQUESTS_STAGED_KEY]
    assert (request.tags[RANGE_START_TAG], request.tags[RANGE_END_TAG]) == (
        DAYS[0].isoformat(),
        DAYS[1].isoformat(),
    )  # exactly the stale days of the staged asset, never the fetching assets

    requests_before = sandbox.request_log.total
    assert materialize_range(warehouse, github, DAYS[0], DAYS[1], selection=STAGED, instance=instance).success
    assert sandbox.request_log.total == requests_before, "re-staging reads raw, never GitHub"
    assert staged_pull_requests(warehouse) == before  # same parser output: the same warehouse
    again = sensor(dg.build_sensor_context(instance=instance, definitions=definitions))
    assert isinstance(again, dg.SkipReason)


def test_a_new_file_category_rule_reaches_old_rows_by_restaging_alone(
    warehouse: WarehouseResource, sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    github = github_resource(sandbox)
    assert materialize_range(warehouse, github, DAYS[0], DAYS[-1], selection=PULL_REQUEST_ASSETS).success
    before = _categories(warehouse)
    suffix = Counter(PurePosixPath(path).suffix for path in before).most_common(1)[0][0]
    assert suffix and "vendored" not in before.values()

    rule = ("vendored", re.compile(re.escape(suffix) + "$"))  # a new rule, ahead of the others
    monkeypatch.setattr(file_categories, "_RULES", (rule, *file_categories._RULES))
    requests_before = sandbox.request_log.total
    assert materialize_range(warehouse, github, DAYS[0], DAYS[-1], selection=STAGED).success
    assert sandbox.request_log.total == requests_before
    expected = {path: "vendored" if path.endswith(suffix) else kind for path, kind in before.items()}
    assert _categories(warehouse) == expected  # every old row follows the new rule, the rest is untouched


def _categories(warehouse: WarehouseResource) -> dict[str, str]:
    with warehouse.connect() as conn:
        return dict(
            conn.execute(text("SELECT DISTINCT path, file_category FROM staging.github_pr_files")).all()
        )


def _product_imports(path: Path, root: Path) -> set[Path]:
    """The dexxy_assets modules ``path`` imports."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("dexxy_assets"):
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            for name in names:
                candidate = root.parent / (name.replace(".", "/") + ".py")
                if candidate.exists():
                    found.add(candidate)
    return found


def test_the_parser_version_covers_every_module_staging_reads() -> None:
    """A parser or rule module left out of the hash would change staging without marking it stale."""
    root = Path(parser_version.__file__).resolve().parent.parent
    hashed = {root / name for name in parser_version._PARSER_FILES}
    seen: set[Path] = set()
    todo = [root / "github" / "pull_request_staging.py", root / "github" / "deployment_staging.py"]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(_product_imports(module, root))
    assert sorted(str(p.relative_to(root)) for p in seen - hashed) == []


def test_deployments_restage_from_raw_with_zero_github_calls(warehouse: WarehouseResource, sandbox) -> None:  # type: ignore[no-untyped-def]
    github = github_resource(sandbox, fetch_mode="graphql")
    selection = "key:github/deployments or key:github/deployments_staged"
    assert materialize_range(warehouse, github, DAYS[0], DAYS[-1], selection=selection).success
    tables = {
        "staging.github_deployments": "deployment_id",
        "staging.github_deployment_commits": "deployment_id,sha",
    }
    before = {table: table_rows(warehouse, table, order) for table, order in tables.items()}
    assert before["staging.github_deployments"], "the days hold deployments"
    with warehouse.begin() as conn:  # staging lost: only raw can bring it back
        conn.execute(text("TRUNCATE staging.github_deployments, staging.github_deployment_commits"))
    requests_before = sandbox.request_log.total
    staged = "key:github/deployments_staged"
    assert materialize_range(warehouse, github, DAYS[0], DAYS[-1], selection=staged).success
    assert sandbox.request_log.total == requests_before
    assert {table: table_rows(warehouse, table, order) for table, order in tables.items()} == before


def test_each_record_staging_step_hashes_its_own_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workflow runs and releases once shared the pull-request parsers' version: a change to their own row
    parser did not mark them stale, and a pull-request parser change re-staged them for nothing."""
    steps = {s.key: s for s in (RELEASES_STAGING, WORKFLOW_RUNS_STAGING)}
    assets = {key: a for a in defs().assets if isinstance(a, dg.AssetsDefinition) for key in a.keys}
    before = {key: assets[key].code_versions_by_key[key] for key in steps}
    assert before == {key: step.code_version for key, step in steps.items()}
    assert len({*before.values(), parser_version.GITHUB_PARSER_VERSION}) == 3

    copy = tmp_path / "dexxy_assets"
    shutil.copytree(Path(parser_version.__file__).resolve().parent.parent, copy)
    (copy / RELEASES_STAGING.parser_file).write_text(
        (copy / RELEASES_STAGING.parser_file).read_text() + "\n# a parser change\n"
    )
    monkeypatch.setattr(parser_version, "_PRODUCT", copy)
    assert RELEASES_STAGING.code_version != before[RELEASES_STAGING.key]
    assert WORKFLOW_RUNS_STAGING.code_version == before[WORKFLOW_RUNS_STAGING.key]
