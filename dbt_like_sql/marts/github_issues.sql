-- GitHub issues (docs/metrics.md, "GitHub issues"): one row per issue by node id, in its newest state, with
-- what makes it a bug or an incident (DEXXY_BUG_LABELS, DEXXY_INCIDENT_LABELS, via processing.dora_settings),
-- its time to close, reopenings and the merged pull request of the org whose merge commit closed it.
WITH settings AS (
    SELECT * FROM {{ source('processing', 'dora_settings') }} AS s WHERE s.settings_key = 'current'
),
closers AS (
    SELECT DISTINCT ON (p.merge_commit_sha) p.merge_commit_sha, p.pr_id, p.repo_full_name, p.pr_number
    FROM {{ source('staging', 'github_pull_requests') }} AS p
    WHERE p.merge_commit_sha IS NOT NULL AND p.merged_at IS NOT NULL
    ORDER BY p.merge_commit_sha, p.merged_at
)
SELECT
    i.issue_node_id,
    i.issue_id,
    i.repo_full_name AS repository,
    i.issue_number,
    i.title,
    i.url,
    i.author_login,
    i.author_is_bot,
    i.state,
    i.state_reason,
    i.labels,
    i.assignees,
    coalesce(EXISTS (
        SELECT 1 FROM unnest(i.labels) AS label WHERE lower(label) = ANY(s.bug_labels)
    ), false) AS is_bug,
    coalesce(EXISTS (
        SELECT 1 FROM unnest(i.labels) AS label WHERE lower(label) = ANY(s.incident_labels)
    ), false) AS is_incident,
    i.comments_count,
    i.created_at,
    i.closed_at,
    i.updated_at,
    CASE WHEN i.state = 'closed' THEN {{ hours_between('i.created_at', 'i.closed_at') }} END AS time_to_close_hours,
    i.reopened_count,
    i.reopened_count > 0 AS is_reopened,
    i.closed_by_login,
    i.closing_commit_sha,
    c.pr_id IS NOT NULL AS closed_by_pull_request,
    c.pr_id AS closed_by_pr_id,
    c.repo_full_name AS closed_by_pr_repository,
    c.pr_number AS closed_by_pr_number,
    i.transferred_at
FROM {{ source('staging', 'github_issues') }} AS i
LEFT JOIN settings AS s ON true
LEFT JOIN closers AS c ON i.state = 'closed' AND c.merge_commit_sha = i.closing_commit_sha
