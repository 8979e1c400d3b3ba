-- Teams: the GitHub organisations' current teams, and the teams of the teams file (DEXXY_TEAMS_FILE).
SELECT
    'github:' || lower(t.org) || '/' || lower(t.slug) AS team_key,
    t.org,
    t.slug,
    t.name,
    CASE WHEN t.parent_slug IS NOT NULL THEN 'github:' || lower(t.org) || '/' || lower(t.parent_slug) END
        AS parent_team_key,
    'github' AS source
FROM {{ source('staging', 'github_teams') }} AS t
WHERE t.is_current
UNION ALL
SELECT
    c.team_key,
    NULL AS org,
    lower(regexp_replace(c.name, '\s+', '-', 'g')) AS slug,
    c.name,
    c.parent_team_key,
    'config' AS source
FROM {{ source('staging', 'config_teams') }} AS c
