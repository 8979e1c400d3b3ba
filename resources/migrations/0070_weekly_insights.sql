-- Weekly insights: a short LLM narrative per team and week (dexxy_assets/processing/weekly_insights_asset.py),
-- its answer cache, and the analytics mart BI tools read (dbt_like_sql/marts/weekly_insights.sql).
CREATE TABLE IF NOT EXISTS ops.llm_insight_cache (
    input_hash     text        NOT NULL,
    prompt_version text        NOT NULL,
    model          text        NOT NULL,
    answer         jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (input_hash, prompt_version, model)
);
COMMENT ON TABLE ops.llm_insight_cache IS 'LLM answers of the weekly insights by (input hash, prompt version, model): the same figures are never paid for twice.';
COMMENT ON COLUMN ops.llm_insight_cache.input_hash IS 'sha256 of the prompt messages (the team''s figures for the week, as canonical JSON).';
COMMENT ON COLUMN ops.llm_insight_cache.prompt_version IS 'weekly_insights_prompt.PROMPT_VERSION the answer was asked with.';
COMMENT ON COLUMN ops.llm_insight_cache.model IS 'Groq model that answered.';
COMMENT ON COLUMN ops.llm_insight_cache.answer IS 'The JSON answer: headline, observations, suggested_focus.';
COMMENT ON COLUMN ops.llm_insight_cache.created_at IS 'When the answer was first paid for.';

CREATE TABLE IF NOT EXISTS processing.weekly_insights (
    week_start      date        NOT NULL,
    team_key        text        NOT NULL,
    headline        text        NOT NULL,
    observations    text[]      NOT NULL,
    suggested_focus text        NOT NULL,
    inputs          jsonb       NOT NULL,
    input_hash      text        NOT NULL,
    model           text        NOT NULL,
    prompt_version  text        NOT NULL,
    generated_at    timestamptz NOT NULL,
    PRIMARY KEY (week_start, team_key)
);
COMMENT ON TABLE processing.weekly_insights IS 'An LLM narrative per team and week (Monday start, UTC) from the weekly rollup, DORA, sprints and the pull request to Jira linkage rate; weeks without activity get none. Rebuilt per week partition from ops.llm_insight_cache.';
COMMENT ON COLUMN processing.weekly_insights.week_start IS 'The Monday (UTC) the week starts.';
COMMENT ON COLUMN processing.weekly_insights.team_key IS 'The team (analytics.teams.team_key).';
COMMENT ON COLUMN processing.weekly_insights.headline IS 'One-line summary of the team''s week.';
COMMENT ON COLUMN processing.weekly_insights.observations IS 'Two to four observations, each grounded in a figure of inputs.';
COMMENT ON COLUMN processing.weekly_insights.suggested_focus IS 'One suggested focus for the coming week.';
COMMENT ON COLUMN processing.weekly_insights.inputs IS 'The figures the model was given (rollup, DORA, sprints, linkage), as JSON.';
COMMENT ON COLUMN processing.weekly_insights.input_hash IS 'sha256 of the prompt messages: the key of ops.llm_insight_cache.';
COMMENT ON COLUMN processing.weekly_insights.model IS 'Groq model that wrote the narrative.';
COMMENT ON COLUMN processing.weekly_insights.prompt_version IS 'Version of the insights prompt (a prompt change re-runs the asset as a backfill).';
COMMENT ON COLUMN processing.weekly_insights.generated_at IS 'When the answer was first paid for (ops.llm_insight_cache.created_at); a re-run keeps it.';

CREATE TABLE IF NOT EXISTS analytics.weekly_insights (
    week_start      date        NOT NULL,
    team_key        text        NOT NULL,
    team_name       text        NOT NULL,
    headline        text        NOT NULL,
    observations    text[]      NOT NULL,
    suggested_focus text        NOT NULL,
    inputs          jsonb       NOT NULL,
    model           text        NOT NULL,
    prompt_version  text        NOT NULL,
    generated_at    timestamptz NOT NULL,
    PRIMARY KEY (week_start, team_key)
);
COMMENT ON TABLE analytics.weekly_insights IS 'A short LLM-written narrative per team and week (Monday start, UTC): headline, observations and one suggested focus, from the weekly rollup, DORA, sprints and linkage rate. See docs/metrics.md "Weekly insights".';
COMMENT ON COLUMN analytics.weekly_insights.week_start IS 'The Monday (UTC) the week starts.';
COMMENT ON COLUMN analytics.weekly_insights.team_key IS 'The team (analytics.teams.team_key).';
COMMENT ON COLUMN analytics.weekly_insights.team_name IS 'The team''s name.';
COMMENT ON COLUMN analytics.weekly_insights.headline IS 'One-line summary of the team''s week.';
COMMENT ON COLUMN analytics.weekly_insights.observations IS 'Two to four observations, each grounded in a figure of inputs.';
COMMENT ON COLUMN analytics.weekly_insights.suggested_focus IS 'One suggested focus for the coming week.';
COMMENT ON COLUMN analytics.weekly_insights.inputs IS 'The figures the model was given (rollup, DORA, sprints, linkage), as JSON.';
COMMENT ON COLUMN analytics.weekly_insights.model IS 'Groq model that wrote the narrative.';
COMMENT ON COLUMN analytics.weekly_insights.prompt_version IS 'Version of the insights prompt.';
COMMENT ON COLUMN analytics.weekly_insights.generated_at IS 'When the answer was first paid for.';
CREATE INDEX IF NOT EXISTS weekly_insights_team_idx ON analytics.weekly_insights (team_key, week_start);
