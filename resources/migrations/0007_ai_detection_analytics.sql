-- AI-assisted work on the BI tables (regex detection; docs/metrics.md).
ALTER TABLE analytics.pull_requests
    ADD COLUMN IF NOT EXISTS is_ai_assisted boolean,
    ADD COLUMN IF NOT EXISTS ai_tools       text[],
    ADD COLUMN IF NOT EXISTS ai_confidence  numeric(4, 3);
COMMENT ON COLUMN analytics.pull_requests.is_ai_assisted IS 'Written with an AI coding tool, by the versioned regex patterns (processing.pr_ai_detection); NULL until detected.';
COMMENT ON COLUMN analytics.pull_requests.ai_tools IS 'The AI tools detected (claude, copilot, cursor, devin, codex, aider, windsurf, gemini, amazon_q, generic, ...).';
COMMENT ON COLUMN analytics.pull_requests.ai_confidence IS 'Confidence of the AI verdict, 0 to 1.';

ALTER TABLE analytics.commits
    ADD COLUMN IF NOT EXISTS is_ai_assisted boolean,
    ADD COLUMN IF NOT EXISTS ai_co_authors  text[];
COMMENT ON COLUMN analytics.commits.is_ai_assisted IS 'The commit carries an AI tool''s trace (trailer, footer, bot author); NULL until detected.';
COMMENT ON COLUMN analytics.commits.ai_co_authors IS 'The Co-authored-by trailers that name AI tools, as written.';
