"""A small hand-made organisation for the DORA metrics, with answers worked out by hand (docs/metrics.md).

Everything happens in March 2026 (UTC). Two repositories:

- ``acme/api`` deploys through the Deployments API: d1 (Mon 2 Mar 10:00, the first: change set unknown),
  d2 (Tue 3 Mar 12:00, ships PR 1), d3 (Wed 4 Mar 12:00, ships PR 2), d4 (Thu 5 Mar 14:00, ships nothing),
  d5 (Mon 16 Mar 10:00). Nothing deploys in the week of 9 March.
- ``acme/pipe`` never calls it: "Deploy to production" workflow runs on main are its deployments
  (r1 Mon 2 Mar, r2 Tue 3 Mar ships PR 10, r3 fails on Wed 4 Mar 09:00, r4 Wed 4 Mar ships the revert);
  its CI runs and a deploy run from another branch are not deployments.

Incidents: a Jira incident before any deployment (20 Feb), one 1 h after d2 resolved 6 h after it, one
5 days after d4 (outside the 72 h window), PR 11 reverting PR 10, opened 17 h 50 after r2 shipped it, and
the hotfix PR 3 an hour after d5 (not deployed yet). PR 12 reverts PR 13, which never reached production:
no incident.

Lead times (first commit -> first production deployment): PR 1 27 h, PR 2 36 h, PR 10 19 h, PR 11 3 h.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.github.deployment_rules import parse_rules
from dexxy_assets.processing.dora_settings import DoraSettings, write_settings
from resources.bulk_load import copy_rows

FETCHED = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
RULES = """
- repos: acme/pipe
  workflow: Deploy to prod*
  branch: main
"""
# The teams contract (analytics.teams / team_memberships belong to the teams work; see the brief)
TEAM_MEMBERSHIPS_DDL = """
CREATE TABLE IF NOT EXISTS analytics.team_memberships (
    team_key     text   NOT NULL,
    member_id    bigint NOT NULL,
    github_login text   NOT NULL,
    role         text   NOT NULL,
    source       text   NOT NULL,
    PRIMARY KEY (team_key, member_id)
)
"""


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, tzinfo=dt.UTC)


def settings(window_hours: float = 72.0) -> DoraSettings:
    return DoraSettings(
        rules=tuple(parse_rules(RULES)),
        incident_issue_types=("incident",),
        incident_labels=("incident",),
        change_failure_window_hours=window_hours,
    )


def _pull_request(
    pr_id: int,
    repo: str,
    number: int,
    author: str,
    title: str,
    created: dt.datetime,
    merged: dt.datetime,
    first_commit: dt.datetime,
    body: str | None = None,
    head_ref: str = "feature",
) -> tuple[dict[str, Any], dict[str, Any]]:
    pr = {
        "pr_id": pr_id,
        "repo_full_name": repo,
        "pr_number": number,
        "title": title,
        "body": body,
        "state": "closed",
        "is_draft": False,
        "is_merged": True,
        "author_login": author,
        "author_is_bot": False,
        "head_ref": head_ref,
        "base_ref": "main",
        "head_sha": f"head{pr_id}",
        "merge_commit_sha": f"merge{pr_id}",
        "labels": [],
        "created_at": created,
        "updated_at": merged,
        "closed_at": merged,
        "merged_at": merged,
        "partition_date": merged.date(),
        "fetched_at": FETCHED,
    }
    commit = {
        "pr_id": pr_id,
        "sha": f"c{pr_id}",
        "repo_full_name": repo,
        "pr_number": number,
        "authored_at": first_commit,
        "committed_at": first_commit,
        "pr_updated_at": merged,
        "fetched_at": FETCHED,
    }
    return pr, commit


def _deployment(
    deployment_id: int,
    created: dt.datetime,
    succeeded: dt.datetime | None,
    previous: int | None,
    known: bool,
) -> dict[str, Any]:
    return {
        "deployment_id": deployment_id,
        "repo_full_name": "acme/api",
        "environment": "production",
        "sha": f"sha{deployment_id}",
        "ref": "main",
        "task": "deploy",
        "creator_login": "deploy-bot",
        "is_production": True,
        "latest_state": "success" if succeeded else "failure",
        "succeeded_at": succeeded,
        "created_at": created,
        "updated_at": succeeded or created,
        "previous_deployment_id": previous,
        "change_set_known": known,
        "partition_date": created.date(),
        "fetched_at": FETCHED,
    }


def _run(
    run_id: int, name: str, branch: str, created: dt.datetime, minutes: int, conclusion: str
) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "repo_full_name": "acme/pipe",
        "workflow_id": 1 if name == "CI" else 2,
        "name": name,
        "path": ".github/workflows/x.yml",
        "head_branch": branch,
        "head_sha": f"run{run_id}",
        "event": "push",
        "status": "completed",
        "conclusion": conclusion,
        "run_attempt": 1,
        "actor_login": "github-actions[bot]",
        "created_at": created,
        "run_started_at": created,
        "updated_at": created + dt.timedelta(minutes=minutes),
        "partition_date": created.date(),
        "fetched_at": FETCHED,
    }


def _jira_issue(
    issue_id: int, key: str, created: dt.datetime, resolved: dt.datetime | None
) -> dict[str, Any]:
    return {
        "issue_id": issue_id,
        "issue_key": key,
        "previous_keys": [],
        "project_key": "OPS",
        "issue_type": "Incident",
        "summary": f"Outage {key}",
        "sprint_ids": [],
        "sprint_names": [],
        "labels": [],
        "created_at": created,
        "updated_at": resolved or created,
        "resolved_at": resolved,
        "reopen_count": 0,
        "status_hours": "{}",
        "changelog_complete": True,
    }


def load(conn: Connection, window_hours: float = 72.0) -> None:
    """Land the organisation in staging (and the Jira marts it needs), then build every mart DORA reads."""
    conn.execute(text(TEAM_MEMBERSHIPS_DDL))
    write_settings(conn, settings(window_hours))
    prs = [
        _pull_request(1, "acme/api", 1, "alice", "Add search", at(2, 9), at(3, 9), at(2, 9)),
        _pull_request(2, "acme/api", 2, "bob", "Speed up", at(3, 1), at(4, 10), at(3, 0)),
        _pull_request(10, "acme/pipe", 10, "alice", "New pipeline step", at(2, 21), at(3, 10), at(2, 20, 10)),
        _pull_request(
            11,
            "acme/pipe",
            11,
            "bob",
            'Revert "New pipeline step"',
            at(4, 9),
            at(4, 10),
            at(4, 8, 10),
            body="Reverts acme/pipe#10",
            head_ref="revert-10-new-pipeline-step",
        ),
        # a hotfix an hour after d5, not deployed yet: an open change failure of d5
        _pull_request(
            3,
            "acme/api",
            3,
            "bob",
            "Fix login",
            at(16, 11),
            at(16, 12),
            at(16, 10, 30),
            head_ref="hotfix/login",
        ),
        # a change never deployed, and its revert: nothing failed in production, so no incident
        _pull_request(13, "acme/pipe", 13, "bob", "Try cache", at(5, 9), at(5, 10), at(5, 8)),
        _pull_request(
            12,
            "acme/pipe",
            12,
            "bob",
            'Revert "Try cache"',
            at(5, 11),
            at(5, 12),
            at(5, 10, 30),
            body="Reverts acme/pipe#13",
            head_ref="revert-13-try-cache",
        ),
    ]
    columns = list(prs[0][0])
    copy_rows(conn, "staging.github_pull_requests", columns, [pr for pr, _ in prs])
    copy_rows(conn, "staging.github_pr_commits", list(prs[0][1]), [commit for _, commit in prs])
    deployments = [
        _deployment(101, at(2, 9, 50), at(2, 10), None, False),
        _deployment(102, at(3, 11, 50), at(3, 12), 101, True),
        _deployment(103, at(4, 11, 50), at(4, 12), 102, True),
        _deployment(104, at(5, 13, 50), at(5, 14), 103, True),
        _deployment(105, at(16, 9, 50), at(16, 10), 104, True),
    ]
    copy_rows(conn, "staging.github_deployments", list(deployments[0]), deployments)
    copy_rows(
        conn,
        "staging.github_deployment_commits",
        ["deployment_id", "sha", "repo_full_name", "fetched_at"],
        [
            {"deployment_id": 102, "sha": "merge1", "repo_full_name": "acme/api", "fetched_at": FETCHED},
            {"deployment_id": 103, "sha": "merge2", "repo_full_name": "acme/api", "fetched_at": FETCHED},
        ],
    )
    runs = [
        _run(201, "Deploy to production", "main", at(2, 8), 10, "success"),
        _run(202, "Deploy to production", "main", at(3, 15), 10, "success"),
        _run(203, "Deploy to production", "main", at(4, 9), 5, "failure"),
        _run(204, "Deploy to production", "main", at(4, 11), 10, "success"),
        _run(205, "Deploy to production", "experiment", at(4, 12), 10, "success"),  # not from main
        _run(206, "CI", "main", at(3, 10, 1), 6, "success"),  # not a deployment workflow
    ]
    copy_rows(conn, "staging.github_workflow_runs", list(runs[0]), runs)
    for name in ("pull_requests", "deployments"):
        rebuild_mart(conn, name)
    issues = [
        _jira_issue(900, "OPS-1", at(20, 8, month=2), at(20, 12, month=2)),  # before any deployment
        _jira_issue(901, "OPS-2", at(3, 13), at(3, 18)),  # 1 h after d2
        _jira_issue(902, "OPS-3", at(10, 14), None),  # 5 days after d4: outside the window, still open
    ]
    copy_rows(conn, "analytics.jira_issues", list(issues[0]), issues)
    copy_rows(
        conn,
        "analytics.pr_jira_links",
        [
            "pr_id",
            "jira_key",
            "key_rank",
            "repository",
            "pr_number",
            "issue_id",
            "issue_key",
            "project_key",
            "is_known_issue",
        ],
        [
            {
                "pr_id": 1,
                "jira_key": "OPS-2",
                "key_rank": 1,
                "repository": "acme/api",
                "pr_number": 1,
                "issue_id": 901,
                "issue_key": "OPS-2",
                "project_key": "OPS",
                "is_known_issue": True,
            },
        ],
    )
    copy_rows(
        conn,
        "analytics.team_memberships",
        ["team_key", "member_id", "github_login", "role", "source"],
        [
            {
                "team_key": "config:platform",
                "member_id": 1,
                "github_login": "alice",
                "role": "member",
                "source": "config",
            },
            {
                "team_key": "config:quiet",
                "member_id": 3,
                "github_login": "carol",
                "role": "member",
                "source": "config",
            },
        ],
    )
    for name in ("incidents", "dora_weekly", "dora_monthly"):
        rebuild_mart(conn, name)
