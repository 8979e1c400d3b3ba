-- Grows with history: built one partition window at a time. A window holds the rows whose started_at falls in it;
-- a run also refreshes the rows of every issue staged in the window (updated then), whatever their time.
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='worklog_id',
          event_time='started_at', partition_grain='day') }}

SELECT
    w.worklog_id,
    w.issue_id,
    i.issue_key,
    i.project_key,
    w.author_account_id,
    u.display_name AS author_name,
    u.member_id AS author_member_id,
    w.started_at,
    round(w.time_spent_seconds / 3600.0, 2) AS hours,
    w.comment_text,
    w.created_at,
    w.updated_at
FROM {{ source('staging', 'jira_worklogs') }} AS w
LEFT JOIN {{ source('staging', 'jira_issues') }} AS i ON i.issue_id = w.issue_id
LEFT JOIN {{ ref('jira_users') }} AS u ON u.account_id = w.author_account_id
{% if is_incremental() %}
WHERE {{ in_window('w.started_at') }} OR {{ in_window('i.updated_at') }}
{% endif %}
