-- The PR survey (Slack or a GitHub comment) as BI reads it: a view, so an answer shows the moment the receiver stores it.
-- The only text of the view: the migration runner installs it from here (dexxy_assets/analytics/model_views.py).
{{ config(materialized='view') }}
SELECT
    d.pr_id,
    d.repository,
    d.pr_number,
    d.github_login,
    d.member_id,
    d.role,
    d.merged_at,
    d.status,
    d.error,
    d.sent_at,
    d.answered_at,
    d.answer,
    d.tools,
    round((extract(epoch FROM d.answered_at - d.sent_at) / 3600)::numeric, 2) AS latency_hours,
    d.channel,
    d.answer_source
FROM {{ source('ops', 'pr_survey_deliveries') }} AS d
