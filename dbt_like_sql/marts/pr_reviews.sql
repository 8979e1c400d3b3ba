-- Grows with history: built one partition window at a time. A window holds the rows whose submitted_at falls in it;
-- a run also refreshes the rows of every pull request staged in the window (updated then), whatever their time.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='review_id',
          event_time='submitted_at', partition_grain='day') }}

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
{% if is_incremental() %}
WHERE {{ in_window('submitted_at') }} OR {{ in_window('pr_updated_at') }}
{% endif %}
