SELECT
    r.check_run_id,
    r.pr_id,
    r.repo_full_name AS repository,
    r.pr_number,
    r.head_sha,
    r.name,
    r.app_slug,
    r.status,
    r.conclusion,
    r.started_at,
    r.completed_at,
    CASE
        WHEN r.completed_at >= r.started_at THEN extract(epoch FROM r.completed_at - r.started_at)::integer
    END AS duration_seconds
FROM {{ source('staging', 'github_pr_check_runs') }} AS r
