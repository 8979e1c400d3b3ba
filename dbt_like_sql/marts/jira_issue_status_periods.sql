-- Status periods from the changelog: the status at creation (the first change's "from", or the current
-- status when it never changed), then one period per status change. Categories come from the site's status
-- list (staging.jira_statuses), else from issues currently in the status; they are trusted over names. The
-- current period runs to the issue's last fetch.
WITH status_categories AS (
    SELECT DISTINCT ON (status_id) status_id, status_category
    FROM (
        SELECT status_id, status_category, 0 AS preference, NULL::timestamptz AS seen_at
        FROM {{ source('staging', 'jira_statuses') }}
        WHERE status_category IS NOT NULL
        UNION ALL
        SELECT status_id, status_category, 1, updated_at
        FROM {{ source('staging', 'jira_issues') }}
        WHERE status_id IS NOT NULL AND status_category IS NOT NULL
    ) AS known
    ORDER BY status_id, preference, seen_at DESC
),
changes AS (
    SELECT
        issue_id, changed_at, from_value, from_string, to_value, to_string,
        row_number() OVER (PARTITION BY issue_id ORDER BY changed_at, history_id, item_index) AS n
    FROM {{ source('staging', 'jira_issue_changes') }}
    WHERE change_kind = 'status'
),
periods AS (
    SELECT
        i.issue_id,
        0 AS n,
        i.created_at AS started_at,
        coalesce(first_change.from_value, i.status_id) AS status_id,
        coalesce(first_change.from_string, i.status) AS status
    FROM {{ source('staging', 'jira_issues') }} AS i
    LEFT JOIN changes AS first_change ON first_change.issue_id = i.issue_id AND first_change.n = 1
    WHERE i.created_at IS NOT NULL
    UNION ALL
    SELECT issue_id, n::integer, changed_at, to_value, to_string FROM changes
),
bounded AS (
    SELECT p.*, lead(p.started_at) OVER (PARTITION BY p.issue_id ORDER BY p.n) AS ended_at
    FROM periods AS p
)
SELECT
    b.issue_id,
    i.issue_key,
    b.n AS period_index,
    b.status_id,
    b.status,
    CASE WHEN b.ended_at IS NULL THEN i.status_category ELSE c.status_category END AS status_category,
    b.started_at,
    b.ended_at,
    b.ended_at IS NULL AS is_current,
    {{ hours_between('b.started_at', 'coalesce(b.ended_at, greatest(i.fetched_at, b.started_at))') }} AS hours
FROM bounded AS b
JOIN {{ source('staging', 'jira_issues') }} AS i ON i.issue_id = b.issue_id
LEFT JOIN status_categories AS c ON c.status_id = b.status_id
