-- Each merged pull request's first successful production deployment, whatever its source: the Deployments
-- API (its change set holds the merge commit: analytics.pull_requests.deployed_at) or a workflow run or
-- release (by time: int_pipeline_pr_deployments); with the lead time for changes, first commit to then.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH candidates AS (
    SELECT p.pr_id, 'deployments_api' AS source, p.deployment_id, p.deployed_at
    FROM {{ ref('pull_requests') }} AS p
    WHERE p.deployed_at IS NOT NULL
    UNION ALL
    SELECT s.pr_id, s.source, s.deployment_id, s.deployed_at
    FROM {{ ref('int_pipeline_pr_deployments') }} AS s
)
SELECT DISTINCT ON (c.pr_id)
    c.pr_id,
    p.repository,
    p.author_login,
    p.is_bot,
    p.first_commit_at,
    p.merged_at,
    c.source,
    c.deployment_id,
    c.deployed_at,
    {{ hours_between('p.first_commit_at', 'c.deployed_at') }} AS lead_time_hours
FROM candidates AS c
JOIN {{ ref('pull_requests') }} AS p ON p.pr_id = c.pr_id
ORDER BY c.pr_id, c.deployed_at, c.source, c.deployment_id
