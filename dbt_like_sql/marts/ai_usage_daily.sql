-- AI tool usage per person and day, from two sources.
-- copilot: the users-1-day report, matched to team members by GitHub id first, then by login.
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
    u.used_agent,
    NULL::integer AS surveyed_pull_requests,
    NULL::integer AS ai_assisted_pull_requests,
    NULL::text[] AS survey_tools
FROM {{ source('staging', 'copilot_usage_user_daily') }} AS u
LEFT JOIN {{ ref('team_members') }} AS by_id ON by_id.github_id = u.user_id
LEFT JOIN {{ ref('team_members') }} AS by_login ON lower(by_login.github_login) = lower(u.user_login)
UNION ALL
-- survey: the Slack PR survey's answers per person and merge day (UTC): the merged pull requests answered for,
-- those answered some or most, and the tools named.
SELECT
    (s.merged_at AT TIME ZONE 'UTC')::date AS day,
    'survey' AS source,
    min(s.github_login) AS github_login,
    min(s.member_id) AS member_id,
    split_part(s.repository, '/', 1) AS org,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    count(*)::integer AS surveyed_pull_requests,
    (count(*) FILTER (WHERE s.answer IN ('some', 'most')))::integer AS ai_assisted_pull_requests,
    ARRAY(
        SELECT DISTINCT tool FROM unnest(array_agg(array_to_string(s.tools, ','))) AS joined,
            regexp_split_to_table(joined, ',') AS tool
        WHERE tool <> '' ORDER BY tool
    ) AS survey_tools
FROM {{ source('ops', 'pr_survey_deliveries') }} AS s
WHERE s.answer IS NOT NULL
GROUP BY 1, s.person, split_part(s.repository, '/', 1)
