WITH change_sets AS (
    SELECT
        dc.deployment_id,
        count(*) AS commits_count,
        count(DISTINCT p.pr_id) AS pull_requests_count
    FROM {{ source('staging', 'github_deployment_commits') }} AS dc
    LEFT JOIN {{ source('staging', 'github_pull_requests') }} AS p
        ON p.merge_commit_sha = dc.sha AND p.repo_full_name = dc.repo_full_name AND p.merged_at IS NOT NULL
    GROUP BY dc.deployment_id
)
SELECT
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
