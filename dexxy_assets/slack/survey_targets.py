"""Who is asked about which merged pull request: the author (and, when configured, each human reviewer) of
every pull request merged in the run's days and no longer ago than the survey's maximum age, with the
e-mail addresses Slack may know them by."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from dexxy_assets.sql_models import render_model
from resources.slack_survey_message import SurveyedPullRequest
from resources.sql_template import render_sql

MAX_LOOKUPS_PER_PERSON = 3

_PEOPLE = text(
    """
WITH merged AS (
    SELECT pr_id, repo_full_name, pr_number, coalesce(title, '') AS title, html_url, author_id, author_login,
           merged_at
    FROM staging.github_pull_requests
    WHERE merged_at >= :start AND merged_at < :end
      AND NOT author_is_bot AND author_login IS NOT NULL
)
SELECT m.*, 'author' AS role, m.author_id AS person_id, m.author_login AS login
FROM merged AS m
UNION ALL
SELECT DISTINCT ON (m.pr_id, lower(r.reviewer_login))
       m.*, 'reviewer', r.reviewer_id, r.reviewer_login
FROM merged AS m
JOIN staging.github_pr_reviews AS r ON r.pr_id = m.pr_id
WHERE CAST(:reviewers AS boolean) AND NOT r.reviewer_is_bot AND r.reviewer_login IS NOT NULL
  AND lower(r.reviewer_login) <> lower(m.author_login)
ORDER BY 1, 2
"""
)

# The addresses a person may be known by, best first: the GitHub profile's public address, the address of
# the Jira account matched to them (the int_jira_identity model over current staging: by e-mail, then by
# display name), the addresses their commits use (newest first, GitHub's noreply addresses left out).
_EMAILS = """
WITH jira_identity AS (
{{ jira_identity }}
)
SELECT person, email, min(rank) AS rank, max(seen_at) AS seen_at FROM (
    SELECT lower(u.login) AS person, lower(btrim(u.email)) AS email, 1 AS rank, NULL::timestamptz AS seen_at
    FROM staging.github_users AS u
    WHERE lower(u.login) = ANY(:people) AND u.email LIKE '%@%'
    UNION ALL
    SELECT lower(u.login), lower(btrim(j.email)), 2, NULL
    FROM jira_identity AS ji
    JOIN staging.github_users AS u ON u.user_id = ji.member_id
    JOIN staging.jira_users AS j ON j.account_id = ji.account_id
    WHERE ji.match_method IN ('email', 'display_name') AND lower(u.login) = ANY(:people)
      AND j.email LIKE '%@%'
    UNION ALL
    SELECT lower(c.author_login), lower(btrim(c.author_email)), 3, c.authored_at
    FROM staging.github_pr_commits AS c
    WHERE lower(c.author_login) = ANY(:people) AND c.author_email LIKE '%@%'
      AND c.author_email NOT LIKE '%noreply%'
) AS found
GROUP BY person, email
ORDER BY person, rank, seen_at DESC NULLS LAST, email
"""


@dataclass(frozen=True)
class SurveyTarget:
    pull_request: SurveyedPullRequest
    person: str  # lower-case login: with pr_id, the survey's key
    login: str
    member_id: int | None
    merged_at: dt.datetime
    emails: tuple[str, ...]

    def opted_out(self, opted: frozenset[str]) -> bool:
        return self.person in opted or any(email in opted for email in self.emails)


def survey_targets(
    conn: Connection, start: dt.datetime, end: dt.datetime, *, reviewers: bool
) -> list[SurveyTarget]:
    rows = conn.execute(_PEOPLE, {"start": start, "end": end, "reviewers": reviewers}).all()
    people = sorted({row.login.lower() for row in rows})
    emails: dict[str, list[str]] = {}
    query = text(render_sql(_EMAILS, jira_identity=render_model("int_jira_identity")))
    for found in conn.execute(query, {"people": people}) if people else ():
        emails.setdefault(found.person, []).append(found.email)
    return [
        SurveyTarget(
            SurveyedPullRequest(
                row.pr_id, row.repo_full_name, row.pr_number, row.title, row.html_url, row.role
            ),
            row.login.lower(),
            row.login,
            row.person_id,
            row.merged_at,
            tuple(emails.get(row.login.lower(), ())[:MAX_LOOKUPS_PER_PERSON]),
        )
        for row in rows
    ]


def merged_window(
    window_start: dt.datetime, window_end: dt.datetime, max_age_hours: float, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime] | None:
    """The run's days cut to the survey's age limit: a backfill of old days asks nobody."""
    start = max(window_start, now - dt.timedelta(hours=max_age_hours))
    end = min(window_end, now)
    return (start, end) if start < end else None


def old_merges(conn: Connection, start: dt.datetime, end: dt.datetime) -> int:
    """Merged pull requests of the run's days too old to ask about (reported, not surveyed)."""
    return conn.execute(
        text(
            "SELECT count(*) FROM staging.github_pull_requests "
            "WHERE merged_at >= :start AND merged_at < :end AND NOT author_is_bot"
        ),
        {"start": start, "end": end},
    ).scalar_one()


def target_people(targets: Sequence[SurveyTarget]) -> int:
    return len({t.person for t in targets})
