-- analytics.incidents: what DORA's change failure rate and failed-deployment recovery time count.
CREATE TABLE IF NOT EXISTS analytics.incidents (
    incident_id            text PRIMARY KEY,
    source                 text        NOT NULL,
    repository             text,
    title                  text,
    url                    text,
    jira_key               text,
    pr_id                  bigint,
    started_at             timestamptz NOT NULL,
    resolved_at            timestamptz,
    deployment_source      text,
    deployment_id          bigint,
    deployed_at            timestamptz,
    hours_after_deployment numeric(12, 2),
    is_change_failure      boolean     NOT NULL,
    time_to_resolve_hours  numeric(12, 2),
    recovery_hours         numeric(12, 2)
);
CREATE INDEX IF NOT EXISTS incidents_deployment_idx ON analytics.incidents (deployment_source, deployment_id);
CREATE INDEX IF NOT EXISTS incidents_repository_idx ON analytics.incidents (repository, started_at);
COMMENT ON TABLE analytics.incidents IS 'Production incidents: Jira issues of an incident type or label, and revert / hotfix pull requests of a change a production deployment shipped, each attributed to the deployment that caused it. See docs/metrics.md (DORA).';
COMMENT ON COLUMN analytics.incidents.incident_id IS 'jira:<issue id> or pr:<pull request id>.';
COMMENT ON COLUMN analytics.incidents.source IS 'jira, revert or hotfix.';
COMMENT ON COLUMN analytics.incidents.repository IS 'Repository as owner/name: the pull request''s, or for Jira the one its linked pull requests (else its project''s) belong to; NULL when unknown.';
COMMENT ON COLUMN analytics.incidents.title IS 'Jira summary or pull request title.';
COMMENT ON COLUMN analytics.incidents.url IS 'Link to the Jira issue or the pull request.';
COMMENT ON COLUMN analytics.incidents.jira_key IS 'The Jira issue (the incident, or the one the pull request names).';
COMMENT ON COLUMN analytics.incidents.pr_id IS 'The revert or hotfix pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.incidents.started_at IS 'When it began to be handled: the Jira issue''s creation, or the pull request''s.';
COMMENT ON COLUMN analytics.incidents.resolved_at IS 'Jira: resolution (else done); pull request: when it reached production. NULL while open.';
COMMENT ON COLUMN analytics.incidents.deployment_source IS 'Source of the deployment it is attributed to (deployments_api, workflow_run, release).';
COMMENT ON COLUMN analytics.incidents.deployment_id IS 'The deployment it is attributed to: the one that shipped the reverted change, or the repository''s latest successful production deployment before it started. NULL: none (e.g. an incident before any deployment).';
COMMENT ON COLUMN analytics.incidents.deployed_at IS 'When that deployment succeeded.';
COMMENT ON COLUMN analytics.incidents.hours_after_deployment IS 'Hours from that deployment to started_at.';
COMMENT ON COLUMN analytics.incidents.is_change_failure IS 'True when it started within the change-failure window (processing.dora_settings) after the deployment it is attributed to: that deployment failed.';
COMMENT ON COLUMN analytics.incidents.time_to_resolve_hours IS 'Hours from started_at to resolved_at.';
COMMENT ON COLUMN analytics.incidents.recovery_hours IS 'For a change failure: hours from the failed deployment to resolved_at (DORA''s failed-deployment recovery time).';
