-- Review rounds: changes requested, then new commits. Each changes-requested review is matched with the
-- first commit after it; several requests answered by the same commit are one round, timed from the first.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH requests AS (
    SELECT pr_id, submitted_at AS requested_at
    FROM {{ ref('int_pr_reviews') }} AS reviews
    WHERE counts_as_review AND state = 'CHANGES_REQUESTED'
),
answered AS (
    SELECT
        r.pr_id,
        r.requested_at,
        (
            SELECT min(c.committed_at)
            FROM {{ source('staging', 'github_pr_commits') }} AS c
            WHERE c.pr_id = r.pr_id AND c.committed_at > r.requested_at
        ) AS fixed_at
    FROM requests AS r
),
rounds AS (
    SELECT pr_id, fixed_at, min(requested_at) AS requested_at
    FROM answered
    WHERE fixed_at IS NOT NULL
    GROUP BY pr_id, fixed_at
)
SELECT
    pr_id,
    count(*) AS review_rounds,
    round((avg(extract(epoch FROM fixed_at - requested_at)) / 3600.0)::numeric, 2) AS avg_fix_response_hours
FROM rounds
GROUP BY pr_id
