"""Jira emulator responses match Atlassian's OpenAPI descriptions (../shared/specs/jira/*.json).

Jira renders platform timestamps as `2025-03-31T09:15:30.000-0700` (no colon in the offset), which the specs
call `date-time` and strict RFC 3339 does not, and sends `"from": null` in changelog items the spec types as
strings; those two habits of the real service are accepted, nothing else is. Where the agile spec documents a
response only by an example, our keys must be the example's.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema.exceptions import ValidationError

from dexxy_sandbox.jira import JIRA_API_TOKEN, JiraSite
from dexxy_sandbox.openapi_validation import OpenApiResponses
from dexxy_sandbox.server import SandboxServer
from tests.sandbox_fixtures import running_sandbox

# Beside the repository; DEXXY_SPECS_DIR points elsewhere (e.g. from a git worktree).
SPECS = Path(
    os.environ.get("DEXXY_SPECS_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "specs"
)
PLATFORM_SPEC = SPECS / "jira" / "platform-api.v3.json"
AGILE_SPEC = SPECS / "jira" / "software-agile-api.v3.json"
JIRA_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{4}$")


def _load(path: Path) -> OpenApiResponses:
    if not path.exists():
        pytest.skip(f"../shared/specs not found: {path} (the specs live beside the repository)")
    return OpenApiResponses.load(path)


@pytest.fixture(scope="module")
def platform() -> OpenApiResponses:
    return _load(PLATFORM_SPEC)


@pytest.fixture(scope="module")
def agile() -> OpenApiResponses:
    return _load(AGILE_SPEC)


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with running_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: SandboxServer) -> Iterator[httpx.Client]:
    auth = (server.jira.site.api_user.email or "", JIRA_API_TOKEN)
    with httpx.Client(base_url=server.jira_base_url, auth=auth, timeout=30) as http:
        yield http


def _keys_like_example(template: str, example: Any, payload: Any) -> list[str]:
    """Where the spec documents only an example: our keys must be the example's (top level and list items)."""
    sample = json.loads(example) if isinstance(example, str) else example
    if isinstance(payload, dict) and "issues" in payload:  # the sprint-issues example is one issue
        return [m for issue in payload["issues"] for m in _keys_like_example(template, sample, issue)]
    problems = [
        f"{template}: {name!r} is not in the documented example"
        for name in sorted(set(payload) - set(sample))
    ]
    allowed = {k for item in sample.get("values", []) if isinstance(item, dict) for k in item}
    for value in payload.get("values", []):
        problems += [
            f"{template}: values[].{k!r} is not in the example" for k in sorted(set(value) - allowed)
        ]
    return problems


def _tolerated(error: ValidationError) -> bool:
    """Two habits of the real service: offsets without a colon, and null `from`/`to` in changelog items
    (the spec says string; Jira sends null when a field was empty before or after)."""
    if error.validator == "format" and isinstance(error.instance, str) and JIRA_TIME.match(error.instance):
        return True
    path = list(error.absolute_path)
    return (
        error.validator == "type"
        and error.instance is None
        and len(path) >= 2
        and path[-1] in ("from", "fromString", "to", "toString")
        and "items" in path
    )


def assert_valid(
    spec: OpenApiResponses, template: str, response: httpx.Response, method: str = "get"
) -> None:
    assert response.status_code == 200, (template, response.status_code, response.text[:300])
    content = spec.spec["paths"][template][method]["responses"]["200"]["content"]["application/json"]
    if "schema" not in content:
        problems = _keys_like_example(template, content["example"], response.json())
        assert not problems, "\n".join(problems)
        return
    found = [
        e for e in spec.validator(template, method, "200").iter_errors(response.json()) if not _tolerated(e)
    ]
    messages = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in found[:20]]
    assert not messages, f"{template} does not match the spec:\n" + "\n".join(messages)


def _awkward(site: JiraSite) -> list[str]:
    """Issues that exercise the corners: the chatty epic, a moved one, deleted people, odd values."""
    picks = [
        max(site.issues, key=lambda i: len(i.histories)),
        next(i for i in site.issues if i.previous_keys),
        next(i for i in site.issues if i.assignee in site.deleted_account_ids),
        next(i for i in site.issues if i.assignee is None),
        next(i for i in site.issues if isinstance(i.story_points, str)),
        next(i for i in site.issues if i.issue_type == "Sub-task"),
        next(i for i in site.issues if any(c.unknown_node for c in i.comments)),
    ]
    return list(dict.fromkeys(i.key for i in picks))


def test_platform_endpoints_match_the_spec(
    platform: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    site = server.jira.site
    api = "/rest/api/3"
    assert_valid(platform, f"{api}/serverInfo", client.get(f"{api}/serverInfo"))
    assert_valid(platform, f"{api}/myself", client.get(f"{api}/myself"))
    assert_valid(platform, f"{api}/field", client.get(f"{api}/field"))
    assert_valid(
        platform, f"{api}/project/search", client.get(f"{api}/project/search", params={"maxResults": 2})
    )
    assert_valid(platform, f"{api}/users/search", client.get(f"{api}/users/search"))
    keys = _awkward(site)
    jql = f"key in ({', '.join(keys)}) ORDER BY key"
    params = {"jql": jql, "fields": "*all", "expand": "changelog,names", "maxResults": 3}
    first = client.get(f"{api}/search/jql", params=params)
    assert_valid(platform, f"{api}/search/jql", first)
    body = {
        "jql": jql,
        "fields": ["*all"],
        "expand": "changelog",
        "nextPageToken": first.json()["nextPageToken"],
    }
    assert_valid(platform, f"{api}/search/jql", client.post(f"{api}/search/jql", json=body), "post")
    for key in keys:
        assert_valid(
            platform,
            f"{api}/issue/{{issueIdOrKey}}",
            client.get(f"{api}/issue/{key}", params={"expand": "changelog"}),
        )
        assert_valid(
            platform, f"{api}/issue/{{issueIdOrKey}}/comment", client.get(f"{api}/issue/{key}/comment")
        )
        assert_valid(
            platform, f"{api}/issue/{{issueIdOrKey}}/worklog", client.get(f"{api}/issue/{key}/worklog")
        )
        assert_valid(
            platform,
            f"{api}/issue/{{issueIdOrKey}}/changelog",
            client.get(f"{api}/issue/{key}/changelog", params={"maxResults": 50}),
        )
    assert_valid(platform, f"{api}/status", client.get(f"{api}/status"))
    assert_valid(platform, f"{api}/statuscategory", client.get(f"{api}/statuscategory"))
    count = client.post(f"{api}/search/approximate-count", json={"jql": "project = OPS"})
    assert_valid(platform, f"{api}/search/approximate-count", count, "post")
    issues = client.post(f"{api}/issue/bulkfetch", json={"issueIdsOrKeys": keys, "fields": ["*all"]})
    assert_valid(platform, f"{api}/issue/bulkfetch", issues, "post")
    bulk = client.post(f"{api}/changelog/bulkfetch", json={"issueIdsOrKeys": keys, "maxResults": 50})
    assert_valid(platform, f"{api}/changelog/bulkfetch", bulk, "post")
    feed = client.get(f"{api}/worklog/updated", params={"since": 0})
    assert_valid(platform, f"{api}/worklog/updated", feed)
    ids = [value["worklogId"] for value in feed.json()["values"][:40]]
    assert_valid(
        platform, f"{api}/worklog/list", client.post(f"{api}/worklog/list", json={"ids": ids}), "post"
    )


def test_agile_endpoints_match_the_spec(
    agile: OpenApiResponses, client: httpx.Client, server: SandboxServer
) -> None:
    root = "/rest/agile/1.0"
    assert_valid(agile, f"{root}/board", client.get(f"{root}/board"))
    board = next(b for b in server.jira.site.boards if b.type == "scrum")
    assert_valid(agile, f"{root}/board/{{boardId}}", client.get(f"{root}/board/{board.id}"))
    sprints = client.get(f"{root}/board/{board.id}/sprint")
    assert_valid(agile, f"{root}/board/{{boardId}}/sprint", sprints)
    for sprint in sprints.json()["values"]:
        assert_valid(agile, f"{root}/sprint/{{sprintId}}", client.get(f"{root}/sprint/{sprint['id']}"))
        issues = client.get(f"{root}/sprint/{sprint['id']}/issue", params={"maxResults": 5})
        assert_valid(agile, f"{root}/sprint/{{sprintId}}/issue", issues)


def test_error_bodies_are_jiras(platform: OpenApiResponses, client: httpx.Client) -> None:
    schema: Any = platform.spec["components"]["schemas"].get("ErrorCollection")
    assert schema is not None
    for response in (
        client.get("/rest/api/3/search/jql", params={"jql": "order by key"}),
        client.get("/rest/api/3/search"),
        client.get("/rest/api/3/issue/NOPE-1"),
    ):
        body = response.json()
        assert set(body) == {"errorMessages", "errors"} and body["errorMessages"], response.status_code
