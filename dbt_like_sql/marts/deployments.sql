WITH change_sets AS (
    SELECT
        dc.deployment_id,
        count(*) AS commits_count,
        count(DISTINCT p.pr_id) AS pull_requests_count
    FROM {{ source('staging', 'github_deployment_commits') }} AS dc
    LEFT JOIN {{ source('staging', 'github_pull_requests') }} AS p
        ON p.merge_commit_sha = dc.sha AND p.repo_full_name = dc.repo_full_name AND p.merged_at IS NOT NULL
    GROUP BY dc.deployment_id
),
pipeline_ordered AS (
    -- per repository, source and environment in cut order: how many successes came before each one
    SELECT
        d.*,
        count(d.succeeded_at) OVER (
            PARTITION BY d.repository, d.source, d.environment ORDER BY d.cut_at, d.deployment_id
            ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
        ) AS successes_before,
        CASE WHEN d.succeeded_at IS NOT NULL THEN
            count(d.succeeded_at) OVER (
                PARTITION BY d.repository, d.source, d.environment ORDER BY d.cut_at, d.deployment_id
            )
        END AS success_number
    FROM {{ ref('int_pipeline_deployments') }} AS d
),
pipeline AS (
    SELECT d.*, prev.deployment_id AS previous_deployment_id
    FROM pipeline_ordered AS d
    LEFT JOIN pipeline_ordered AS prev
        ON prev.repository = d.repository
        AND prev.source = d.source
        AND prev.environment IS NOT DISTINCT FROM d.environment
        AND prev.success_number = d.successes_before
),
pipeline_shipped AS (
    SELECT source, deployment_id, count(*) AS pull_requests_count
    FROM {{ ref('int_pipeline_pr_deployments') }} AS s
    GROUP BY source, deployment_id
)
-- The Deployments API: exactly the rows this table held before it had other sources.
SELECT
    'deployments_api' AS source,
    d.deployment_id,
    d.repo_full_name AS repository,
    d.environment,
    d.is_production,
    d.sha,
    d.ref,
    d.creator_login,
    d.created_at,
    d.latest_state,
    d.succeeded_at IS NOT NULL AS is_successful,
    d.succeeded_at,
    d.previous_deployment_id,
    CASE WHEN d.change_set_known THEN coalesce(cs.commits_count, 0) END AS commits_count,
    CASE WHEN d.change_set_known THEN coalesce(cs.pull_requests_count, 0) END AS pull_requests_count
FROM {{ source('staging', 'github_deployments') }} AS d
LEFT JOIN change_sets AS cs ON cs.deployment_id = d.deployment_id
UNION ALL
-- Workflow runs and releases named by DEXXY_DEPLOYMENT_RULES.
SELECT
    d.source,
    d.deployment_id,
    d.repository,
    d.environment,
    d.is_production,
    d.sha,
    d.ref,
    d.creator_login,
    d.created_at,
    d.latest_state,
    d.succeeded_at IS NOT NULL AS is_successful,
    d.succeeded_at,
    d.previous_deployment_id,
    NULL::integer AS commits_count,
    CASE
        WHEN d.is_production AND d.succeeded_at IS NOT NULL AND d.previous_deployment_id IS NOT NULL
            THEN coalesce(ps.pull_requests_count, 0)::integer
    END AS pull_requests_count
FROM pipeline AS d
LEFT JOIN pipeline_shipped AS ps ON ps.source = d.source AND ps.deployment_id = d.deployment_id
