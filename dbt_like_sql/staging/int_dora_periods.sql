-- The four DORA metrics per period (ISO week, Monday start, and calendar month, UTC), for each organisation,
-- repository and team, with the DORA 2024 performance band of each (docs/metrics.md). Every period from the
-- first to the last with data has a row for every organisation, repository and team: a week without
-- deployments reads 0, not nothing. analytics.dora_weekly and analytics.dora_monthly select from it.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH deployments AS (
    SELECT d.source, d.deployment_id, d.repository, d.succeeded_at AS deployed_at
    FROM {{ ref('deployments') }} AS d
    WHERE d.is_production AND d.is_successful AND d.succeeded_at IS NOT NULL
),
failures AS (
    -- a failed deployment recovers when the last of its change-failure incidents is resolved
    SELECT
        i.deployment_source AS source,
        i.deployment_id,
        CASE WHEN bool_and(i.resolved_at IS NOT NULL) THEN max(i.resolved_at) END AS recovered_at
    FROM {{ ref('incidents') }} AS i
    WHERE i.is_change_failure
    GROUP BY i.deployment_source, i.deployment_id
),
deployment_facts AS (
    SELECT
        d.*,
        f.deployment_id IS NOT NULL AS is_failed,
        {{ hours_between('d.deployed_at', 'f.recovered_at') }} AS recovery_hours
    FROM deployments AS d
    LEFT JOIN failures AS f ON f.source = d.source AND f.deployment_id = d.deployment_id
),
changes AS (
    SELECT dl.*
    FROM {{ ref('int_pr_production_deliveries') }} AS dl
    WHERE NOT dl.is_bot
),
teams_of_people AS (
    SELECT DISTINCT tm.team_key, lower(tm.github_login) AS login
    FROM {{ ref('team_memberships') }} AS tm
    WHERE tm.github_login IS NOT NULL
),
deployment_teams AS (
    -- a team's deployments are those that shipped a pull request of one of its members
    SELECT DISTINCT c.source, c.deployment_id, t.team_key
    FROM changes AS c
    JOIN teams_of_people AS t ON t.login = lower(c.author_login)
),
deployment_grains AS (
    SELECT 'organisation' AS grain, split_part(d.repository, '/', 1) AS grain_key, d.*
    FROM deployment_facts AS d
    UNION ALL
    SELECT 'repository', d.repository, d.*
    FROM deployment_facts AS d
    UNION ALL
    SELECT 'team', t.team_key, d.*
    FROM deployment_facts AS d
    JOIN deployment_teams AS t ON t.source = d.source AND t.deployment_id = d.deployment_id
),
change_grains AS (
    SELECT 'organisation' AS grain, split_part(c.repository, '/', 1) AS grain_key, c.deployed_at, c.lead_time_hours
    FROM changes AS c
    UNION ALL
    SELECT 'repository', c.repository, c.deployed_at, c.lead_time_hours
    FROM changes AS c
    UNION ALL
    SELECT 'team', t.team_key, c.deployed_at, c.lead_time_hours
    FROM changes AS c
    JOIN teams_of_people AS t ON t.login = lower(c.author_login)
),
bounds AS (
    SELECT min(at) AS first_at, max(at) AS last_at
    FROM (
        SELECT deployed_at AS at FROM deployments
        UNION ALL
        SELECT deployed_at FROM changes
    ) AS events
),
periods AS (
    SELECT
        'week' AS period_kind,
        week::date AS period_start,
        7 AS period_days
    FROM bounds AS b,
        generate_series(
            date_trunc('week', b.first_at AT TIME ZONE 'UTC'),
            date_trunc('week', b.last_at AT TIME ZONE 'UTC'),
            interval '1 week'
        ) AS week
    UNION ALL
    SELECT
        'month',
        month::date,
        extract(DAY FROM month + interval '1 month' - interval '1 day')::integer
    FROM bounds AS b,
        generate_series(
            date_trunc('month', b.first_at AT TIME ZONE 'UTC'),
            date_trunc('month', b.last_at AT TIME ZONE 'UTC'),
            interval '1 month'
        ) AS month
),
grain_keys AS (
    SELECT grain, grain_key FROM deployment_grains
    UNION
    SELECT grain, grain_key FROM change_grains
    UNION
    SELECT 'team', team_key FROM teams_of_people
),
deployment_stats AS (
    SELECT
        p.period_kind,
        p.period_start,
        d.grain,
        d.grain_key,
        count(*) AS deployments,
        count(DISTINCT (d.deployed_at AT TIME ZONE 'UTC')::date) AS deployment_days,
        count(*) FILTER (WHERE d.is_failed) AS failed_deployments,
        count(d.recovery_hours) FILTER (WHERE d.is_failed) AS recovered_deployments,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY d.recovery_hours) FILTER (WHERE d.is_failed)
            AS recovery_median_hours
    FROM deployment_grains AS d
    JOIN periods AS p
        ON (d.deployed_at AT TIME ZONE 'UTC')::date >= p.period_start
        AND (d.deployed_at AT TIME ZONE 'UTC')::date < p.period_start + p.period_days
    GROUP BY p.period_kind, p.period_start, d.grain, d.grain_key
),
change_stats AS (
    SELECT
        p.period_kind,
        p.period_start,
        c.grain,
        c.grain_key,
        count(c.lead_time_hours) AS changes_deployed,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY c.lead_time_hours) AS lead_time_median_hours,
        percentile_cont(0.75) WITHIN GROUP (ORDER BY c.lead_time_hours) AS lead_time_p75_hours
    FROM change_grains AS c
    JOIN periods AS p
        ON (c.deployed_at AT TIME ZONE 'UTC')::date >= p.period_start
        AND (c.deployed_at AT TIME ZONE 'UTC')::date < p.period_start + p.period_days
    GROUP BY p.period_kind, p.period_start, c.grain, c.grain_key
),
metrics AS (
    SELECT
        p.period_kind,
        p.period_start,
        p.period_days,
        k.grain,
        k.grain_key,
        coalesce(ds.deployments, 0) AS deployments,
        coalesce(ds.deployment_days, 0) AS deployment_days,
        coalesce(cs.changes_deployed, 0) AS changes_deployed,
        round(cs.lead_time_median_hours::numeric, 2) AS lead_time_median_hours,
        round(cs.lead_time_p75_hours::numeric, 2) AS lead_time_p75_hours,
        coalesce(ds.failed_deployments, 0) AS failed_deployments,
        round(ds.failed_deployments::numeric / nullif(ds.deployments, 0), 4) AS change_failure_rate,
        coalesce(ds.recovered_deployments, 0) AS recovered_deployments,
        round(ds.recovery_median_hours::numeric, 2) AS recovery_median_hours
    FROM periods AS p
    CROSS JOIN grain_keys AS k
    LEFT JOIN deployment_stats AS ds
        ON ds.period_kind = p.period_kind AND ds.period_start = p.period_start
        AND ds.grain = k.grain AND ds.grain_key = k.grain_key
    LEFT JOIN change_stats AS cs
        ON cs.period_kind = p.period_kind AND cs.period_start = p.period_start
        AND cs.grain = k.grain AND cs.grain_key = k.grain_key
)
SELECT
    m.*,
    CASE
        WHEN m.deployment_days * 7.0 / m.period_days >= 5 THEN 'elite'
        WHEN m.deployment_days * 7.0 / m.period_days >= 1 THEN 'high'
        WHEN m.deployment_days * 31.0 / m.period_days >= 1 THEN 'medium'
        ELSE 'low'
    END AS deployment_frequency_band,
    CASE
        WHEN m.lead_time_median_hours IS NULL THEN NULL
        WHEN m.lead_time_median_hours < 24 THEN 'elite'
        WHEN m.lead_time_median_hours < 168 THEN 'high'
        WHEN m.lead_time_median_hours < 720 THEN 'medium'
        ELSE 'low'
    END AS lead_time_band,
    CASE
        WHEN m.change_failure_rate IS NULL THEN NULL
        WHEN m.change_failure_rate <= 0.05 THEN 'elite'
        WHEN m.change_failure_rate <= 0.10 THEN 'high'
        WHEN m.change_failure_rate <= 0.20 THEN 'medium'
        ELSE 'low'
    END AS change_failure_band,
    CASE
        WHEN m.recovery_median_hours IS NULL THEN NULL
        WHEN m.recovery_median_hours < 1 THEN 'elite'
        WHEN m.recovery_median_hours < 24 THEN 'high'
        WHEN m.recovery_median_hours < 168 THEN 'medium'
        ELSE 'low'
    END AS recovery_band
FROM metrics AS m
