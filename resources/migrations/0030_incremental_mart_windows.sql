-- Incremental marts (dbt_like_sql, materialized='incremental') delete one partition's window by their event
-- time on every run: an index on it keeps that a range scan instead of a scan of the whole history.
-- analytics.commits (committed_at) has one since 0010.
CREATE INDEX IF NOT EXISTS pr_reviews_submitted_idx ON analytics.pr_reviews (submitted_at);
CREATE INDEX IF NOT EXISTS pr_comments_created_idx ON analytics.pr_comments (created_at);
CREATE INDEX IF NOT EXISTS jira_worklogs_started_idx ON analytics.jira_worklogs (started_at);
