-- analytics.dora_weekly and analytics.dora_monthly: the four DORA metrics per period and organisation,
-- repository or team, with their DORA 2024 performance bands (docs/metrics.md).
CREATE TABLE IF NOT EXISTS analytics.dora_weekly (
    week_start date NOT NULL,
    grain text NOT NULL,
    grain_key text NOT NULL,
    deployments integer NOT NULL,
    deployment_days integer NOT NULL,
    changes_deployed integer NOT NULL,
    lead_time_median_hours numeric(12, 2),
    lead_time_p75_hours numeric(12, 2),
    failed_deployments integer NOT NULL,
    change_failure_rate numeric(6, 4),
    recovered_deployments integer NOT NULL,
    recovery_median_hours numeric(12, 2),
    deployment_frequency_band text NOT NULL,
    lead_time_band text,
    change_failure_band text,
    recovery_band text,
    PRIMARY KEY (week_start, grain, grain_key)
);
CREATE INDEX IF NOT EXISTS dora_weekly_grain_idx ON analytics.dora_weekly (grain, grain_key, week_start);
COMMENT ON TABLE analytics.dora_weekly IS 'DORA metrics per ISO week (Monday start, UTC) for each organisation, repository and team: deployment frequency, lead time for changes, change failure rate, failed-deployment recovery time, and their DORA 2024 bands. Every period from the first to the last with data has a row per grain key. See docs/metrics.md.';
COMMENT ON COLUMN analytics.dora_weekly.week_start IS 'The Monday (UTC) the ISO week starts.';
COMMENT ON COLUMN analytics.dora_weekly.grain IS 'organisation, repository or team.';
COMMENT ON COLUMN analytics.dora_weekly.grain_key IS 'The organisation login, the repository (owner/name) or the team_key (analytics.teams).';
COMMENT ON COLUMN analytics.dora_weekly.deployments IS 'Successful production deployments in the period, from every source (deployment frequency).';
COMMENT ON COLUMN analytics.dora_weekly.deployment_days IS 'UTC days of the period with at least one successful production deployment.';
COMMENT ON COLUMN analytics.dora_weekly.changes_deployed IS 'Pull requests (bots excluded) whose first production deployment was in the period and whose lead time is known.';
COMMENT ON COLUMN analytics.dora_weekly.lead_time_median_hours IS 'Median lead time for changes: first commit to the first successful production deployment shipping it, in hours.';
COMMENT ON COLUMN analytics.dora_weekly.lead_time_p75_hours IS '75th percentile of that lead time, in hours.';
COMMENT ON COLUMN analytics.dora_weekly.failed_deployments IS 'Deployments of the period followed within the change-failure window by an incident attributed to them.';
COMMENT ON COLUMN analytics.dora_weekly.change_failure_rate IS 'failed_deployments / deployments (0 to 1); NULL without deployments.';
COMMENT ON COLUMN analytics.dora_weekly.recovered_deployments IS 'Failed deployments of the period whose incidents are all resolved.';
COMMENT ON COLUMN analytics.dora_weekly.recovery_median_hours IS 'Median failed-deployment recovery time: hours from the failed deployment to the resolution of its last incident.';
COMMENT ON COLUMN analytics.dora_weekly.deployment_frequency_band IS 'DORA 2024 band of deployment frequency: elite, high, medium or low (docs/metrics.md).';
COMMENT ON COLUMN analytics.dora_weekly.lead_time_band IS 'DORA 2024 band of the median lead time; NULL without changes.';
COMMENT ON COLUMN analytics.dora_weekly.change_failure_band IS 'DORA 2024 band of the change failure rate; NULL without deployments.';
COMMENT ON COLUMN analytics.dora_weekly.recovery_band IS 'DORA 2024 band of the median recovery time; NULL without recovered failures.';

-- the same columns, keys, indexes and comments, by calendar month
CREATE TABLE IF NOT EXISTS analytics.dora_monthly (LIKE analytics.dora_weekly INCLUDING ALL);
ALTER TABLE analytics.dora_monthly RENAME COLUMN week_start TO month_start;
COMMENT ON TABLE analytics.dora_monthly IS 'DORA metrics per calendar month (UTC) for each organisation, repository and team: deployment frequency, lead time for changes, change failure rate, failed-deployment recovery time, and their DORA 2024 bands. Every period from the first to the last with data has a row per grain key. See docs/metrics.md.';
COMMENT ON COLUMN analytics.dora_monthly.month_start IS 'The first day of the calendar month (UTC).';
