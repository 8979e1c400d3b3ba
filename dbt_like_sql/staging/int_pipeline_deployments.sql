-- Workflow runs and releases that processing.deployment_rules names deployments (the first matching rule
-- wins), in the shape of analytics.deployments, plus the branch they deploy from and the moment the
-- deployed revision was cut (a run's creation; a release's publication).
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH rules AS (
    SELECT * FROM {{ source('processing', 'deployment_rules') }} AS r
),
matched_runs AS (
    SELECT DISTINCT ON (w.run_id)
        w.*,
        rule.environment,
        rule.is_production
    FROM {{ source('staging', 'github_workflow_runs') }} AS w
    JOIN rules AS rule
        ON rule.source = 'workflow_run'
        AND w.repo_full_name ~* rule.repo_regex
        AND (coalesce(w.name, '') ~* rule.pattern_regex OR coalesce(w.path, '') ~* rule.pattern_regex)
        AND (rule.branch_regex IS NULL OR coalesce(w.head_branch, '') ~* rule.branch_regex)
    ORDER BY w.run_id, rule.rule_index
),
matched_releases AS (
    SELECT DISTINCT ON (r.release_id)
        r.*,
        rule.environment,
        rule.is_production
    FROM {{ source('staging', 'github_releases') }} AS r
    JOIN rules AS rule
        ON rule.source = 'release'
        AND r.repo_full_name ~* rule.repo_regex
        AND coalesce(r.tag_name, '') ~* rule.pattern_regex
        AND NOT r.is_draft
        AND (NOT r.is_prerelease OR rule.include_prereleases)
    ORDER BY r.release_id, rule.rule_index
)
SELECT
    'workflow_run' AS source,
    w.run_id AS deployment_id,
    w.repo_full_name AS repository,
    w.environment,
    w.is_production,
    w.head_sha AS sha,
    w.head_branch AS ref,
    w.head_branch AS branch,
    w.actor_login AS creator_login,
    w.created_at,
    CASE
        WHEN w.status = 'completed' THEN
            CASE
                WHEN w.conclusion = 'success' THEN 'success'
                WHEN w.conclusion IN ('failure', 'timed_out', 'startup_failure') THEN 'failure'
                ELSE 'inactive'
            END
        WHEN w.status IN ('queued', 'requested') THEN 'queued'
        WHEN w.status IN ('waiting', 'pending') THEN 'pending'
        ELSE 'in_progress'
    END AS latest_state,
    CASE WHEN w.status = 'completed' AND w.conclusion = 'success' THEN w.updated_at END AS succeeded_at,
    w.created_at AS cut_at
FROM matched_runs AS w
UNION ALL
SELECT
    'release' AS source,
    r.release_id AS deployment_id,
    r.repo_full_name AS repository,
    r.environment,
    r.is_production,
    NULL AS sha,
    r.tag_name AS ref,
    r.target_commitish AS branch,
    r.author_login AS creator_login,
    r.created_at,
    CASE WHEN r.published_at IS NOT NULL THEN 'success' ELSE 'pending' END AS latest_state,
    r.published_at AS succeeded_at,
    coalesce(r.published_at, r.created_at) AS cut_at
FROM matched_releases AS r
