-- The first successful production deployment whose change set holds the pull request's merge commit.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT DISTINCT ON (p.pr_id)
    p.pr_id,
    d.deployment_id,
    d.succeeded_at AS deployed_at
FROM {{ source('staging', 'github_pull_requests') }} AS p
JOIN {{ source('staging', 'github_deployment_commits') }} AS dc
    ON dc.sha = p.merge_commit_sha AND dc.repo_full_name = p.repo_full_name
JOIN {{ source('staging', 'github_deployments') }} AS d
    ON d.deployment_id = dc.deployment_id
WHERE p.merged_at IS NOT NULL
  AND d.is_production
  AND d.succeeded_at IS NOT NULL
ORDER BY p.pr_id, d.succeeded_at, d.deployment_id
