WITH jira AS (
    SELECT
        member_id,
        max(account_id) FILTER (WHERE match_method <> 'ambiguous') AS jira_account_id,
        CASE
            WHEN bool_or(match_method = 'email') THEN 'email'
            WHEN bool_or(match_method = 'display_name') THEN 'display_name'
            ELSE 'ambiguous'
        END AS jira_match_method
    FROM {{ ref('int_jira_identity') }} AS identity
    GROUP BY member_id
)
SELECT
    u.user_id AS member_id,
    u.user_id AS github_id,
    u.login AS github_login,
    u.name,
    u.email,
    u.is_bot,
    bool_or(m.is_current) AS is_org_member,
    array_agg(DISTINCT m.org ORDER BY m.org) AS orgs,
    u.updated_at,
    j.jira_account_id,
    CASE WHEN u.is_bot THEN NULL ELSE coalesce(j.jira_match_method, 'unmatched') END AS jira_match_method
FROM {{ source('staging', 'github_org_members') }} AS m
JOIN {{ source('staging', 'github_users') }} AS u ON u.user_id = m.user_id
LEFT JOIN jira AS j ON j.member_id = u.user_id
GROUP BY u.user_id, u.login, u.name, u.email, u.is_bot, u.updated_at, j.jira_account_id, j.jira_match_method
