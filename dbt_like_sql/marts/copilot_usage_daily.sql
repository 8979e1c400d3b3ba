SELECT
    org,
    day,
    daily_active_users,
    weekly_active_users,
    monthly_active_users,
    monthly_active_chat_users,
    monthly_active_agent_users,
    user_initiated_interaction_count,
    code_generation_activity_count,
    code_acceptance_activity_count,
    round(code_acceptance_activity_count::numeric / nullif(code_generation_activity_count, 0), 4) AS acceptance_rate,
    loc_suggested_to_add_sum,
    loc_added_sum,
    by_ide,
    by_feature,
    by_language
FROM {{ source('staging', 'copilot_usage_org_daily') }} AS u
