-- The first reaction to a pull request by someone else: a real review (int_pr_reviews.counts_as_review) or
-- a conversation / inline comment by a person who is not the author.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT pr_id, min(responded_at) AS first_response_at
FROM (
    SELECT pr_id, submitted_at AS responded_at
    FROM {{ ref('int_pr_reviews') }} AS reviews
    WHERE counts_as_review
    UNION ALL
    SELECT c.pr_id, c.created_at
    FROM {{ source('staging', 'github_pr_comments') }} AS c
    JOIN {{ source('staging', 'github_pull_requests') }} AS p ON p.pr_id = c.pr_id
    WHERE NOT c.author_is_bot
      AND c.created_at IS NOT NULL
      AND (c.author_login IS NULL OR c.author_login IS DISTINCT FROM p.author_login)
) AS responses
GROUP BY pr_id
