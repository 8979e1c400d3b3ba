-- Who a weekly rollup row is about: each person on their own (group_kind member), and each team with its
-- members (group_kind team). Bots are in neither. A person in two teams is in both teams' groups.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
SELECT 'member' AS group_kind, m.member_id::text AS group_key, m.member_id
FROM {{ ref('team_members') }} AS m
WHERE NOT m.is_bot
UNION ALL
SELECT 'team' AS group_kind, tm.team_key AS group_key, tm.member_id
FROM {{ ref('team_memberships') }} AS tm
JOIN {{ ref('team_members') }} AS m ON m.member_id = tm.member_id AND NOT m.is_bot
