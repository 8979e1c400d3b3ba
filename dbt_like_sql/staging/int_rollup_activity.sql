-- Everything else a person does in a week (bots excluded), one row per fact: reviews given, days of
-- Copilot use with its generations and acceptances, Jira issues completed with their story points.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT
    r.reviewer_id AS member_id,
    (date_trunc('week', r.submitted_at AT TIME ZONE 'UTC'))::date AS week_start,
    'review' AS kind,
    1 AS reviews,
    NULL::date AS copilot_day,
    0 AS generations,
    0 AS acceptances,
    NULL::bigint AS issue_id,
    NULL::numeric AS story_points
FROM {{ ref('pr_reviews') }} AS r
WHERE NOT r.reviewer_is_bot AND NOT r.is_self_review AND r.submitted_at IS NOT NULL
    AND r.state IS DISTINCT FROM 'PENDING'
UNION ALL
SELECT
    u.member_id,
    (date_trunc('week', u.day))::date,
    'copilot',
    0,
    u.day,
    coalesce(u.code_generation_activity_count, 0),
    coalesce(u.code_acceptance_activity_count, 0),
    NULL,
    NULL
FROM {{ ref('ai_usage_daily') }} AS u
WHERE u.source = 'copilot' AND u.member_id IS NOT NULL
    AND coalesce(u.user_initiated_interaction_count, 0) + coalesce(u.code_generation_activity_count, 0)
        + coalesce(u.code_acceptance_activity_count, 0) > 0
UNION ALL
SELECT
    i.assignee_member_id,
    (date_trunc('week', i.done_at AT TIME ZONE 'UTC'))::date,
    'jira',
    0,
    NULL,
    0,
    0,
    i.issue_id,
    i.story_points
FROM {{ ref('jira_issues') }} AS i
WHERE i.assignee_member_id IS NOT NULL AND i.done_at IS NOT NULL AND i.status_category = 'done'
