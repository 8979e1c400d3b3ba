-- Grows with history: built one partition window at a time. A window holds the rows whose created_at falls in it;
-- a run also refreshes the rows of every pull request staged in the window (updated then), whatever their time.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['comment_kind', 'comment_id'],
          event_time='created_at', partition_grain='day') }}

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
{% if is_incremental() %}
WHERE {{ in_window('c.created_at') }} OR {{ in_window('c.pr_updated_at') }}
{% endif %}
