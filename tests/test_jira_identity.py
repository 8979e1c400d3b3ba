"""Team members matched to Jira accounts: e-mail first (profile or commit addresses, any case), then the
display name normalised for case, accents and spacing; ambiguous names match nobody; nobody is dropped."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, text

from dexxy_assets.analytics.mart_asset import rebuild_mart
from dexxy_assets.jira.identity_report import identity_report
from resources.bulk_load import copy_rows
from resources.warehouse import WarehouseResource
from tests.jira_handmade import load, user

NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MEMBERS = [  # (id, login, name, public e-mail, commit e-mail)
    (1, "jgarcia", "Jose Garcia", None, None),
    (2, "alima", "Ana Lima", None, None),
    (3, "bstone", "Bob Stone", None, "bob.stone@corp.example"),
    (4, "slee", "Sam Lee", None, None),
    (5, "samlee2", "Sam  Lee", None, None),
    (6, "cpark", "Chris Park", "chris@corp.example", None),
    (7, "loner", "Nobody Injira", None, None),
]
JIRA_USERS = [
    user("j-jose", "José  García"),  # accents and a double space
    user("j-ana", "ANA LIMA"),  # case
    user("j-bob", "Robert S.", "Bob.Stone@Corp.example"),  # e-mail in another case, another name
    user("j-sam", "Sam Lee"),  # two members normalise to this name: ambiguous
    user("j-chris-name", "Chris Park", "cp@elsewhere.example"),  # same name, but the e-mail says otherwise
    user("j-chris", "C. Park", "chris@corp.example"),
    user("j-pat", "Pat Product", "pat@corp.example"),  # nobody on GitHub
]


def _github(conn: Connection) -> None:
    copy_rows(
        conn,
        "staging.github_users",
        ["user_id", "login", "name", "email", "is_bot", "updated_at", "fetched_at"],
        [
            {
                "user_id": i,
                "login": lg,
                "name": n,
                "email": e,
                "is_bot": False,
                "updated_at": NOW,
                "fetched_at": NOW,
            }
            for i, lg, n, e, _ in MEMBERS
        ],
    )
    copy_rows(
        conn,
        "staging.github_org_members",
        ["org", "user_id", "login", "is_current", "fetched_at"],
        [
            {"org": "acme", "user_id": i, "login": lg, "is_current": True, "fetched_at": NOW}
            for i, lg, *_ in MEMBERS
        ],
    )
    copy_rows(
        conn,
        "staging.github_pr_commits",
        ["pr_id", "sha", "repo_full_name", "pr_number", "author_email", "author_id", "pr_updated_at",
         "fetched_at"],
        [
            {"pr_id": 1, "sha": f"{i:040x}", "repo_full_name": "acme/x", "pr_number": 1, "author_email": c,
             "author_id": i, "pr_updated_at": NOW, "fetched_at": NOW}
            for i, _, _, _, c in MEMBERS if c
        ],
    )  # fmt: skip


def test_members_are_matched_by_email_then_normalised_name_and_nobody_is_dropped(
    warehouse: WarehouseResource,
) -> None:
    with warehouse.begin() as conn:
        _github(conn)
        load(conn, [], users=JIRA_USERS, marts=("jira_users", "team_members"))
        members = {
            r.github_login: (r.jira_account_id, r.jira_match_method)
            for r in conn.execute(text("SELECT * FROM analytics.team_members"))
        }
        accounts = {
            r.account_id: (r.github_login, r.match_method)
            for r in conn.execute(text("SELECT * FROM analytics.jira_users"))
        }
        report = identity_report(conn)
    assert members == {
        "jgarcia": ("j-jose", "display_name"),
        "alima": ("j-ana", "display_name"),
        "bstone": ("j-bob", "email"),
        "slee": (None, "ambiguous"),
        "samlee2": (None, "ambiguous"),
        "cpark": ("j-chris", "email"),
        "loner": (None, "unmatched"),
    }
    assert accounts == {
        "j-jose": ("jgarcia", "display_name"),
        "j-ana": ("alima", "display_name"),
        "j-bob": ("bstone", "email"),
        "j-sam": (None, "ambiguous"),
        "j-chris-name": (None, "unmatched"),  # its name's member already matched by e-mail
        "j-chris": ("cpark", "email"),
        "j-pat": (None, "unmatched"),
    }
    assert report.members_by_method == {"display_name": 2, "email": 2, "ambiguous": 2, "unmatched": 1}
    assert report.unmatched_members == ["loner"] and report.ambiguous_members == ["samlee2", "slee"]
    assert report.unmatched_accounts == ["Chris Park", "Pat Product", "Sam Lee"]  # listed, never dropped


def test_a_shared_email_is_ambiguous_not_a_match(warehouse: WarehouseResource) -> None:
    shared = [user("j-a", "Team Inbox", "team@corp.example"), user("j-b", "Other Inbox", "team@corp.example")]
    with warehouse.begin() as conn:
        copy_rows(
            conn,
            "staging.github_users",
            ["user_id", "login", "name", "email", "is_bot", "updated_at", "fetched_at"],
            [{"user_id": 1, "login": "ops", "name": "Ops", "email": "team@corp.example", "is_bot": False,
              "updated_at": NOW, "fetched_at": NOW}],
        )  # fmt: skip
        copy_rows(
            conn,
            "staging.github_org_members",
            ["org", "user_id", "login", "is_current", "fetched_at"],
            [{"org": "acme", "user_id": 1, "login": "ops", "is_current": True, "fetched_at": NOW}],
        )
        load(conn, [], users=shared, marts=("jira_users",))
        rebuild_mart(conn, "team_members")
        member = conn.execute(
            text("SELECT jira_account_id, jira_match_method FROM analytics.team_members")
        ).one()
    assert tuple(member) == (None, "ambiguous")
