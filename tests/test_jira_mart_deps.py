"""Each Jira mart depends on exactly the assets that land what its SQL reads: the asset publishing each
``source()`` table (through inlined staging models too) and the mart of each ``ref()``."""

from __future__ import annotations

import dagster as dg
import jinja2
import pytest

from dexxy_assets.jira.issue_assets import STAGED_KEY
from dexxy_assets.jira.marts import JIRA_MARTS
from dexxy_assets.jira.snapshot_assets import SPRINTS_KEY, USERS_KEY
from dexxy_assets.sql_models import hours_between, model_path

# who lands each table a Jira model reads
PUBLISHED_BY = {
    "staging.jira_users": USERS_KEY,
    "staging.jira_statuses": USERS_KEY,
    "staging.jira_sprints": SPRINTS_KEY,
    "staging.jira_issues": STAGED_KEY,
    "staging.jira_issue_changes": STAGED_KEY,
    "staging.jira_worklogs": STAGED_KEY,
    "staging.jira_sprint_issues": STAGED_KEY,
    "processing.pr_jira_keys": STAGED_KEY,
    "staging.github_pull_requests": dg.AssetKey(["github", "pull_requests"]),
    "staging.github_pr_commits": dg.AssetKey(["github", "commits"]),
    "staging.github_users": dg.AssetKey(["github", "members"]),
    "staging.github_org_members": dg.AssetKey(["github", "members"]),
}


def reads(name: str) -> set[dg.AssetKey]:
    """The asset keys behind a model's source() and ref() calls, inlined staging models followed."""
    found: set[dg.AssetKey] = set()

    def ref(other: str) -> str:
        if model_path(other).parent.name == "marts":
            found.add(dg.AssetKey(["analytics", other]))
        else:
            found.update(reads(other))
        return "x"

    def source(schema: str, table: str) -> str:
        found.add(PUBLISHED_BY[f"{schema}.{table}"])
        return "x"

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["hours_between"] = hours_between
    environment.from_string(model_path(name).read_text()).render(ref=ref, source=source)
    return found


@pytest.mark.parametrize("spec", JIRA_MARTS, ids=lambda s: s.name)
def test_a_jira_mart_depends_on_what_its_sql_reads(spec) -> None:  # type: ignore[no-untyped-def]
    assert set(spec.deps) == reads(spec.name)
