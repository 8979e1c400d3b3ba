-- Whether a pull request was later reverted: a merged pull request of the same repository titled as
-- GitHub's Revert button titles it, `Revert "<title>"`.
SELECT
    p.pr_id,
    EXISTS (
        SELECT 1
        FROM {{ ref('pull_requests') }} AS r
        WHERE r.repository = p.repository AND r.is_revert AND r.merged_at IS NOT NULL
            AND r.merged_at >= p.merged_at AND r.title = 'Revert "' || p.title || '"'
    ) AS is_reverted
FROM {{ ref('pull_requests') }} AS p
WHERE p.merged_at IS NOT NULL
