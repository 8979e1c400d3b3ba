-- Indexes for what BI dashboards filter on: a week (a time range), a repository, a member. Team filters
-- reach these tables through analytics.team_memberships (member ids), so the member indexes serve them too.
-- Week filters are ranges on the timestamp (merged_at >= :monday AND merged_at < :next_monday).
CREATE INDEX IF NOT EXISTS pull_requests_repository_merged_idx ON analytics.pull_requests (repository, merged_at);
CREATE INDEX IF NOT EXISTS pull_requests_author_merged_idx ON analytics.pull_requests (author_id, merged_at);
CREATE INDEX IF NOT EXISTS pr_reviews_submitted_idx ON analytics.pr_reviews (submitted_at);
CREATE INDEX IF NOT EXISTS pr_reviews_reviewer_submitted_idx ON analytics.pr_reviews (reviewer_id, submitted_at);
CREATE INDEX IF NOT EXISTS pr_comments_author_created_idx ON analytics.pr_comments (author_id, created_at);
CREATE INDEX IF NOT EXISTS commits_repository_committed_idx ON analytics.commits (repository, committed_at);
CREATE INDEX IF NOT EXISTS deployments_created_idx ON analytics.deployments (created_at);
CREATE INDEX IF NOT EXISTS team_members_github_id_idx ON analytics.team_members (github_id);
CREATE INDEX IF NOT EXISTS ai_usage_daily_member_day_idx ON analytics.ai_usage_daily (member_id, day);
CREATE INDEX IF NOT EXISTS jira_issues_done_idx ON analytics.jira_issues (done_at);
CREATE INDEX IF NOT EXISTS jira_issues_assignee_done_idx ON analytics.jira_issues (assignee_member_id, done_at);
CREATE INDEX IF NOT EXISTS jira_worklogs_author_started_idx ON analytics.jira_worklogs (author_member_id, started_at);
CREATE INDEX IF NOT EXISTS pr_jira_links_issue_idx ON analytics.pr_jira_links (issue_id);
CREATE INDEX IF NOT EXISTS jira_linkage_weekly_week_idx ON analytics.jira_linkage_weekly (week_start);
