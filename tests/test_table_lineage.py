"""A mart depends on exactly the assets that land what its SQL reads: the publisher of each ``source()`` table
(through inlined staging models too) and the mart of each ``ref()`` — derived, never declared by hand."""

from __future__ import annotations

import dagster as dg
import pytest

from dexxy_assets.definitions import defs
from dexxy_assets.table_lineage import UnpublishedTableError, model_dependencies, table_publishers


def _parents(key: str) -> set[str]:
    graph = defs().resolve_asset_graph()
    return {parent.to_user_string() for parent in graph.get(dg.AssetKey.from_user_string(key)).parent_keys}


def test_a_mart_depends_on_the_publishers_of_what_its_model_reads() -> None:
    assert _parents("analytics/pull_requests") == {
        "github/pull_requests_staged",
        "github/deployments_staged",
        "processing/pr_ai_detection",
        "processing/pr_llm_summaries",
        "slack/pr_surveys",  # the author's survey answer comes first in effective_is_ai_assisted
    }
    # team_members reads Jira users through an inlined staging model, and GitHub commit e-mails
    assert _parents("analytics/team_members") == {
        "github/members",
        "github/pull_requests_staged",
        "jira/users",
    }
    # a ref() to another mart is a dependency on that mart
    assert "analytics/jira_issue_status_periods" in _parents("analytics/jira_issues")


def test_every_table_a_model_reads_has_one_publisher() -> None:
    assets = [a for a in defs().assets or [] if isinstance(a, dg.AssetsDefinition)]
    publishers = table_publishers(assets)
    assert publishers["staging.github_pull_requests"] == dg.AssetKey(["github", "pull_requests_staged"])
    assert publishers["processing.pr_jira_keys"] == dg.AssetKey(["jira", "issues_staged"])


def test_a_model_reading_an_unpublished_table_names_it() -> None:
    with pytest.raises(UnpublishedTableError, match=r"staging\.github_pr_files.*publishes"):
        model_dependencies("pr_files", publishers={})


def test_two_writers_of_one_table_are_refused() -> None:
    def spec(name: str) -> dg.AssetsDefinition:
        @dg.asset(name=name, metadata={"dexxy/publishes": ["staging.shared"]})
        def writer() -> None: ...

        return writer

    with pytest.raises(ValueError, match="one table, one writer"):
        table_publishers([spec("a"), spec("b")])
