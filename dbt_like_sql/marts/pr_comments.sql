SELECT
    c.comment_id,
    c.comment_kind,
    c.pr_id,
    c.repo_full_name AS repository,
    c.pr_number,
    c.author_login,
    c.author_id,
    c.author_is_bot,
    COALESCE(c.author_login = p.author_login, false) AS is_pr_author,  -- a deleted author is nobody
    c.path,
    c.line,
    c.in_reply_to_id,
    c.created_at,
    c.updated_at
FROM {{ source('staging', 'github_pr_comments') }} AS c
JOIN {{ source('staging', 'github_pull_requests') }} AS p ON p.pr_id = c.pr_id
