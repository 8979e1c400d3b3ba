SELECT
    f.pr_id,
    f.path,
    f.repo_full_name AS repository,
    f.pr_number,
    f.status,
    f.additions,
    f.deletions,
    f.file_category
FROM {{ source('staging', 'github_pr_files') }} AS f
