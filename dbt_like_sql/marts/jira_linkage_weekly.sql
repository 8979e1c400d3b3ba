-- Per repository and week: pull requests by people, how many name a Jira key, how many link to a synced issue.
-- Incremental by whole weeks: a run counts the pull requests opened in its weeks (a repository's week
-- without any has no row).
{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key=['repository', 'week_start'],
          event_time='week_start', partition_grain='week') }}
WITH prs AS (
    SELECT
        p.pr_id,
        p.repo_full_name AS repository,
        (date_trunc('week', p.created_at AT TIME ZONE 'UTC'))::date AS week_start
    FROM {{ source('staging', 'github_pull_requests') }} AS p
    WHERE p.created_at IS NOT NULL AND NOT p.author_is_bot
    {% if is_incremental() %}AND {{ in_window('p.created_at') }}{% endif %}
),
links AS (
    SELECT pr_id, bool_or(is_known_issue) AS linked
    FROM {{ ref('pr_jira_links') }} AS l
    GROUP BY pr_id
)
SELECT
    prs.repository,
    prs.week_start,
    count(*)::integer AS prs_opened,
    count(links.pr_id)::integer AS prs_with_key,
    count(*) FILTER (WHERE links.linked)::integer AS prs_linked,
    round(count(*) FILTER (WHERE links.linked)::numeric / nullif(count(*), 0), 4) AS linkage_rate
FROM prs
LEFT JOIN links ON links.pr_id = prs.pr_id
GROUP BY prs.repository, prs.week_start
