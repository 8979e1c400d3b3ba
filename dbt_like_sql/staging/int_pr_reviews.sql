-- Reviews with the facts every metric needs: who the PR author is, and whether the review is a real one
-- (not by a bot, not the author's own, actually submitted).
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT
    r.review_id,
    r.pr_id,
    r.repo_full_name,
    r.pr_number,
    r.reviewer_login,
    r.reviewer_id,
    r.reviewer_is_bot,
    r.state,
    r.submitted_at,
    p.created_at AS pr_created_at,
    r.pr_updated_at,  -- the pull request version the review was staged with (its raw partition's day)
    COALESCE(r.reviewer_login = p.author_login, false) AS is_self_review,  -- a deleted author is nobody
    (
        NOT r.reviewer_is_bot
        AND r.submitted_at IS NOT NULL
        AND r.state IS DISTINCT FROM 'PENDING'
        AND (r.reviewer_login IS NULL OR r.reviewer_login IS DISTINCT FROM p.author_login)
    ) AS counts_as_review
FROM {{ source('staging', 'github_pr_reviews') }} AS r
JOIN {{ source('staging', 'github_pull_requests') }} AS p ON p.pr_id = r.pr_id
