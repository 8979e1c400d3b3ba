SELECT
    u.user_id AS member_id,
    u.user_id AS github_id,
    u.login AS github_login,
    u.name,
    u.email,
    u.is_bot,
    bool_or(m.is_current) AS is_org_member,
    array_agg(DISTINCT m.org ORDER BY m.org) AS orgs,
    u.updated_at
FROM {{ source('staging', 'github_org_members') }} AS m
JOIN {{ source('staging', 'github_users') }} AS u ON u.user_id = m.user_id
GROUP BY u.user_id, u.login, u.name, u.email, u.is_bot, u.updated_at
