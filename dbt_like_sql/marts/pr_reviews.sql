SELECT
    review_id,
    pr_id,
    repo_full_name AS repository,
    pr_number,
    reviewer_login,
    reviewer_id,
    reviewer_is_bot,
    is_self_review,
    state,
    submitted_at,
    {{ hours_between('pr_created_at', 'submitted_at') }} AS hours_after_pr_created
FROM {{ ref('int_pr_reviews') }} AS reviews
