SELECT
    s.sprint_id,
    s.board_id,
    s.board_name,
    s.board_project_key AS project_key,
    s.name,
    s.state,
    s.goal,
    s.start_at,
    s.end_at,
    s.complete_at,
    (SELECT count(*) FROM {{ source('staging', 'jira_sprint_issues') }} AS si
     WHERE si.sprint_id = s.sprint_id)::integer AS issue_count
FROM {{ source('staging', 'jira_sprints') }} AS s
