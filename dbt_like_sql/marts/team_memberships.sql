-- Who is in which team: GitHub team listings (child teams' members included, as GitHub lists them) and
-- the teams file, whose people are members of their team's parents too (a file team's parent, a GitHub
-- team's parent). When several sources place a person in one team, GitHub's word wins, then the file's
-- direct placement.
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
parents AS (
    SELECT t.team_key, t.parent_team_key FROM {{ ref('teams') }} AS t WHERE t.parent_team_key IS NOT NULL
),
config_inherited (team_key, member_id) AS (
    -- UNION (not UNION ALL) keeps the walk finite even if the file makes a cycle
    WITH RECURSIVE up (team_key, member_id) AS (
        SELECT p.parent_team_key, c.member_id
        FROM config AS c
        JOIN parents AS p ON p.team_key = c.team_key
        UNION
        SELECT p.parent_team_key, up.member_id
        FROM up
        JOIN parents AS p ON p.team_key = up.team_key
    )
    SELECT team_key, member_id FROM up
),
placed AS (
    SELECT DISTINCT ON (p.team_key, p.member_id) p.team_key, p.member_id, p.role, p.source
    FROM (
        SELECT * FROM github
        UNION ALL
        SELECT * FROM config
        UNION ALL
        SELECT team_key, member_id, 'member', 'config', 3 FROM config_inherited
    ) AS p
    ORDER BY p.team_key, p.member_id, p.priority
)
SELECT p.team_key, p.member_id, tm.github_login, p.role, p.source
FROM placed AS p
JOIN {{ ref('teams') }} AS t ON t.team_key = p.team_key
JOIN {{ ref('team_members') }} AS tm ON tm.member_id = p.member_id
