"""Installation, installation_repositories and Jira project events → calls of the scope API; and, once the
sync branch's ``dexxy_assets.sync.scope_changes`` is merged, the sensor making them on a real warehouse."""

from __future__ import annotations

import json

import dagster as dg
import pytest
from sqlalchemy import text

from dexxy_assets.definitions import defs
from resources.warehouse import WarehouseResource
from sensors import webhook_inbox
from sensors.webhook_scope_events import ScopeCall, scope_calls
from sensors.webhook_sensor import SENSOR_NAME
from tests.conftest import SPECS_DIR

EXAMPLES = SPECS_DIR / "github" / "webhook-examples"


def example(name: str) -> dict:
    if not EXAMPLES.is_dir():
        pytest.skip(f"{EXAMPLES} is absent (the shared specs are not cloned here)")
    return json.loads((EXAMPLES / name).read_text())


def calls_for(name: str) -> list[tuple]:
    payload = example(name)
    return [
        (c.call, c.source, c.scope)
        for c in scope_calls("github", name.split(".")[0], payload["action"], payload)
    ]


def test_installation_examples() -> None:
    # both created examples select repositories: each becomes a scope
    assert calls_for("installation.created.1.json") == [("add_scope", "github", "Codertocat/Hello-World")]
    assert calls_for("installation.deleted.0.json") == [("remove_scope", "github", "octocat/Hello-World")]
    assert calls_for("installation.suspend.5.json") == [("pause_source", "github", None)]
    assert calls_for("installation.unsuspend.6.json") == [("resume_source", "github", None)]
    assert calls_for("installation.new_permissions_accepted.4.json") == []


def test_installation_on_all_repositories_is_the_account() -> None:
    payload = example("installation.created.1.json")
    payload["installation"]["repository_selection"] = "all"
    assert [c.scope for c in scope_calls("github", "installation", "created", payload)] == ["Codertocat"]


def test_installation_repositories_added_and_removed() -> None:
    payload = {
        "action": "added",
        "installation": {"id": 7, "account": {"login": "acme"}, "repository_selection": "selected"},
        "repositories_added": [{"full_name": "acme/new"}, {"full_name": "acme/other"}],
        "repositories_removed": [],
    }
    assert scope_calls("github", "installation_repositories", "added", payload) == [
        ScopeCall(
            "add_scope", "github", "acme/new", "github installation_repositories.added (installation 7)"
        ),
        ScopeCall(
            "add_scope", "github", "acme/other", "github installation_repositories.added (installation 7)"
        ),
    ]
    payload.update(action="removed", repositories_added=[], repositories_removed=[{"full_name": "acme/old"}])
    assert [
        (c.call, c.scope) for c in scope_calls("github", "installation_repositories", "removed", payload)
    ] == [("remove_scope", "acme/old")]


def test_jira_project_events() -> None:
    created = {"webhookEvent": "project_created", "project": {"id": 10001, "key": "PAY", "name": "Payments"}}
    assert scope_calls("jira", "project_created", None, created) == [
        ScopeCall("add_scope", "jira", "PAY", "jira project_created")
    ]
    assert [c.call for c in scope_calls("jira", "project_deleted", None, created)] == ["remove_scope"]
    assert scope_calls("jira", "project_updated", None, created) == []
    assert scope_calls("jira", "project_created", None, {"project": {}}) == []  # no key: nothing to add


def test_sensor_applies_installation_events_once(warehouse: WarehouseResource) -> None:
    pytest.importorskip("dexxy_assets.sync.scope_changes", reason="the sync branch's scope API is not merged")
    from dexxy_assets.sync import state

    with warehouse.begin() as conn:
        for name in ("installation.created.1.json", "installation.suspend.5.json"):
            payload = example(name)
            delivery = webhook_inbox.Delivery(name, "github", "installation", payload["action"], payload)
            webhook_inbox.store(conn, delivery)
    definitions = defs()
    sensor = next(s for s in definitions.sensors or [] if s.name == SENSOR_NAME)
    instance = dg.DagsterInstance.ephemeral()
    context = dg.build_sensor_context(
        instance=instance, resources={"warehouse": warehouse}, definitions=definitions
    )
    result = sensor(context)
    assert isinstance(result, dg.SensorResult) and result.run_requests == []
    with warehouse.connect() as conn:
        assert state.scope_row(conn, "github", "Codertocat/Hello-World").status == state.Status.PENDING
        assert state.scope_row(conn, "github", state.WHOLE).status == state.Status.PAUSED
        logged = conn.scalar(text("SELECT count(*) FROM ops.sync_log"))
    # the same rows read again (a tick whose cursor was lost): no second scope change
    again = sensor(
        dg.build_sensor_context(
            instance=instance, resources={"warehouse": warehouse}, definitions=definitions
        )
    )
    assert isinstance(again, dg.SensorResult)
    with warehouse.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM ops.sync_log")) == logged
