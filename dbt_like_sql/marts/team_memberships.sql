-- Who is in which team: GitHub team listings (child teams' members included, as GitHub lists them) and
-- the teams file. When both place a person in one team, GitHub's role wins.
WITH github AS (
    SELECT
        'github:' || lower(m.org) || '/' || lower(m.team_slug) AS team_key,
        m.user_id AS member_id,
        coalesce(m.role, 'member') AS role,
        'github' AS source,
        1 AS priority
    FROM {{ source('staging', 'github_team_members') }} AS m
    WHERE m.is_current
),
config AS (
    SELECT c.team_key, tm.member_id, c.role, 'config' AS source, 2 AS priority
    FROM {{ source('staging', 'config_team_members') }} AS c
    JOIN {{ ref('team_members') }} AS tm ON lower(tm.github_login) = c.login
),
placed AS (
    SELECT DISTINCT ON (p.team_key, p.member_id) p.team_key, p.member_id, p.role, p.source
    FROM (SELECT * FROM github UNION ALL SELECT * FROM config) AS p
    ORDER BY p.team_key, p.member_id, p.priority
)
SELECT p.team_key, p.member_id, tm.github_login, p.role, p.source
FROM placed AS p
JOIN {{ ref('teams') }} AS t ON t.team_key = p.team_key
JOIN {{ ref('team_members') }} AS tm ON tm.member_id = p.member_id
