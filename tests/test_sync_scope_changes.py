"""The scope API of installation events on a real warehouse: a scope added is pending (the onboarding
sensor backfills it), a removed one is archived with its history, a suspended source is paused and
resumed; each change is a line in ops.sync_log; the Jira onboarding rows keep working after the migration."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from dexxy_assets.sync import state
from dexxy_assets.sync.scope_changes import add_scope, pause_source, remove_scope, resume_source
from dexxy_assets.sync.state import Status
from resources.github import GitHubResource
from resources.github_errors import GitHubConfigError
from resources.warehouse import WarehouseResource


def log_lines(warehouse: WarehouseResource) -> list[tuple]:
    with warehouse.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                text("SELECT source, scope, status, level, message FROM ops.sync_log ORDER BY id")
            )
        ]


def status_of(warehouse: WarehouseResource, source: str, scope: str) -> str | None:
    with warehouse.connect() as conn:
        row = state.scope_row(conn, source, scope)
    return row.status if row else None


def test_scope_lifecycle_of_a_repository(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        add_scope(conn, "github", "acme/new", reason="installation_repositories added")
    assert status_of(warehouse, "github", "acme/new") == Status.PENDING
    with warehouse.begin() as conn:
        state.set_status(conn, "github", "acme/new", Status.ACTIVE)
        add_scope(conn, "github", "acme/new", reason="redelivered event")
    assert status_of(warehouse, "github", "acme/new") == Status.ACTIVE  # already synced: no new backfill
    with warehouse.begin() as conn:
        remove_scope(conn, "github", "acme/new", reason="installation_repositories removed")
        assert state.stopped_scopes(conn, "github") == {"acme/new"}
        assert state.stopped_reason(conn, "github", "acme/new") == (
            "github scope acme/new is disabled (installation_repositories removed): not syncing; "
            "its history is kept"
        )
        assert state.stopped_reason(conn, "github") is None  # the rest of the source still syncs
    with warehouse.begin() as conn:
        add_scope(conn, "github", "acme/new", reason="added back")
    assert status_of(warehouse, "github", "acme/new") == Status.PENDING  # re-added: its gap is backfilled
    lines = log_lines(warehouse)
    assert [line[2] for line in lines] == ["scope_added", "scope_added", "scope_removed", "scope_added"]
    assert lines[2][3] == "warning" and "archived, its history is kept" in lines[2][4]


def test_a_suspended_installation_pauses_its_source_until_unsuspended(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        pause_source(conn, "github", reason="installation suspended")
        assert state.stopped_reason(conn, "github", "acme/api") == (
            "github is paused (installation suspended): not syncing; "
            "`dexxy sync resume --source github` to sync again"
        )
    assert status_of(warehouse, "github", "*") == Status.PAUSED
    assert status_of(warehouse, "jira", "*") is None  # one source only
    with warehouse.begin() as conn:
        resume_source(conn, "github", reason="installation unsuspended")
        assert state.stopped_reason(conn, "github") is None
    assert status_of(warehouse, "github", "*") == Status.ACTIVE
    assert [line[2:4] for line in log_lines(warehouse)] == [("paused", "warning"), ("resumed", "info")]


def test_statuses_outside_the_shared_vocabulary_are_refused(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        add_scope(conn, "jira", "PAY", reason="new project")
    with warehouse.begin() as conn:
        with pytest.raises(IntegrityError, match="sync_state_status_known"):
            conn.execute(text("UPDATE ops.sync_state SET status = 'synced'"))


def test_the_github_scope_follows_added_and_archived_scopes() -> None:
    """What the ingestion factory hands GitHub: added organisations join GITHUB_ORGS, an added repository
    extends a GITHUB_REPOS allow-list (an org-wide scope already holds it), archived or paused ones are left
    out, and a malformed name from a payload is ignored."""
    org_wide = GitHubResource(orgs=["acme"], token="t")
    scope = org_wide.scoped(frozenset({"globex", "acme/new", "bad name"}), frozenset({"acme/old"})).scope()
    assert (scope.orgs, scope.repos) == (("acme", "globex"), ())
    assert scope.allows("acme/new") and scope.allows("globex/web") and not scope.allows("acme/old")

    allow_list = GitHubResource(repos=["acme/api"], token="t")
    scope = allow_list.scoped(frozenset({"acme/new"}), frozenset()).scope()
    assert scope.repos == ("acme/api", "acme/new") and not scope.allows("acme/other")

    with pytest.raises(GitHubConfigError, match="every configured organisation and repository is archived"):
        GitHubResource(orgs=["acme"], token="t").scoped(frozenset(), frozenset({"acme"})).scope()
