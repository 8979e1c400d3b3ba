-- A key on every raw table, and the indexes the daily steps, the marts and BI tools filter and join on.
--
-- Raw keys. A raw table holds, per partition (a day, or an org for snapshots), exactly the rows of the last
-- load of that partition. Payload ids cannot be the key: a record whose id could not be read must still
-- land, and GitHub's listings can repeat an entity (pages shift while they are read). So each row carries
-- partition_row, its 1-based position within its partition in the load that wrote it, and
-- (partition, partition_row) is unique: a second copy of a partition can never be appended to the first.
-- Loads take a per-(table, partition) advisory lock (resources/bulk_load.lock_partitions).
--
-- Before the key, undo what concurrent runs may already have written twice: every load writes one
-- fetched_at for all its rows, so a partition holding several fetched_at values holds several loads; keep
-- the newest.
DO $$
DECLARE
    spec record;
BEGIN
    FOR spec IN
        SELECT * FROM (VALUES
            ('github_pull_requests', 'partition_date', 'github_pull_requests_partition_idx'),
            ('github_reviews', 'partition_date', 'github_reviews_partition_idx'),
            ('github_commits', 'partition_date', 'github_commits_partition_idx'),
            ('github_files', 'partition_date', 'github_files_partition_idx'),
            ('github_check_runs', 'partition_date', 'github_check_runs_partition_idx'),
            ('github_comments', 'partition_date', 'github_comments_partition_idx'),
            ('github_deployments', 'partition_date', 'github_deployments_partition_idx'),
            ('github_members', 'org', 'github_members_org_idx'),
            ('github_repositories', 'org', 'github_repositories_org_idx'),
            ('copilot_seats', 'org', 'copilot_seats_org_idx')
        ) AS t(table_name, partition_column, old_index)
    LOOP
        EXECUTE format(
            'DELETE FROM raw.%1$I AS r WHERE r.fetched_at < '
            '(SELECT max(n.fetched_at) FROM raw.%1$I AS n WHERE n.%2$I = r.%2$I)',
            spec.table_name, spec.partition_column
        );
        EXECUTE format('ALTER TABLE raw.%I ADD COLUMN IF NOT EXISTS partition_row integer', spec.table_name);
        EXECUTE format(
            'UPDATE raw.%1$I AS r SET partition_row = n.position FROM ('
            '  SELECT ctid AS row_ctid, row_number() OVER (PARTITION BY %2$I ORDER BY ctid) AS position'
            '  FROM raw.%1$I) AS n '
            'WHERE r.ctid = n.row_ctid AND r.partition_row IS NULL',
            spec.table_name, spec.partition_column
        );
        EXECUTE format('ALTER TABLE raw.%I ALTER COLUMN partition_row SET NOT NULL', spec.table_name);
        EXECUTE format(
            'CREATE UNIQUE INDEX IF NOT EXISTS %1$I ON raw.%2$I (%3$I, partition_row)',
            spec.table_name || '_key', spec.table_name, spec.partition_column
        );
        -- the key leads with the partition column: the old partition index only slowed writes down
        EXECUTE format('DROP INDEX IF EXISTS raw.%I', spec.old_index);
    END LOOP;
END
$$;

-- Copilot reports are partitioned by (kind, org, day) and already number their lines.
DELETE FROM raw.copilot_usage_reports AS r
WHERE r.fetched_at < (
    SELECT max(n.fetched_at) FROM raw.copilot_usage_reports AS n
    WHERE n.report_kind = r.report_kind AND n.org = r.org AND n.partition_date = r.partition_date
);
CREATE UNIQUE INDEX IF NOT EXISTS copilot_usage_reports_key
    ON raw.copilot_usage_reports (report_kind, org, partition_date, line_number);
DROP INDEX IF EXISTS raw.copilot_usage_reports_partition_idx;

-- Indexes for the daily steps and the models (docs/performance.md shows the plans). ---------------------
-- processing.pr_ai_detection and pr_llm_summaries read one day's pull requests
CREATE INDEX IF NOT EXISTS stg_github_pull_requests_partition_idx
    ON staging.github_pull_requests (partition_date);
-- int_pr_deployments and the deployments mart join deployed commits to merge commits
CREATE INDEX IF NOT EXISTS stg_github_pull_requests_merge_commit_idx
    ON staging.github_pull_requests (merge_commit_sha, repo_full_name);
-- commits after the first review, review rounds, the LLM prompt's commit order: commits of a PR by time
CREATE INDEX IF NOT EXISTS stg_github_pr_commits_pr_committed_idx
    ON staging.github_pr_commits (pr_id, committed_at);
-- BI tools join the child marts to analytics.pull_requests on pr_id …
CREATE INDEX IF NOT EXISTS pr_reviews_pr_idx ON analytics.pr_reviews (pr_id);
CREATE INDEX IF NOT EXISTS pr_comments_pr_idx ON analytics.pr_comments (pr_id);
CREATE INDEX IF NOT EXISTS pr_check_runs_pr_idx ON analytics.pr_check_runs (pr_id);
-- … and filter pull requests, commits and deployments by time and repository
CREATE INDEX IF NOT EXISTS pull_requests_created_idx ON analytics.pull_requests (created_at);
CREATE INDEX IF NOT EXISTS pull_requests_merged_idx ON analytics.pull_requests (merged_at);
CREATE INDEX IF NOT EXISTS pull_requests_repository_idx ON analytics.pull_requests (repository, created_at);
CREATE INDEX IF NOT EXISTS commits_committed_idx ON analytics.commits (committed_at);
CREATE INDEX IF NOT EXISTS deployments_repository_idx ON analytics.deployments (repository, created_at);
