-- Sprint scope and completion as Jira's sprint report counts them: the commitment is what was in the sprint
-- when it started (estimates as they were then), scope added is what joined later, completion is the status
-- category at the sprint's completion (now for an active sprint); sub-tasks are left out, as Jira's sprint
-- report and velocity chart leave them out. See docs/metrics.md.
WITH sprints AS (
    SELECT sprint_id, name, board_id, board_project_key, state, start_at, complete_at,
        coalesce(complete_at, 'infinity'::timestamptz) AS close_at
    FROM {{ source('staging', 'jira_sprints') }}
    WHERE start_at IS NOT NULL AND state IN ('active', 'closed')
),
members AS (
    SELECT
        si.sprint_id, si.issue_id, si.added_at, si.removed_at, s.start_at, s.close_at, s.state,
        si.added_at <= s.start_at AND (si.removed_at IS NULL OR si.removed_at > s.start_at) AS committed,
        si.added_at > s.start_at AND si.added_at <= s.close_at AS added,
        si.removed_at > s.start_at AND si.removed_at <= s.close_at AS removed,
        si.added_at <= s.close_at AND (si.removed_at IS NULL OR si.removed_at > s.close_at) AS in_at_close
    FROM {{ source('staging', 'jira_sprint_issues') }} AS si
    JOIN sprints AS s ON s.sprint_id = si.sprint_id
    JOIN {{ source('staging', 'jira_issues') }} AS i ON i.issue_id = si.issue_id
    WHERE coalesce(i.issue_type_level, 0) >= 0  -- sub-tasks follow their parent: Jira's reports skip them
),
points_changes AS (
    SELECT issue_id, changed_at,
        CASE WHEN from_string ~ '^\s*[0-9]+([.,][0-9]+)?\s*$'
            THEN replace(btrim(from_string), ',', '.')::numeric END AS points_before,
        lag(changed_at) OVER (PARTITION BY issue_id ORDER BY changed_at, history_id, item_index) AS previous_at
    FROM {{ source('staging', 'jira_issue_changes') }}
    WHERE change_kind = 'story_points'
),
-- The estimate in force over time: each change's "from" until that change, the current value after the last.
points_periods AS (
    SELECT issue_id, points_before AS points, coalesce(previous_at, '-infinity') AS valid_from,
        changed_at AS valid_to
    FROM points_changes
    UNION ALL
    SELECT i.issue_id, i.story_points, coalesce(max(pc.changed_at), '-infinity'), 'infinity'
    FROM {{ source('staging', 'jira_issues') }} AS i
    LEFT JOIN points_changes AS pc ON pc.issue_id = i.issue_id
    GROUP BY i.issue_id, i.story_points
),
measured AS (
    SELECT
        m.*,
        at_start.points AS start_points,
        at_added.points AS added_points,
        at_close.points AS close_points,
        close_status.status_category AS close_category,
        EXISTS (
            SELECT 1
            FROM {{ source('staging', 'jira_sprint_issues') }} AS later
            JOIN {{ source('staging', 'jira_sprints') }} AS ls ON ls.sprint_id = later.sprint_id
            WHERE later.issue_id = m.issue_id AND later.sprint_id <> m.sprint_id
              AND later.added_at >= m.start_at AND (ls.start_at IS NULL OR ls.start_at > m.start_at)
        ) AS in_later_sprint
    FROM members AS m
    LEFT JOIN points_periods AS at_start ON at_start.issue_id = m.issue_id
        AND m.start_at >= at_start.valid_from AND (m.start_at < at_start.valid_to OR at_start.valid_to = 'infinity')
    LEFT JOIN points_periods AS at_added ON at_added.issue_id = m.issue_id
        AND m.added_at >= at_added.valid_from AND (m.added_at < at_added.valid_to OR at_added.valid_to = 'infinity')
    LEFT JOIN points_periods AS at_close ON at_close.issue_id = m.issue_id
        AND m.close_at >= at_close.valid_from AND (m.close_at < at_close.valid_to OR at_close.valid_to = 'infinity')
    LEFT JOIN LATERAL (
        SELECT p.status_category
        FROM {{ ref('jira_issue_status_periods') }} AS p
        WHERE p.issue_id = m.issue_id AND p.started_at <= m.close_at
          AND (p.ended_at IS NULL OR p.ended_at > m.close_at)
        ORDER BY p.period_index DESC
        LIMIT 1
    ) AS close_status ON true
),
totals AS (
    SELECT
        sprint_id,
        count(*) FILTER (WHERE committed) AS committed_issues,
        coalesce(sum(start_points) FILTER (WHERE committed), 0) AS committed_points,
        count(*) FILTER (WHERE added) AS added_issues,
        coalesce(sum(added_points) FILTER (WHERE added), 0) AS added_points,
        count(*) FILTER (WHERE removed) AS removed_issues,
        count(*) FILTER (WHERE in_at_close AND close_category = 'done') AS completed_issues,
        coalesce(sum(close_points) FILTER (WHERE in_at_close AND close_category = 'done'), 0) AS completed_points,
        count(*) FILTER (WHERE committed AND in_at_close AND close_category = 'done') AS completed_committed_issues,
        count(*) FILTER (WHERE in_at_close AND close_category IS DISTINCT FROM 'done') AS not_completed_issues,
        count(*) FILTER (
            WHERE state = 'closed' AND in_at_close AND close_category IS DISTINCT FROM 'done' AND in_later_sprint
        ) AS carried_over_issues,
        coalesce(sum(close_points) FILTER (
            WHERE state = 'closed' AND in_at_close AND close_category IS DISTINCT FROM 'done' AND in_later_sprint
        ), 0) AS carried_over_points
    FROM measured
    GROUP BY sprint_id
)
SELECT
    s.sprint_id,
    s.name,
    s.board_id,
    s.board_project_key AS project_key,
    s.state,
    s.start_at,
    s.complete_at,
    coalesce(t.committed_issues, 0)::integer AS committed_issues,
    coalesce(t.committed_points, 0) AS committed_points,
    coalesce(t.added_issues, 0)::integer AS added_issues,
    coalesce(t.added_points, 0) AS added_points,
    coalesce(t.removed_issues, 0)::integer AS removed_issues,
    coalesce(t.completed_issues, 0)::integer AS completed_issues,
    coalesce(t.completed_points, 0) AS completed_points,
    coalesce(t.completed_committed_issues, 0)::integer AS completed_committed_issues,
    coalesce(t.not_completed_issues, 0)::integer AS not_completed_issues,
    coalesce(t.carried_over_issues, 0)::integer AS carried_over_issues,
    coalesce(t.carried_over_points, 0) AS carried_over_points,
    round(t.completed_points / nullif(t.committed_points, 0), 4) AS completion_ratio,
    round(t.completed_committed_issues::numeric / nullif(t.committed_issues, 0), 4) AS issue_completion_ratio
FROM sprints AS s
LEFT JOIN totals AS t ON t.sprint_id = s.sprint_id
