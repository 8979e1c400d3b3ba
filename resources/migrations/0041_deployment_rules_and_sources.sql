-- The DORA settings as tables the SQL models read (written by processing/dora_settings from the environment),
-- and analytics.deployments from three sources: the Deployments API, workflow runs and releases.
CREATE TABLE IF NOT EXISTS processing.deployment_rules (
    rule_index          integer PRIMARY KEY,
    source              text    NOT NULL,
    repos               text    NOT NULL,
    pattern             text    NOT NULL,
    branch              text,
    repo_regex          text    NOT NULL,
    pattern_regex       text    NOT NULL,
    branch_regex        text,
    environment         text    NOT NULL,
    is_production       boolean NOT NULL,
    include_prereleases boolean NOT NULL
);
COMMENT ON TABLE processing.deployment_rules IS 'Which workflow runs and releases are deployments (DEXXY_DEPLOYMENT_RULES), one row per rule; the first matching rule wins.';
COMMENT ON COLUMN processing.deployment_rules.rule_index IS 'Position of the rule in DEXXY_DEPLOYMENT_RULES, from 0: earlier rules win.';
COMMENT ON COLUMN processing.deployment_rules.source IS 'workflow_run or release.';
COMMENT ON COLUMN processing.deployment_rules.repos IS 'Glob on owner/name, as configured.';
COMMENT ON COLUMN processing.deployment_rules.pattern IS 'Glob on the workflow name or path (workflow_run), or on the tag (release), as configured.';
COMMENT ON COLUMN processing.deployment_rules.branch IS 'Glob on the run''s head branch; NULL: any branch.';
COMMENT ON COLUMN processing.deployment_rules.repo_regex IS 'repos as an anchored case-insensitive regex (~*).';
COMMENT ON COLUMN processing.deployment_rules.pattern_regex IS 'pattern as an anchored case-insensitive regex (~*).';
COMMENT ON COLUMN processing.deployment_rules.branch_regex IS 'branch as an anchored case-insensitive regex (~*); NULL: any branch.';
COMMENT ON COLUMN processing.deployment_rules.environment IS 'Environment a match deploys to.';
COMMENT ON COLUMN processing.deployment_rules.is_production IS 'True when that environment is production (production, prod, live, prd).';
COMMENT ON COLUMN processing.deployment_rules.include_prereleases IS 'Release rules: whether pre-releases count (drafts never do).';

CREATE TABLE IF NOT EXISTS processing.dora_settings (
    settings_key                text PRIMARY KEY,
    incident_issue_types        text[]  NOT NULL,
    incident_labels             text[]  NOT NULL,
    change_failure_window_hours numeric NOT NULL,
    settings_version            text    NOT NULL
);
COMMENT ON TABLE processing.dora_settings IS 'The DORA settings in effect (one row): what counts as an incident and the change-failure window.';
COMMENT ON COLUMN processing.dora_settings.settings_key IS 'Always ''current''.';
COMMENT ON COLUMN processing.dora_settings.incident_issue_types IS 'Jira issue types that are incidents, lower case (DEXXY_INCIDENT_ISSUE_TYPES).';
COMMENT ON COLUMN processing.dora_settings.incident_labels IS 'Jira labels that make an issue an incident, lower case (DEXXY_INCIDENT_LABELS).';
COMMENT ON COLUMN processing.dora_settings.change_failure_window_hours IS 'An incident starting this many hours or fewer after a deployment makes it a failed deployment (DEXXY_CHANGE_FAILURE_WINDOW_HOURS).';
COMMENT ON COLUMN processing.dora_settings.settings_version IS 'Digest of the settings and rules: the code version of processing/dora_settings.';

ALTER TABLE analytics.deployments ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'deployments_api';
ALTER TABLE analytics.deployments ALTER COLUMN source DROP DEFAULT;
ALTER TABLE analytics.deployments DROP CONSTRAINT IF EXISTS deployments_pkey;
ALTER TABLE analytics.deployments ADD CONSTRAINT deployments_pkey PRIMARY KEY (source, deployment_id);
COMMENT ON TABLE analytics.deployments IS 'Deployments from three sources (column source): the Deployments API, GitHub Actions workflow runs and releases that DEXXY_DEPLOYMENT_RULES names; with outcome and change set. See docs/metrics.md.';
COMMENT ON COLUMN analytics.deployments.source IS 'deployments_api, workflow_run or release; (source, deployment_id) is the key.';
COMMENT ON COLUMN analytics.deployments.deployment_id IS 'GitHub id of the deployment, the workflow run or the release (unique within its source).';
COMMENT ON COLUMN analytics.deployments.environment IS 'Environment name as sent by the deploy tool, or the matching rule''s environment.';
COMMENT ON COLUMN analytics.deployments.sha IS 'Commit deployed (the run''s head commit; NULL for releases).';
COMMENT ON COLUMN analytics.deployments.ref IS 'Ref deployed: branch or tag (a run''s branch, a release''s tag).';
COMMENT ON COLUMN analytics.deployments.latest_state IS 'success, failure, error, inactive, in_progress, queued, pending (a run''s conclusion mapped: see docs/metrics.md).';
COMMENT ON COLUMN analytics.deployments.succeeded_at IS 'When it first reported success (a run: when it finished; a release: when it was published).';
COMMENT ON COLUMN analytics.deployments.previous_deployment_id IS 'The previous successful deployment of the same repository, environment and source.';
COMMENT ON COLUMN analytics.deployments.commits_count IS 'Commits in its change set; NULL when unknown (the first deployment ever, not successful, or a workflow run or release).';
COMMENT ON COLUMN analytics.deployments.pull_requests_count IS 'Pull requests it shipped: merge commit in its change set (Deployments API), or merged into its branch since the previous successful one (workflow runs, releases).';
