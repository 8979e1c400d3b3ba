WITH review_summary AS (
    SELECT
        pr_id,
        count(*) FILTER (WHERE counts_as_review) AS review_count,
        min(submitted_at) FILTER (WHERE counts_as_review) AS first_review_at
    FROM {{ ref('int_pr_reviews') }} AS reviews
    GROUP BY pr_id
)
SELECT
    p.pr_id,
    p.repo_full_name AS repository,
    p.pr_number,
    p.title,
    p.html_url AS url,
    p.author_login,
    p.author_id,
    CASE
        WHEN p.is_merged OR p.merged_at IS NOT NULL THEN 'merged'
        WHEN p.state = 'closed' THEN 'closed'
        ELSE coalesce(p.state, 'unknown')
    END AS state,
    coalesce(p.is_draft, false) AS is_draft,
    p.author_is_bot AS is_bot,
    p.head_ref AS head_branch,
    p.base_ref AS base_branch,
    p.additions,
    p.deletions,
    p.changed_files,
    p.commits_count,
    coalesce(rs.review_count, 0) AS review_count,
    rs.first_review_at,
    p.created_at,
    p.merged_at,
    p.closed_at,
    p.updated_at,
    {{ hours_between('p.created_at', 'p.merged_at') }} AS cycle_time_hours
FROM {{ source('staging', 'github_pull_requests') }} AS p
LEFT JOIN review_summary AS rs ON rs.pr_id = p.pr_id
WHERE p.created_at IS NOT NULL
