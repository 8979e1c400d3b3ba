-- Per team and week (Monday, UTC): the LLM narrative of processing.weekly_insights with the team's name, for
-- BI tools beside the weekly rollups (docs/metrics.md "Weekly insights").
SELECT
    i.week_start,
    i.team_key,
    coalesce(t.name, i.team_key) AS team_name,
    i.headline,
    i.observations,
    i.suggested_focus,
    i.inputs,
    i.model,
    i.prompt_version,
    i.generated_at
FROM {{ source('processing', 'weekly_insights') }} AS i
LEFT JOIN {{ ref('teams') }} AS t ON t.team_key = i.team_key
