WITH matched AS (
    SELECT
        account_id,
        max(member_id) FILTER (WHERE match_method <> 'ambiguous') AS member_id,
        CASE
            WHEN bool_or(match_method = 'email') THEN 'email'
            WHEN bool_or(match_method = 'display_name') THEN 'display_name'
            ELSE 'ambiguous'
        END AS match_method
    FROM {{ ref('int_jira_identity') }} AS identity
    GROUP BY account_id
)
SELECT
    u.account_id,
    u.display_name,
    u.email,
    u.account_type,
    u.active,
    u.is_listed,
    m.member_id,
    g.login AS github_login,
    coalesce(m.match_method, 'unmatched') AS match_method
FROM {{ source('staging', 'jira_users') }} AS u
LEFT JOIN matched AS m ON m.account_id = u.account_id
LEFT JOIN {{ source('staging', 'github_users') }} AS g ON g.user_id = m.member_id
