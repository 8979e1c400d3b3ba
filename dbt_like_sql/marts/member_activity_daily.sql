-- A member's activity per UTC day (docs/metrics.md, "Member activity"): one row per person (a human GitHub
-- login; bots and deleted accounts are left out) and day with at least one of the counted actions.
WITH events AS (
    SELECT p.author_login AS login, p.created_at::date AS activity_date, 'prs_opened' AS kind
    FROM {{ ref('pull_requests') }} AS p
    WHERE NOT p.is_bot AND p.created_at IS NOT NULL
    UNION ALL
    SELECT p.author_login, p.merged_at::date, 'prs_merged'
    FROM {{ ref('pull_requests') }} AS p
    WHERE NOT p.is_bot AND p.merged_at IS NOT NULL
    UNION ALL
    SELECT r.reviewer_login, r.submitted_at::date, 'reviews'
    FROM {{ ref('pr_reviews') }} AS r
    WHERE NOT r.reviewer_is_bot AND NOT r.is_self_review AND r.submitted_at IS NOT NULL
    UNION ALL
    SELECT c.author_login, c.created_at::date, CASE WHEN c.comment_kind = 'review' THEN 'review_comments' ELSE 'pr_comments' END
    FROM {{ ref('pr_comments') }} AS c
    WHERE NOT c.author_is_bot
    UNION ALL
    SELECT m.author_login, m.authored_at::date, 'commits'
    FROM (
        SELECT DISTINCT ON (k.sha) k.author_login, k.authored_at
        FROM {{ ref('commits') }} AS k
        ORDER BY k.sha, k.authored_at
    ) AS m
    WHERE m.authored_at IS NOT NULL
    UNION ALL
    SELECT i.author_login, i.created_at::date, 'issues_opened'
    FROM {{ ref('github_issues') }} AS i
    WHERE NOT i.author_is_bot
    UNION ALL
    SELECT i.closed_by_login, i.closed_at::date, 'issues_closed'
    FROM {{ ref('github_issues') }} AS i
    WHERE i.state = 'closed' AND i.closed_at IS NOT NULL
    UNION ALL
    SELECT c.author_login, c.created_at::date, 'issue_comments'
    FROM {{ source('staging', 'github_issue_comments') }} AS c
    WHERE NOT c.author_is_bot
    UNION ALL
    SELECT d.author_login, d.created_at::date, 'discussions_opened'
    FROM {{ ref('github_discussions') }} AS d
    WHERE NOT d.author_is_bot
    UNION ALL
    SELECT c.author_login, c.created_at::date, 'discussion_comments'
    FROM {{ source('staging', 'github_discussion_comments') }} AS c
    WHERE NOT c.author_is_bot
),
counted AS (
    SELECT
        e.login,
        e.activity_date,
        count(*) FILTER (WHERE e.kind = 'prs_opened') AS prs_opened,
        count(*) FILTER (WHERE e.kind = 'prs_merged') AS prs_merged,
        count(*) FILTER (WHERE e.kind = 'reviews') AS reviews,
        count(*) FILTER (WHERE e.kind = 'review_comments') AS review_comments,
        count(*) FILTER (WHERE e.kind = 'pr_comments') AS pr_comments,
        count(*) FILTER (WHERE e.kind = 'commits') AS commits,
        count(*) FILTER (WHERE e.kind = 'issues_opened') AS issues_opened,
        count(*) FILTER (WHERE e.kind = 'issues_closed') AS issues_closed,
        count(*) FILTER (WHERE e.kind = 'issue_comments') AS issue_comments,
        count(*) FILTER (WHERE e.kind = 'discussions_opened') AS discussions_opened,
        count(*) FILTER (WHERE e.kind = 'discussion_comments') AS discussion_comments,
        count(*) AS total_actions
    FROM events AS e
    WHERE e.login IS NOT NULL AND e.login NOT LIKE '%[bot]'
    GROUP BY e.login, e.activity_date
)
SELECT
    c.activity_date,
    c.login AS github_login,
    m.member_id,
    c.prs_opened,
    c.prs_merged,
    c.reviews,
    c.review_comments,
    c.pr_comments,
    c.commits,
    c.issues_opened,
    c.issues_closed,
    c.issue_comments,
    c.discussions_opened,
    c.discussion_comments,
    c.total_actions
FROM counted AS c
LEFT JOIN {{ ref('team_members') }} AS m ON m.github_login = c.login
