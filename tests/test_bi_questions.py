"""The ten example questions of docs/bi.md run as `dexxy_bi` on a migrated warehouse holding one of
everything they read, and each finds its row: the docs cannot drift from the schema or the grants."""

import re
from pathlib import Path

from sqlalchemy import text

from resources.bi_login import BI_ROLE
from resources.warehouse import WarehouseResource

BI_DOC = Path(__file__).resolve().parents[1] / "docs" / "bi.md"
SECTION = "## Ten example questions"

# A week of one team: a person who merged and reviewed, a production deployment, Copilot usage, a sprint.
SEED = [
    "INSERT INTO analytics.team_members (member_id, github_id, github_login, is_bot, is_org_member, orgs) "
    "VALUES (1, 1, 'octocat', false, true, '{acme}'), (2, 2, 'hubot', false, true, '{acme}')",
    "INSERT INTO analytics.pull_requests (pr_id, repository, pr_number, title, author_id, author_login, "
    "state, is_draft, is_bot, review_count, additions, deletions, created_at, merged_at, updated_at, "
    "cycle_time_hours, coding_time_hours, pickup_time_hours, review_phase_hours, deploy_time_hours, "
    "is_revert, is_hotfix, review_rounds, total_comments, effective_is_ai_assisted, jira_key) "
    "VALUES (10, 'acme/api', 7, 'Pay by card', 1, 'octocat', 'merged', false, false, 1, 40, 2, "
    "now() - interval '1 day', now(), now(), 24, 3, 2, 19, 1, false, true, 1, 3, true, 'PAY-1')",
    "INSERT INTO analytics.pr_reviews (review_id, pr_id, repository, pr_number, reviewer_login, reviewer_id, "
    "reviewer_is_bot, is_self_review, state, submitted_at, hours_after_pr_created) "
    "VALUES (100, 10, 'acme/api', 7, 'hubot', 2, false, false, 'APPROVED', now(), 2)",
    "INSERT INTO analytics.deployments (source, deployment_id, repository, environment, is_production, "
    "created_at, latest_state, is_successful, succeeded_at) "
    "VALUES ('deployments_api', 1000, 'acme/api', 'production', true, now(), 'success', true, now())",
    "INSERT INTO analytics.copilot_usage_daily (org, day, weekly_active_users, "
    "code_generation_activity_count, code_acceptance_activity_count, by_ide, by_feature, by_language) "
    "VALUES ('acme', current_date, 5, 100, 30, '[]', '[]', '[]')",
    "INSERT INTO analytics.jira_linkage_weekly (repository, week_start, prs_opened, prs_with_key, "
    "prs_linked, linkage_rate) "
    "VALUES ('acme/api', date_trunc('week', now() AT TIME ZONE 'UTC')::date, 1, 1, 1, 1)",
    "INSERT INTO analytics.jira_sprint_metrics (sprint_id, name, project_key, state, complete_at, "
    "committed_issues, committed_points, added_issues, added_points, removed_issues, completed_issues, "
    "completed_points, completed_committed_issues, not_completed_issues, carried_over_issues, "
    "carried_over_points, completion_ratio) "
    "VALUES (5, 'Sprint 5', 'PAY', 'closed', now(), 2, 5, 0, 0, 0, 1, 3, 1, 1, 1, 2, 0.6)",
    "INSERT INTO analytics.jira_issues (issue_id, issue_key, previous_keys, sprint_ids, sprint_names, "
    "labels, updated_at, reopen_count, status_hours, changelog_complete, done_at, cycle_time_hours) "
    "VALUES (50, 'PAY-1', '{}', '{5}', '{Sprint 5}', '{}', now(), 0, '{}', true, now(), 30)",
]


def example_questions() -> list[tuple[str, str]]:
    """(heading, SQL) of each question in the docs' section, in order."""
    section = BI_DOC.read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    pattern = re.compile(r"^### (.+?)\n\n```sql\n(.+?)```", re.MULTILINE | re.DOTALL)
    return pattern.findall(section)


def test_docs_hold_ten_questions_each_with_one_query() -> None:
    questions = example_questions()
    section = BI_DOC.read_text().split(SECTION, 1)[1].split("\n## ", 1)[0]
    assert len(questions) == 10
    assert section.count("```sql") == 10
    assert [h.split(".")[0] for h, _ in questions] == [str(n) for n in range(1, 11)]


def test_each_question_runs_as_the_bi_role_and_finds_the_seeded_week(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:
        for statement in SEED:
            conn.execute(text(statement))
    empty = []
    with warehouse.connect() as conn:
        for heading, sql in example_questions():
            with conn.begin():
                conn.exec_driver_sql(f"SET LOCAL ROLE {BI_ROLE}")
                conn.exec_driver_sql("SET TRANSACTION READ ONLY")
                rows = conn.exec_driver_sql(sql).fetchall()  # the docs' SQL as pasted into a BI tool
                if not rows or all(v is None for v in rows[0]):
                    empty.append(heading)
    assert empty == []
