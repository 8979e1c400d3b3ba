-- Pull requests by people (bots excluded) with what the weekly rollups aggregate: the author's member_id,
-- the Monday (UTC) of the week it was opened and of the week it was merged, its size and its Jira link.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT
    p.pr_id,
    p.author_id AS member_id,
    (date_trunc('week', p.created_at AT TIME ZONE 'UTC'))::date AS opened_week,
    (date_trunc('week', p.merged_at AT TIME ZONE 'UTC'))::date AS merged_week,
    p.cycle_time_hours,
    p.coding_time_hours,
    p.pickup_time_hours,
    p.review_phase_hours,
    p.deploy_time_hours,
    p.review_rounds,
    p.total_comments,
    coalesce(p.additions, 0) + coalesce(p.deletions, 0) AS size_lines,
    p.effective_is_ai_assisted,
    linked.pr_id IS NOT NULL AS is_linked
FROM {{ ref('pull_requests') }} AS p
JOIN {{ ref('team_members') }} AS m ON m.member_id = p.author_id AND NOT m.is_bot
LEFT JOIN (
    SELECT DISTINCT l.pr_id FROM {{ ref('pr_jira_links') }} AS l WHERE l.is_known_issue
) AS linked ON linked.pr_id = p.pr_id
WHERE NOT p.is_bot
