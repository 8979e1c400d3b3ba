-- Whether a merged pull request was later reverted: a merged pull request of the same repository titled as
-- GitHub's Revert button titles it, `Revert "<title>"`, merged at or after it.
{{ config(materialized='ephemeral') }}  -- inlined into the models that ref() it
WITH reverts AS (
    SELECT
        r.repository,
        substr(r.title, 9, length(r.title) - 9) AS reverted_title,  -- between 'Revert "' and the last '"'
        max(r.merged_at) AS last_revert_at
    FROM {{ ref('pull_requests') }} AS r
    WHERE r.is_revert AND r.merged_at IS NOT NULL AND r.title LIKE 'Revert "%"'
    GROUP BY r.repository, substr(r.title, 9, length(r.title) - 9)
)
SELECT
    p.pr_id,
    coalesce(v.last_revert_at >= p.merged_at, false) AS is_reverted
FROM {{ ref('pull_requests') }} AS p
LEFT JOIN reverts AS v ON v.repository = p.repository AND v.reverted_title = p.title
WHERE p.merged_at IS NOT NULL
