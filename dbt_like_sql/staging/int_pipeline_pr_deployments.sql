-- Pull requests shipped by a workflow-run or release deployment, found by time (these sources carry no
-- change set): a merged pull request ships with the first successful production deployment of its
-- repository that deploys the branch it merged into and was cut at or after the merge, provided an earlier
-- successful production deployment of that source existed before the merge (otherwise, as for the first
-- deployment of the Deployments API, what it shipped is unknown).
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH deployments AS (
    SELECT * FROM {{ ref('int_pipeline_deployments') }} AS d
    WHERE d.is_production AND d.succeeded_at IS NOT NULL
)
SELECT DISTINCT ON (p.pr_id)
    p.pr_id,
    d.source,
    d.deployment_id,
    d.succeeded_at AS deployed_at
FROM {{ source('staging', 'github_pull_requests') }} AS p
JOIN deployments AS d
    ON d.repository = p.repo_full_name
    AND d.branch = p.base_ref
    AND d.cut_at >= p.merged_at
WHERE p.merged_at IS NOT NULL
  AND EXISTS (
      SELECT 1 FROM deployments AS earlier
      WHERE earlier.repository = d.repository
        AND earlier.source = d.source
        AND earlier.environment IS NOT DISTINCT FROM d.environment
        AND earlier.cut_at < p.merged_at
  )
ORDER BY p.pr_id, d.cut_at, d.deployment_id
