-- Copilot usage per person: matched to team members by GitHub id first, then by login.
SELECT
    u.day,
    'copilot' AS source,
    u.user_login AS github_login,
    coalesce(by_id.member_id, by_login.member_id) AS member_id,
    u.org,
    u.user_initiated_interaction_count,
    u.code_generation_activity_count,
    u.code_acceptance_activity_count,
    round(u.code_acceptance_activity_count::numeric / nullif(u.code_generation_activity_count, 0), 4) AS acceptance_rate,
    u.loc_suggested_to_add_sum,
    u.loc_added_sum,
    u.used_chat,
    u.used_agent
FROM {{ source('staging', 'copilot_usage_user_daily') }} AS u
LEFT JOIN {{ ref('team_members') }} AS by_id ON by_id.github_id = u.user_id
LEFT JOIN {{ ref('team_members') }} AS by_login ON lower(by_login.github_login) = lower(u.user_login)
