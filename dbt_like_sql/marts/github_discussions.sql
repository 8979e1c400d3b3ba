-- GitHub discussions (docs/metrics.md, "GitHub discussions"): one row per discussion by node id; a deleted one
-- stays as last seen, flagged.
WITH comments AS (
    SELECT
        c.discussion_node_id,
        count(*) AS comments,
        count(*) FILTER (WHERE c.reply_to_node_id IS NOT NULL) AS replies,
        min(c.created_at) FILTER (
            WHERE NOT c.author_is_bot AND c.author_login IS DISTINCT FROM d.author_login
        ) AS first_response_at
    FROM {{ source('staging', 'github_discussion_comments') }} AS c
    JOIN {{ source('staging', 'github_discussions') }} AS d ON d.discussion_node_id = c.discussion_node_id
    GROUP BY c.discussion_node_id
)
SELECT
    d.discussion_node_id,
    d.discussion_id,
    d.repo_full_name AS repository,
    d.discussion_number,
    d.title,
    d.url,
    d.author_login,
    d.author_is_bot,
    d.category,
    d.is_answerable,
    d.answer_comment_node_id IS NOT NULL AS is_answered,
    a.author_login AS answer_author_login,
    d.answer_chosen_at,
    {{ hours_between('d.created_at', 'd.answer_chosen_at') }} AS time_to_answer_hours,
    {{ hours_between('d.created_at', 'c.first_response_at') }} AS time_to_first_response_hours,
    coalesce(c.comments, 0) AS comments_count,
    coalesce(c.replies, 0) AS replies_count,
    d.is_closed,
    d.state_reason,
    d.closed_at,
    d.created_at,
    d.updated_at,
    d.is_deleted,
    d.deleted_seen_at
FROM {{ source('staging', 'github_discussions') }} AS d
LEFT JOIN comments AS c ON c.discussion_node_id = d.discussion_node_id
LEFT JOIN {{ source('staging', 'github_discussion_comments') }} AS a ON a.comment_node_id = d.answer_comment_node_id
