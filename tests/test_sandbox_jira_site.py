"""The generated Jira site: consistent with the org's pull requests, deterministic, and full of the bad input
a serious Jira integration meets (identity mismatches, deleted users, moved issues, odd field values)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from dexxy_sandbox.jira import JiraSite, catalog, generate_jira
from dexxy_sandbox.jira.jql import JqlError, parse_jql
from dexxy_sandbox.org.generator import generate_org
from dexxy_sandbox.org.model import SyntheticOrg

UNTIL = dt.date(2025, 3, 31)  # 120 days: both Pacific standard and daylight time


@pytest.fixture(scope="module")
def org() -> SyntheticOrg:
    return generate_org(seed=7, engineers=12, repos=4, days=120, until=UNTIL)


@pytest.fixture(scope="module")
def site(org: SyntheticOrg) -> JiraSite:
    return generate_jira(org)


def _normalise(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(folded.lower().split())


def test_same_seed_same_site_and_another_seed_another(org: SyntheticOrg, site: JiraSite) -> None:
    again = generate_jira(generate_org(seed=7, engineers=12, repos=4, days=120, until=UNTIL))
    assert again == site
    other = generate_jira(generate_org(seed=8, engineers=12, repos=4, days=120, until=UNTIL))
    assert [i.summary for i in other.issues[:50]] != [i.summary for i in site.issues[:50]]


def test_every_key_a_pull_request_names_is_an_issue_created_before_it(
    org: SyntheticOrg, site: JiraSite
) -> None:
    named = [pr for pr in org.all_pulls() if pr.jira_key]
    assert len(named) > 300
    for pr in named:
        issue = site.issue(pr.jira_key or "")
        assert issue is not None, pr.jira_key
        assert issue.created < pr.created_at
    repo_keys = {repo.jira_project_key for repo in org.repositories}
    assert set(site.project_keys) == repo_keys | {"OPS"}


def test_users_match_engineers_by_email_or_by_a_differently_spelled_name(
    org: SyntheticOrg, site: JiraSite
) -> None:
    engineers = {a.login: a for a in org.engineers}
    by_match = Counter(u.match for u in site.users)
    assert by_match["email"] >= 6 and by_match["display_name"] >= 2 and by_match["app"] >= 1
    assert by_match["none"] >= 3  # product and design people with no GitHub account, and the API user
    for user in site.users:
        account = engineers.get(user.github_login or "")
        if user.match == "email":
            assert account is not None and user.email and user.email.endswith("@dexxy.example")
            assert user.display_name == account.name
        elif user.match == "display_name":
            assert account is not None and account.name
            assert user.display_name != account.name  # accents, case or spacing differ ...
            assert _normalise(user.display_name) == _normalise(account.name)  # ... and only those
            assert user.email is None or not user.email.endswith("@dexxy.example")
    apps = [u for u in site.users if u.match == "app"]
    assert all(u.account_type == "app" and u.email is None for u in apps)


def test_deleted_users_and_an_absent_reporter_appear_on_issues_but_not_in_the_user_list(
    site: JiraSite,
) -> None:
    listed = {u.account_id for u in site.users}
    assert site.deleted_account_ids and not set(site.deleted_account_ids) & listed
    assert any(i.assignee in site.deleted_account_ids for i in site.issues)
    assert any(i.reporter == catalog.ABSENT_REPORTER[0] for i in site.issues)
    assert catalog.ABSENT_REPORTER[0] not in listed
    assert any(i.assignee is None for i in site.issues)


def test_the_bad_input_the_docs_promise_is_there(site: JiraSite) -> None:
    assert {t.name for t in site.issue_types} >= {"Story", "Bug", "Task", "Epic", "Sub-task", "Incident"}
    assert any(isinstance(i.story_points, str) for i in site.issues)
    assert any(isinstance(i.story_points, float) for i in site.issues)
    completed = site.status("Completed")
    assert completed.category == "indeterminate"  # a name that says done, a category that does not
    assert any(c.unknown_node for i in site.issues for c in i.comments)
    assert any(f == catalog.ORPHAN_FIELD for i in site.issues for f, _ in i.custom_fields)
    late = [i for i in site.issues if any(h.created > i.updated for h in i.histories)]
    assert late, "some changelog entries are later than the issue's updated"
    moved = [i for i in site.issues if i.previous_keys]
    assert len(moved) == 1
    issue = moved[0]
    assert issue.previous_keys[0].startswith("OPS-") and not issue.key.startswith("OPS-")
    assert site.issue(issue.previous_keys[0]) is issue
    key_change = [item for h in issue.histories for item in h.items if item.field == "Key"]
    assert key_change[0].from_string == issue.previous_keys[0] and key_change[0].to_string == issue.key


def test_changelog_agrees_with_created_resolved_and_status(site: JiraSite) -> None:
    for issue in site.issues:
        assert all(h.created >= issue.created for h in issue.histories), issue.key
        assert list(issue.histories) == sorted(issue.histories, key=lambda h: (h.created, h.id))
        moves = [item for h in issue.histories for item in h.items if item.field == "status"]
        status = moves[-1].to_string if moves else "To Do"
        assert status == issue.status, issue.key
        done_at = None
        for history in issue.histories:
            for item in history.items:
                if item.field == "status":
                    done_at = (
                        history.created if site.status(item.to_string or "").category == "done" else None
                    )
        assert issue.resolved == done_at, issue.key
        assert (issue.resolution is None) == (issue.resolved is None)
        assert issue.updated <= site.as_of and all(h.created <= site.as_of for h in issue.histories)
        assert all(issue.created < c.created <= c.updated <= issue.updated for c in issue.comments)
        assert all(issue.created < w.started and w.updated <= issue.updated for w in issue.worklogs)


def test_sprints_have_committed_and_added_scope_and_carry_over(site: JiraSite) -> None:
    states = Counter(s.state for s in site.sprints)
    assert states["closed"] >= 3 and states["active"] >= 1 and states["future"] >= 1
    committed = added = carried = 0
    for issue in site.issues:
        joins = [
            (h.created, item)
            for h in issue.histories
            for item in h.items
            if item.field_id == catalog.SPRINT_FIELD
        ]
        if not joins:
            continue
        first = site.sprint(int((joins[0][1].to_value or "0").split(",")[-1]))
        assert first is not None
        if first.start is not None:
            if joins[0][0] <= first.start:
                committed += 1
            else:
                added += 1
        carried += len(joins) > 1
        assert [int(v) for v in (joins[-1][1].to_value or "").split(", ")] == list(issue.sprint_ids)
    assert committed > 20 and added > 5 and carried > 5


def test_jql_dates_are_read_in_the_api_users_time_zone(site: JiraSite) -> None:
    """A one-minute window written in Pacific time finds exactly the issues updated in that minute, in winter
    (UTC-8) and in summer (UTC-7); read as UTC it would be 8 or 7 hours off and find none of them."""
    assert site.time_zone == "America/Los_Angeles"
    zone = ZoneInfo(site.time_zone)
    winter = next(i for i in site.issues if i.updated.month == 1)
    summer = next(i for i in site.issues if i.updated > dt.datetime(2025, 3, 10, tzinfo=dt.UTC))
    for issue, offset in ((winter, -8), (summer, -7)):
        local = issue.updated.astimezone(zone).replace(second=0, microsecond=0)
        assert local.utcoffset() == dt.timedelta(hours=offset)
        after = local + dt.timedelta(minutes=1)
        query = parse_jql(
            f'project = {issue.project_key} AND updated >= "{local:%Y-%m-%d %H:%M}" '
            f'AND updated < "{after:%Y/%m/%d %H:%M}" ORDER BY updated ASC, key',
            site,
        )
        found = query.run(site.issues)
        assert issue in found
        assert all(local <= i.updated < after and i.project_key == issue.project_key for i in found)
        assert [i.updated for i in found] == sorted(i.updated for i in found)


def test_jql_errors_use_jiras_wording(site: JiraSite) -> None:
    with pytest.raises(JqlError, match="does not exist for the field 'project'"):
        parse_jql("project = NOPE", site)
    with pytest.raises(JqlError, match="Field 'colour' does not exist"):
        parse_jql("colour = red", site)
    assert not parse_jql("ORDER BY updated DESC", site).bounded
    assert parse_jql("(project = OPS OR project in (OPS)) AND updated < -1d ORDER BY key", site).bounded
