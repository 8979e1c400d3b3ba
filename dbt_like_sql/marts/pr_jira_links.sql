-- Each key a pull request names, joined to the issue by its current key or a key it had before a move.
WITH issue_keys AS (
    SELECT issue_id, issue_key AS lookup_key, 0 AS preference FROM {{ source('staging', 'jira_issues') }}
    UNION ALL
    SELECT i.issue_id, previous.key, 1
    FROM {{ source('staging', 'jira_issues') }} AS i
    CROSS JOIN LATERAL unnest(i.previous_keys) AS previous(key)
),
resolved AS (
    SELECT DISTINCT ON (k.pr_id, k.jira_key) k.pr_id, k.jira_key, ik.issue_id
    FROM {{ source('processing', 'pr_jira_keys') }} AS k
    LEFT JOIN issue_keys AS ik ON ik.lookup_key = k.jira_key
    ORDER BY k.pr_id, k.jira_key, ik.preference
)
SELECT
    k.pr_id,
    k.jira_key,
    k.key_rank,
    p.repo_full_name AS repository,
    p.pr_number,
    p.created_at AS pr_created_at,
    i.issue_id,
    i.issue_key,
    i.project_key,
    i.issue_type,
    i.status_category,
    i.issue_id IS NOT NULL AS is_known_issue
FROM {{ source('processing', 'pr_jira_keys') }} AS k
JOIN {{ source('staging', 'github_pull_requests') }} AS p ON p.pr_id = k.pr_id
JOIN resolved AS r ON r.pr_id = k.pr_id AND r.jira_key = k.jira_key
LEFT JOIN {{ source('staging', 'jira_issues') }} AS i ON i.issue_id = r.issue_id
