-- Incidents (docs/metrics.md, DORA): Jira issues of an incident type or label, GitHub issues with an incident
-- label, and revert and hotfix pull requests of a change a production deployment shipped; each attributed to
-- the deployment that caused it.
WITH settings AS (
    SELECT * FROM {{ source('processing', 'dora_settings') }} AS s WHERE s.settings_key = 'current'
),
production AS (
    SELECT d.source, d.deployment_id, d.repository, d.succeeded_at AS deployed_at
    FROM {{ ref('deployments') }} AS d
    WHERE d.is_production AND d.is_successful AND d.succeeded_at IS NOT NULL
),
deliveries AS (
    SELECT * FROM {{ ref('int_pr_production_deliveries') }} AS dl
),
jira_incidents AS (
    SELECT i.*
    FROM {{ ref('jira_issues') }} AS i
    CROSS JOIN settings AS s
    WHERE lower(i.issue_type) = ANY(s.incident_issue_types)
       OR EXISTS (SELECT 1 FROM unnest(i.labels) AS label WHERE lower(label) = ANY(s.incident_labels))
),
jira_repository AS (
    -- the repository of pull requests linked to the incident, else the one whose pull requests link to
    -- its Jira project most often
    SELECT DISTINCT ON (j.issue_id) j.issue_id, l.repository
    FROM jira_incidents AS j
    JOIN {{ ref('pr_jira_links') }} AS l ON l.issue_id = j.issue_id OR l.project_key = j.project_key
    GROUP BY j.issue_id, l.repository
    ORDER BY j.issue_id, bool_or(l.issue_id = j.issue_id) DESC, count(*) DESC, l.repository
),
jira AS (
    SELECT
        'jira:' || j.issue_id AS incident_id,
        'jira' AS source,
        r.repository,
        j.summary AS title,
        j.url,
        j.issue_key AS jira_key,
        NULL::bigint AS pr_id,
        j.created_at AS started_at,
        coalesce(j.resolved_at, j.done_at) AS resolved_at,
        cause.source AS deployment_source,
        cause.deployment_id,
        cause.deployed_at
    FROM jira_incidents AS j
    LEFT JOIN jira_repository AS r ON r.issue_id = j.issue_id
    LEFT JOIN LATERAL (
        SELECT p.* FROM production AS p
        WHERE p.repository = r.repository AND p.deployed_at <= j.created_at
        ORDER BY p.deployed_at DESC, p.deployment_id DESC
        LIMIT 1
    ) AS cause ON true
    WHERE j.created_at IS NOT NULL
),
github AS (
    -- a GitHub issue with an incident label (analytics.github_issues.is_incident); one closed as not planned
    -- or as a duplicate was no incident of its own
    SELECT
        'github_issue:' || g.issue_node_id AS incident_id,
        'github_issue' AS source,
        g.repository,
        g.title,
        g.url,
        NULL::text AS jira_key,
        NULL::bigint AS pr_id,
        g.created_at AS started_at,
        CASE WHEN g.state = 'closed' THEN g.closed_at END AS resolved_at,
        cause.source AS deployment_source,
        cause.deployment_id,
        cause.deployed_at
    FROM {{ ref('github_issues') }} AS g
    LEFT JOIN LATERAL (
        SELECT p.* FROM production AS p
        WHERE p.repository = g.repository AND p.deployed_at <= g.created_at
        ORDER BY p.deployed_at DESC, p.deployment_id DESC
        LIMIT 1
    ) AS cause ON true
    WHERE g.is_incident AND g.state_reason IS DISTINCT FROM 'not_planned'
      AND g.state_reason IS DISTINCT FROM 'duplicate'
),
fix_prs AS (
    SELECT
        p.*,
        CASE WHEN p.is_revert THEN coalesce(
            (
                SELECT o.pr_id FROM {{ source('staging', 'github_pull_requests') }} AS o
                WHERE o.repo_full_name = p.repository
                  AND o.pr_number = substring(s.body FROM 'Reverts\s+[^\s#]*#([0-9]+)')::integer
            ),
            (
                SELECT min(o.pr_id) FROM {{ ref('pull_requests') }} AS o
                WHERE o.repository = p.repository AND p.title = 'Revert "' || o.title || '"'
            )
        ) END AS reverted_pr_id
    FROM {{ ref('pull_requests') }} AS p
    JOIN {{ source('staging', 'github_pull_requests') }} AS s ON s.pr_id = p.pr_id
    WHERE (p.is_revert OR p.is_hotfix) AND NOT p.is_bot AND p.created_at IS NOT NULL
),
fixes AS (
    -- a revert fails the deployment that shipped the reverted change (none: nothing failed in production);
    -- a hotfix repairs the repository's production deployment that preceded it
    SELECT
        'pr:' || f.pr_id AS incident_id,
        CASE WHEN f.is_revert THEN 'revert' ELSE 'hotfix' END AS source,
        f.repository,
        f.title,
        f.url,
        f.jira_key,
        f.pr_id,
        f.created_at AS started_at,
        fixed.deployed_at AS resolved_at,
        cause.source AS deployment_source,
        cause.deployment_id,
        cause.deployed_at
    FROM fix_prs AS f
    JOIN LATERAL (
        SELECT shipped.source, shipped.deployment_id, shipped.deployed_at
        FROM deliveries AS shipped
        WHERE f.is_revert AND shipped.pr_id = f.reverted_pr_id
        UNION ALL
        (
            SELECT p.source, p.deployment_id, p.deployed_at FROM production AS p
            WHERE NOT f.is_revert AND p.repository = f.repository AND p.deployed_at <= f.created_at
            ORDER BY p.deployed_at DESC, p.deployment_id DESC
            LIMIT 1
        )
    ) AS cause ON true
    LEFT JOIN deliveries AS fixed ON fixed.pr_id = f.pr_id
),
found AS (
    SELECT * FROM jira
    UNION ALL
    SELECT * FROM github
    UNION ALL
    SELECT * FROM fixes
),
scored AS (
    SELECT
        i.*,
        coalesce(
            i.deployment_id IS NOT NULL
            AND i.started_at >= i.deployed_at
            AND i.started_at <= i.deployed_at + make_interval(secs => s.change_failure_window_hours * 3600),
            false
        ) AS is_change_failure
    FROM found AS i
    CROSS JOIN settings AS s
)
SELECT
    i.incident_id,
    i.source,
    i.repository,
    i.title,
    i.url,
    i.jira_key,
    i.pr_id,
    i.started_at,
    i.resolved_at,
    i.deployment_source,
    i.deployment_id,
    i.deployed_at,
    {{ hours_between('i.deployed_at', 'i.started_at') }} AS hours_after_deployment,
    i.is_change_failure,
    {{ hours_between('i.started_at', 'i.resolved_at') }} AS time_to_resolve_hours,
    CASE WHEN i.is_change_failure THEN {{ hours_between('i.deployed_at', 'i.resolved_at') }} END AS recovery_hours
FROM scored AS i
