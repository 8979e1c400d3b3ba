WITH review_summary AS (
    SELECT
        pr_id,
        count(*) FILTER (WHERE counts_as_review) AS review_count,
        min(submitted_at) FILTER (WHERE counts_as_review) AS first_review_at
    FROM {{ ref('int_pr_reviews') }} AS reviews
    GROUP BY pr_id
),
commit_summary AS (
    SELECT pr_id, min(authored_at) AS first_commit_at
    FROM {{ source('staging', 'github_pr_commits') }} AS c
    GROUP BY pr_id
),
author_survey AS (
    SELECT pr_id, answer, tools, answer IN ('some', 'most') AS says_ai
    FROM {{ source('ops', 'pr_survey_deliveries') }} AS s
    WHERE role = 'author' AND answer IS NOT NULL
),
comment_summary AS (
    SELECT pr_id, count(*) FILTER (WHERE NOT author_is_bot) AS total_comments
    FROM {{ source('staging', 'github_pr_comments') }} AS c
    GROUP BY pr_id
),
prs AS (
    SELECT
        p.*,
        CASE
            WHEN p.opened_as_draft THEN p.ready_for_review_at
            WHEN p.opened_as_draft IS NULL AND coalesce(p.is_draft, false) THEN NULL
            ELSE p.created_at
        END AS ready_at
    FROM {{ source('staging', 'github_pull_requests') }} AS p
    WHERE p.created_at IS NOT NULL
)
SELECT
    p.pr_id,
    p.repo_full_name AS repository,
    p.pr_number,
    p.title,
    p.html_url AS url,
    p.author_login,
    p.author_id,
    CASE
        WHEN p.is_merged OR p.merged_at IS NOT NULL THEN 'merged'
        WHEN p.state = 'closed' THEN 'closed'
        ELSE coalesce(p.state, 'unknown')
    END AS state,
    coalesce(p.is_draft, false) AS is_draft,
    p.author_is_bot AS is_bot,
    p.head_ref AS head_branch,
    p.base_ref AS base_branch,
    p.additions,
    p.deletions,
    p.changed_files,
    p.commits_count,
    coalesce(rs.review_count, 0) AS review_count,
    rs.first_review_at,
    p.created_at,
    p.merged_at,
    p.closed_at,
    p.updated_at,
    {{ hours_between('p.created_at', 'p.merged_at') }} AS cycle_time_hours,
    p.jira_key,
    (p.title ILIKE 'revert "%' OR p.head_ref ILIKE 'revert-%') AS is_revert,
    (
        p.head_ref ~* '^(hotfix|hot-fix)[/_-]'
        OR p.title ~* '^\s*\[?hot-?fix\M'
        OR 'hotfix' = ANY(SELECT lower(label) FROM unnest(p.labels) AS label)
    ) AS is_hotfix,
    coalesce(cs.total_comments, 0) AS total_comments,
    c.first_commit_at,
    p.ready_at AS ready_for_review_at,
    fr.first_response_at,
    dep.deployed_at,
    dep.deployment_id,
    {{ hours_between('p.created_at', 'rs.first_review_at') }} AS review_time_hours,
    coalesce(rr.review_rounds, 0) AS review_rounds,
    rr.avg_fix_response_hours,
    (
        SELECT count(*)
        FROM {{ source('staging', 'github_pr_commits') }} AS later
        WHERE later.pr_id = p.pr_id AND later.committed_at > rs.first_review_at
    ) AS commits_after_first_review,
    {{ hours_between('c.first_commit_at', 'p.ready_at') }} AS coding_time_hours,
    {{ hours_between('p.ready_at', 'fr.first_response_at') }} AS pickup_time_hours,
    {{ hours_between('fr.first_response_at', 'p.merged_at') }} AS review_phase_hours,
    {{ hours_between('p.merged_at', 'dep.deployed_at') }} AS deploy_time_hours,
    {{ hours_between('c.first_commit_at', 'dep.deployed_at') }} AS lead_time_hours,
    ai.is_ai_assisted,
    ai.tools AS ai_tools,
    ai.confidence AS ai_confidence,
    llm.summary AS llm_summary,
    llm.ai_verdict AS llm_is_ai_assisted,
    -- the author's own answer first (ground truth), then the LLM's verdict, then the patterns
    coalesce(survey.says_ai, llm.ai_verdict, ai.is_ai_assisted) AS effective_is_ai_assisted,
    CASE
        WHEN coalesce(survey.says_ai, llm.ai_verdict, ai.is_ai_assisted)
            THEN coalesce(
                CASE WHEN survey.says_ai THEN nullif(survey.tools, '{}') END,
                nullif(ai.tools, '{}'),
                ARRAY['generic']
            )
        WHEN coalesce(survey.says_ai, llm.ai_verdict, ai.is_ai_assisted) IS NOT NULL THEN '{}'::text[]
    END AS effective_ai_tools,
    survey.answer AS survey_ai_answer
FROM prs AS p
LEFT JOIN review_summary AS rs ON rs.pr_id = p.pr_id
LEFT JOIN commit_summary AS c ON c.pr_id = p.pr_id
LEFT JOIN comment_summary AS cs ON cs.pr_id = p.pr_id
LEFT JOIN {{ ref('int_pr_first_response') }} AS fr ON fr.pr_id = p.pr_id
LEFT JOIN {{ ref('int_pr_review_rounds') }} AS rr ON rr.pr_id = p.pr_id
LEFT JOIN {{ ref('int_pr_deployments') }} AS dep ON dep.pr_id = p.pr_id
LEFT JOIN {{ source('processing', 'pr_ai_detection') }} AS ai ON ai.pr_id = p.pr_id
LEFT JOIN {{ source('processing', 'pr_llm_summaries') }} AS llm ON llm.pr_id = p.pr_id
LEFT JOIN author_survey AS survey ON survey.pr_id = p.pr_id
