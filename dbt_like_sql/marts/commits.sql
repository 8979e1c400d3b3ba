-- Grows with history: built one partition window at a time. A window holds the rows whose committed_at falls in it;
-- a run also refreshes the rows of every pull request staged in the window (updated then), whatever their time.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['pr_id', 'sha'],
          event_time='committed_at', partition_grain='day') }}

SELECT
    c.pr_id,
    c.sha,
    c.repo_full_name AS repository,
    c.pr_number,
    c.author_login,
    c.author_name,
    c.author_email,
    c.authored_at,
    c.committed_at,
    split_part(coalesce(c.message, ''), E'\n', 1) AS message_headline,
    c.message,
    coalesce(c.parents_count, 1) > 1 AS is_merge_commit,
    ARRAY(
        SELECT trim(m[1])
        FROM regexp_matches(coalesce(c.message, ''), '^co-authored-by:[ \t]*(.+?)[ \t]*$', 'gin') AS m
    ) AS co_authors,
    ai.is_ai_assisted,
    ai.ai_co_authors
FROM {{ source('staging', 'github_pr_commits') }} AS c
LEFT JOIN {{ source('processing', 'commit_ai_detection') }} AS ai ON ai.pr_id = c.pr_id AND ai.sha = c.sha
{% if is_incremental() %}
WHERE {{ in_window('c.committed_at') }} OR {{ in_window('c.pr_updated_at') }}
{% endif %}
