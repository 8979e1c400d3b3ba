"""A tiny Jira loader for tests: the sandbox's payloads over real HTTP into the raw tables, as the fetching
assets will land them (search with expand=changelog, the rest of truncated lists paged separately), plus
GitHub staging rows made from the sandbox org for identity and linkage. Not the product's client."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import httpx
from sqlalchemy import Connection

from dexxy_assets.payload_fields import parse_timestamp
from dexxy_sandbox.jira import JIRA_API_TOKEN
from dexxy_sandbox.org.model import SyntheticOrg
from dexxy_sandbox.server import SandboxServer
from resources.bulk_load import Jsonb, copy_rows, replace_partitions

Json = dict[str, Any]


def _get(http: httpx.Client, path: str, **params: Any) -> Any:
    response = http.get(path, params=params)
    response.raise_for_status()
    return response.json()


def _post(http: httpx.Client, path: str, body: Json) -> Any:
    response = http.post(path, json=body)
    response.raise_for_status()
    return response.json()


def fetch_site(server: SandboxServer) -> dict[str, list[Json]]:
    """Every payload a sync of the whole site lands, by raw table (children carry their issue id)."""
    site = server.jira.site
    auth = (site.api_user.email or "", JIRA_API_TOKEN)
    out: dict[str, list[Json]] = defaultdict(list)
    with httpx.Client(base_url=server.jira_base_url, auth=auth, timeout=60) as http:
        out["fields"] = _get(http, "/rest/api/3/field")
        out["users"] = _get(http, "/rest/api/3/users/search", maxResults=1000)
        out["statuses"] = _get(http, "/rest/api/3/status")
        boards = _get(http, "/rest/agile/1.0/board", maxResults=50)["values"]
        out["boards"] = boards
        for board in boards:
            if board.get("type") != "scrum":
                continue
            start = 0
            while True:
                page = _get(http, f"/rest/agile/1.0/board/{board['id']}/sprint", startAt=start, maxResults=50)
                out["sprints"].extend({**s, "_board_id": board["id"]} for s in page["values"])
                if page["isLast"]:
                    break
                start += len(page["values"])
        jql = f"project in ({', '.join(site.project_keys)}) ORDER BY id"
        token: str | None = None
        while True:
            body: Json = {"jql": jql, "fields": ["*all"], "expand": "changelog", "maxResults": 100}
            if token:
                body["nextPageToken"] = token
            page = _post(http, "/rest/api/3/search/jql", body)
            out["issues"].extend(page["issues"])
            token = page.get("nextPageToken")
            if page.get("isLast", not token):
                break
        for issue in out["issues"]:
            issue_id = int(issue["id"])
            changelog = issue.get("changelog") or {}
            if changelog.get("total", 0) > len(changelog.get("histories", [])):
                out["changelogs"].extend(_bulk_changelog(http, issue_id))
            comments = issue["fields"].get("comment") or {}
            if comments.get("total", 0) > len(comments.get("comments", [])):
                page = _get(http, f"/rest/api/3/issue/{issue_id}/comment", maxResults=100)
                out["comments"].extend({**c, "_issue_id": issue_id} for c in page["comments"])
            worklogs = issue["fields"].get("worklog") or {}
            if worklogs.get("total", 0) > len(worklogs.get("worklogs", [])):
                page = _get(http, f"/rest/api/3/issue/{issue_id}/worklog")
                out["worklogs"].extend({**w, "_issue_id": issue_id} for w in page["worklogs"])
    return out


def _bulk_changelog(http: httpx.Client, issue_id: int) -> list[Json]:
    histories: list[Json] = []
    token: str | None = None
    while True:
        body: Json = {"issueIdsOrKeys": [str(issue_id)], "maxResults": 1000}
        if token:
            body["nextPageToken"] = token
        page = _post(http, "/rest/api/3/changelog/bulkfetch", body)
        for log in page["issueChangeLogs"]:
            histories.extend({**h, "_issue_id": int(log["issueId"])} for h in log["changeHistories"])
        token = page.get("nextPageToken")
        if not token:
            return histories


def day_of(issue: Json) -> dt.date:
    updated = parse_timestamp(issue["fields"]["updated"])
    assert updated is not None
    return updated.date()


def land_raw(
    conn: Connection, site_url: str, fetched: dict[str, list[Json]], fetched_at: dt.datetime
) -> list[dt.date]:
    """Write the payloads into raw with replace_partitions; return the issue partitions."""
    base = {"site": site_url, "fetched_at": fetched_at}
    snapshot = {
        "raw.jira_fields": (
            "field_id",
            [{**base, "field_id": f["id"], "payload": Jsonb(f)} for f in fetched["fields"]],
        ),
        "raw.jira_users": (
            "account_id",
            [{**base, "account_id": u["accountId"], "payload": Jsonb(u)} for u in fetched["users"]],
        ),
        "raw.jira_statuses": (
            "status_id",
            [{**base, "status_id": st["id"], "payload": Jsonb(st)} for st in fetched["statuses"]],
        ),
        "raw.jira_boards": (
            "board_id",
            [{**base, "board_id": b["id"], "payload": Jsonb(b)} for b in fetched["boards"]],
        ),
    }
    for table, (id_column, rows) in snapshot.items():
        replace_partitions(
            conn, table, "site", [site_url], ["site", id_column, "fetched_at", "payload"], rows
        )
    sprint_rows = [
        {**base, "board_id": s["_board_id"], "sprint_id": s["id"], "payload": Jsonb(_clean(s))}
        for s in fetched["sprints"]
    ]
    columns = ["site", "board_id", "sprint_id", "fetched_at", "payload"]
    replace_partitions(conn, "raw.jira_sprints", "site", [site_url], columns, sprint_rows)
    day_by_issue = {int(i["id"]): day_of(i) for i in fetched["issues"]}
    days = sorted(set(day_by_issue.values()))
    issue_rows = [
        {
            **base,
            "issue_id": int(i["id"]),
            "issue_key": i["key"],
            "project_key": i["fields"]["project"]["key"],
            "partition_date": day_by_issue[int(i["id"])],
            "payload": Jsonb(i),
        }
        for i in fetched["issues"]
    ]
    columns = ["site", "issue_id", "issue_key", "project_key", "partition_date", "fetched_at", "payload"]
    replace_partitions(conn, "raw.jira_issues", "partition_date", days, columns, issue_rows)
    for table, id_column, kind in (
        ("raw.jira_changelogs", "history_id", "changelogs"),
        ("raw.jira_comments", "comment_id", "comments"),
        ("raw.jira_worklogs", "worklog_id", "worklogs"),
    ):
        rows = [
            {
                **base,
                "issue_id": item["_issue_id"],
                id_column: int(item["id"]),
                "partition_date": day_by_issue[item["_issue_id"]],
                "payload": Jsonb(_clean(item)),
            }
            for item in fetched[kind]
        ]
        columns = ["site", "issue_id", id_column, "partition_date", "fetched_at", "payload"]
        replace_partitions(conn, table, "partition_date", days, columns, rows)
    return days


def _clean(item: Json) -> Json:
    return {k: v for k, v in item.items() if not k.startswith("_")}


def land_github_staging(conn: Connection, org: SyntheticOrg, fetched_at: dt.datetime) -> list[dt.date]:
    """Staging rows a GitHub sync of the org would hold (members, commit e-mails, pull requests)."""
    people = [a for a in org.engineers if not a.deleted]
    user_columns = ["user_id", "login", "name", "email", "user_type", "is_bot", "updated_at", "fetched_at"]
    copy_rows(
        conn,
        "staging.github_users",
        user_columns,
        (
            {"user_id": a.id, "login": a.login, "name": a.name, "email": a.public_email, "user_type": a.type,
             "is_bot": a.type == "Bot", "updated_at": a.created_at, "fetched_at": fetched_at}
            for a in people
        ),
    )  # fmt: skip
    copy_rows(
        conn,
        "staging.github_org_members",
        ["org", "user_id", "login", "is_current", "fetched_at"],
        ({"org": org.login, "user_id": a.id, "login": a.login, "is_current": True, "fetched_at": fetched_at}
         for a in people),
    )  # fmt: skip
    commit_columns = [
        "pr_id", "sha", "repo_full_name", "pr_number", "author_email", "author_id", "pr_updated_at",
        "fetched_at",
    ]  # fmt: skip
    copy_rows(
        conn,
        "staging.github_pr_commits",
        commit_columns,
        (
            {"pr_id": -a.id, "sha": f"{a.id:040x}", "repo_full_name": "x/y", "pr_number": 1,
             "author_email": a.email, "author_id": a.id, "pr_updated_at": fetched_at,
             "fetched_at": fetched_at}
            for a in people
        ),
    )  # fmt: skip
    pulls = list(org.all_pulls())
    pr_columns = [
        "pr_id", "repo_full_name", "pr_number", "title", "body", "head_ref", "author_is_bot", "author_login",
        "created_at", "updated_at", "partition_date", "fetched_at",
    ]  # fmt: skip
    copy_rows(
        conn,
        "staging.github_pull_requests",
        pr_columns,
        (
            {"pr_id": pr.id, "repo_full_name": pr.repo, "pr_number": pr.number, "title": pr.title,
             "body": pr.body, "head_ref": pr.head_ref, "author_is_bot": _is_bot(org, pr.author),
             "author_login": pr.author, "created_at": pr.created_at, "updated_at": pr.updated_at,
             "partition_date": pr.created_at.date(), "fetched_at": fetched_at}
            for pr in pulls
        ),
    )  # fmt: skip
    return sorted({pr.created_at.date() for pr in pulls})


def _is_bot(org: SyntheticOrg, login: str) -> bool:
    account = org.account(login)
    return account is not None and account.type == "Bot"
