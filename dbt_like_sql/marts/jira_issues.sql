WITH periods AS (
    SELECT * FROM {{ ref('jira_issue_status_periods') }} AS p
),
status_hours AS (
    SELECT issue_id, jsonb_object_agg(status, hours ORDER BY status) AS hours
    FROM (
        SELECT issue_id, status, sum(hours) AS hours
        FROM periods
        WHERE status IS NOT NULL
        GROUP BY issue_id, status
    ) AS per_status
    GROUP BY issue_id
),
summary AS (
    SELECT
        p.issue_id,
        min(p.started_at) FILTER (WHERE p.status_category = 'indeterminate') AS first_in_progress_at,
        max(p.started_at) FILTER (WHERE p.is_current AND p.status_category = 'done') AS done_at,
        sum(p.hours) FILTER (WHERE p.status_category = 'new') AS todo_hours,
        sum(p.hours) FILTER (WHERE p.status_category = 'indeterminate') AS in_progress_hours,
        count(*) FILTER (WHERE p.previous_category = 'done' AND p.status_category <> 'done') AS reopen_count
    FROM (
        SELECT periods.*,
            lag(status_category) OVER (PARTITION BY issue_id ORDER BY period_index) AS previous_category
        FROM periods
    ) AS p
    GROUP BY p.issue_id
),
sprint_names AS (
    SELECT i.issue_id, array_agg(coalesce(s.name, ids.sprint_id::text) ORDER BY ids.position) AS names
    FROM {{ source('staging', 'jira_issues') }} AS i
    CROSS JOIN LATERAL unnest(i.sprint_ids) WITH ORDINALITY AS ids(sprint_id, position)
    LEFT JOIN {{ source('staging', 'jira_sprints') }} AS s ON s.sprint_id = ids.sprint_id
    GROUP BY i.issue_id
)
SELECT
    i.issue_id,
    i.issue_key,
    i.previous_keys,
    i.site || '/browse/' || i.issue_key AS url,
    i.project_key,
    i.issue_type,
    i.summary,
    i.status,
    i.status_category,
    i.priority,
    i.resolution,
    i.assignee_account_id,
    assignee.display_name AS assignee_name,
    assignee.member_id AS assignee_member_id,
    i.reporter_account_id,
    reporter.display_name AS reporter_name,
    i.story_points,
    i.parent_key,
    CASE
        WHEN i.parent_issue_type_level = 1 THEN i.parent_key
        WHEN parent.parent_issue_type_level = 1 THEN parent.parent_key
    END AS epic_key,
    i.sprint_ids,
    coalesce(sprint_names.names, ARRAY[]::text[]) AS sprint_names,
    i.labels,
    i.created_at,
    i.updated_at,
    i.resolved_at,
    s.first_in_progress_at,
    s.done_at,
    coalesce(s.reopen_count, 0)::integer AS reopen_count,
    s.todo_hours,
    s.in_progress_hours,
    coalesce(status_hours.hours, '{}'::jsonb) AS status_hours,
    {{ hours_between('s.first_in_progress_at', 's.done_at') }} AS cycle_time_hours,
    {{ hours_between('i.created_at', 'i.resolved_at') }} AS lead_time_hours,
    i.changelog_complete
FROM {{ source('staging', 'jira_issues') }} AS i
LEFT JOIN summary AS s ON s.issue_id = i.issue_id
LEFT JOIN sprint_names ON sprint_names.issue_id = i.issue_id
LEFT JOIN status_hours ON status_hours.issue_id = i.issue_id
LEFT JOIN {{ source('staging', 'jira_issues') }} AS parent ON parent.issue_key = i.parent_key
LEFT JOIN {{ ref('jira_users') }} AS assignee ON assignee.account_id = i.assignee_account_id
LEFT JOIN {{ ref('jira_users') }} AS reporter ON reporter.account_id = i.reporter_account_id
