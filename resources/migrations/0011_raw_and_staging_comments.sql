-- Descriptions for the raw, staging and processing tables, as analytics has: the ingestion assets report
-- these tables' schemas (dexxy_assets/asset_metadata.table_schema reads the comments) and BI tools show them.

-- Columns that mean the same in every table of a schema, described once. ---------------------------------
DO $$
DECLARE
    shared record;
BEGIN
    FOR shared IN
        SELECT c.table_schema, c.table_name, c.column_name, d.description
        FROM information_schema.columns AS c
        JOIN (VALUES
            ('raw', 'fetched_at', 'When the load that wrote this row fetched it (one value for the whole load).'),
            ('raw', 'payload', 'The record as the API returned it; staging is parsed from here.'),
            ('raw', 'payload_format', 'Shape of the payload: rest, or graphql (GraphQL field names); staging reads both.'),
            ('raw', 'partition_row', '1-based position of the row within its partition in the load that wrote it; with the partition, the key of the table.'),
            ('raw', 'repo_full_name', 'Repository as owner/name.'),
            ('raw', 'org', 'GitHub organisation the record was read from.'),
            ('raw', 'pr_id', 'GitHub pull request id; NULL when the payload had none readable (the row is kept and counted as a problem).'),
            ('raw', 'pr_number', 'Pull request number within the repository.'),
            ('staging', 'fetched_at', 'When the data of this row was fetched from the API.'),
            ('staging', 'repo_full_name', 'Repository as owner/name.'),
            ('staging', 'org', 'GitHub organisation.'),
            ('staging', 'pr_id', 'The pull request; joins staging.github_pull_requests.pr_id.'),
            ('staging', 'pr_number', 'Pull request number within the repository.'),
            ('staging', 'pr_updated_at', 'updated_at of the pull request version this row was read with: a newer version replaces the rows of older ones.'),
            ('processing', 'pr_id', 'The pull request; joins staging.github_pull_requests.pr_id.'),
            ('processing', 'partition_date', 'The pull request''s daily partition (staging.github_pull_requests.partition_date).'),
            ('processing', 'pattern_version', 'Version of the detection patterns that decided (dexxy_assets/processing/ai_patterns.py).')
        ) AS d(table_schema, column_name, description)
            ON d.table_schema = c.table_schema AND d.column_name = c.column_name
    LOOP
        EXECUTE format(
            'COMMENT ON COLUMN %I.%I.%I IS %L',
            shared.table_schema, shared.table_name, shared.column_name, shared.description
        );
    END LOOP;
END
$$;

-- raw --------------------------------------------------------------------------------------------------
COMMENT ON TABLE raw.github_members IS 'Organisation members with their /users profile, as fetched; replaced per organisation on each sync.';
COMMENT ON COLUMN raw.github_members.user_id IS 'GitHub user id from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_members.login IS 'GitHub login from the payload; NULL when unreadable.';
COMMENT ON TABLE raw.github_repositories IS 'Repositories of the organisations, as fetched; replaced per organisation on each sync.';
COMMENT ON COLUMN raw.github_repositories.repo_id IS 'GitHub repository id from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_repositories.full_name IS 'owner/name from the payload; NULL when unreadable.';
COMMENT ON TABLE raw.github_pull_requests IS 'Pull request details, one row per pull request and partition (the UTC day it was last updated); a partition is replaced whole when re-run.';
COMMENT ON COLUMN raw.github_pull_requests.partition_date IS 'The UTC day the pull request was last updated, as listed: its daily partition.';
COMMENT ON COLUMN raw.github_pull_requests.draft_events IS 'ready_for_review / convert_to_draft events of the pull request; NULL when not fetched.';
COMMENT ON TABLE raw.github_reviews IS 'Reviews of the pull requests in raw.github_pull_requests, per partition.';
COMMENT ON COLUMN raw.github_reviews.partition_date IS 'The partition of the pull request the review belongs to.';
COMMENT ON COLUMN raw.github_reviews.review_id IS 'GitHub review id; NULL when unreadable.';
COMMENT ON TABLE raw.github_commits IS 'Commits of the pull requests in raw.github_pull_requests, per partition.';
COMMENT ON COLUMN raw.github_commits.partition_date IS 'The partition of the pull request the commit belongs to.';
COMMENT ON COLUMN raw.github_commits.sha IS 'Commit SHA; NULL when unreadable.';
COMMENT ON TABLE raw.github_files IS 'Files changed by the pull requests in raw.github_pull_requests, per partition.';
COMMENT ON COLUMN raw.github_files.partition_date IS 'The partition of the pull request the file belongs to.';
COMMENT ON COLUMN raw.github_files.path IS 'File path; NULL when unreadable.';
COMMENT ON TABLE raw.github_check_runs IS 'Check runs on the head commit of the pull requests in raw.github_pull_requests, per partition.';
COMMENT ON COLUMN raw.github_check_runs.partition_date IS 'The partition of the pull request the check run belongs to.';
COMMENT ON COLUMN raw.github_check_runs.check_run_id IS 'GitHub check run id; NULL when unreadable.';
COMMENT ON TABLE raw.github_comments IS 'Conversation and inline review comments of the pull requests in raw.github_pull_requests, per partition.';
COMMENT ON COLUMN raw.github_comments.partition_date IS 'The partition of the pull request the comment belongs to.';
COMMENT ON COLUMN raw.github_comments.comment_kind IS 'issue (conversation) or review (inline on the diff).';
COMMENT ON COLUMN raw.github_comments.comment_id IS 'GitHub comment id (unique within its kind); NULL when unreadable.';
COMMENT ON TABLE raw.github_deployments IS 'Deployments with their statuses and change sets, one row per deployment and partition (the UTC day it was created).';
COMMENT ON COLUMN raw.github_deployments.partition_date IS 'The UTC day the deployment was created: its daily partition.';
COMMENT ON COLUMN raw.github_deployments.deployment_id IS 'GitHub deployment id; NULL when unreadable.';
COMMENT ON COLUMN raw.github_deployments.payload IS 'The deployment as the API returned it.';
COMMENT ON COLUMN raw.github_deployments.statuses IS 'Its statuses, newest first.';
COMMENT ON COLUMN raw.github_deployments.change_set IS 'compare(previous successful deployment...this one), or NULL when not fetched.';
COMMENT ON TABLE raw.copilot_seats IS 'Copilot seat assignments, as fetched; replaced per organisation on each sync.';
COMMENT ON COLUMN raw.copilot_seats.user_id IS 'GitHub user id of the assignee; NULL when unreadable.';
COMMENT ON COLUMN raw.copilot_seats.login IS 'Login of the assignee; NULL when unreadable.';
COMMENT ON TABLE raw.copilot_usage_reports IS 'Lines of the Copilot usage-metrics reports (NDJSON), per report kind, organisation and day.';
COMMENT ON COLUMN raw.copilot_usage_reports.partition_date IS 'The report day (UTC): its daily partition.';
COMMENT ON COLUMN raw.copilot_usage_reports.report_kind IS 'organization-1-day or users-1-day.';
COMMENT ON COLUMN raw.copilot_usage_reports.line_number IS '1-based line of the report file; with kind, organisation and day, the key of the table.';

-- staging ----------------------------------------------------------------------------------------------
COMMENT ON TABLE staging.github_users IS 'GitHub accounts (organisation members with their profiles), current state, one row each.';
COMMENT ON COLUMN staging.github_users.user_id IS 'GitHub user id.';
COMMENT ON COLUMN staging.github_users.login IS 'GitHub login as last seen.';
COMMENT ON COLUMN staging.github_users.name IS 'Display name from the profile, if public.';
COMMENT ON COLUMN staging.github_users.email IS 'Public e-mail from the profile, if any.';
COMMENT ON COLUMN staging.github_users.user_type IS 'User, Bot or Organization, as GitHub reports it.';
COMMENT ON COLUMN staging.github_users.is_bot IS 'True for bot and GitHub App accounts.';
COMMENT ON COLUMN staging.github_users.site_admin IS 'GitHub site administrator flag.';
COMMENT ON COLUMN staging.github_users.created_at IS 'When the account was created.';
COMMENT ON COLUMN staging.github_users.updated_at IS 'When the profile was last updated: the version; a newer one wins.';

COMMENT ON TABLE staging.github_org_members IS 'Who is or was a member of each synced organisation.';
COMMENT ON COLUMN staging.github_org_members.user_id IS 'GitHub user id; joins staging.github_users.user_id.';
COMMENT ON COLUMN staging.github_org_members.login IS 'GitHub login as last seen.';
COMMENT ON COLUMN staging.github_org_members.is_current IS 'True when the latest member snapshot listed the person.';

COMMENT ON TABLE staging.github_repositories IS 'Repositories of the synced organisations, current state.';
COMMENT ON COLUMN staging.github_repositories.repo_id IS 'GitHub repository id.';
COMMENT ON COLUMN staging.github_repositories.full_name IS 'Repository as owner/name.';
COMMENT ON COLUMN staging.github_repositories.name IS 'Repository name without the owner.';
COMMENT ON COLUMN staging.github_repositories.is_private IS 'True for private repositories.';
COMMENT ON COLUMN staging.github_repositories.is_archived IS 'True for archived repositories.';
COMMENT ON COLUMN staging.github_repositories.is_fork IS 'True for forks.';
COMMENT ON COLUMN staging.github_repositories.default_branch IS 'Default branch name.';
COMMENT ON COLUMN staging.github_repositories.language IS 'Main language as GitHub detects it.';
COMMENT ON COLUMN staging.github_repositories.created_at IS 'When the repository was created.';
COMMENT ON COLUMN staging.github_repositories.updated_at IS 'When the repository was last updated: the version; a newer one wins.';
COMMENT ON COLUMN staging.github_repositories.pushed_at IS 'Last push to any branch.';

COMMENT ON TABLE staging.github_pull_requests IS 'Pull requests, typed, in their newest fetched version, one row each.';
COMMENT ON COLUMN staging.github_pull_requests.pr_id IS 'GitHub pull request id (globally unique).';
COMMENT ON COLUMN staging.github_pull_requests.title IS 'Title.';
COMMENT ON COLUMN staging.github_pull_requests.body IS 'Description (markdown).';
COMMENT ON COLUMN staging.github_pull_requests.state IS 'open or closed, as GitHub reports it (merged pull requests are closed).';
COMMENT ON COLUMN staging.github_pull_requests.is_draft IS 'True while it is a draft.';
COMMENT ON COLUMN staging.github_pull_requests.is_merged IS 'True once merged.';
COMMENT ON COLUMN staging.github_pull_requests.author_id IS 'GitHub user id of the author; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pull_requests.author_login IS 'Login of the author; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pull_requests.author_type IS 'User or Bot, as GitHub reports it.';
COMMENT ON COLUMN staging.github_pull_requests.author_is_bot IS 'True when the author is a bot.';
COMMENT ON COLUMN staging.github_pull_requests.head_ref IS 'Source branch name.';
COMMENT ON COLUMN staging.github_pull_requests.base_ref IS 'Target branch name.';
COMMENT ON COLUMN staging.github_pull_requests.head_sha IS 'Head commit of the source branch.';
COMMENT ON COLUMN staging.github_pull_requests.merge_commit_sha IS 'The commit the merge created on the target branch; deployments are matched on it.';
COMMENT ON COLUMN staging.github_pull_requests.merged_by_login IS 'Who merged it.';
COMMENT ON COLUMN staging.github_pull_requests.additions IS 'Lines added.';
COMMENT ON COLUMN staging.github_pull_requests.deletions IS 'Lines deleted.';
COMMENT ON COLUMN staging.github_pull_requests.changed_files IS 'Files changed.';
COMMENT ON COLUMN staging.github_pull_requests.commits_count IS 'Commits as GitHub counts them.';
COMMENT ON COLUMN staging.github_pull_requests.comments_count IS 'Conversation comments as GitHub counts them.';
COMMENT ON COLUMN staging.github_pull_requests.review_comments_count IS 'Inline review comments as GitHub counts them.';
COMMENT ON COLUMN staging.github_pull_requests.labels IS 'Label names.';
COMMENT ON COLUMN staging.github_pull_requests.html_url IS 'Link to the pull request on GitHub.';
COMMENT ON COLUMN staging.github_pull_requests.created_at IS 'When it was opened.';
COMMENT ON COLUMN staging.github_pull_requests.updated_at IS 'Last activity: the version; a newer one wins.';
COMMENT ON COLUMN staging.github_pull_requests.closed_at IS 'When it was closed (merged or not).';
COMMENT ON COLUMN staging.github_pull_requests.merged_at IS 'When it was merged.';
COMMENT ON COLUMN staging.github_pull_requests.partition_date IS 'The daily partition of the version stored (the UTC day of updated_at as listed).';
COMMENT ON COLUMN staging.github_pull_requests.opened_as_draft IS 'True when it was opened as a draft; NULL when the draft events were not read.';
COMMENT ON COLUMN staging.github_pull_requests.ready_for_review_at IS 'When it first left draft.';
COMMENT ON COLUMN staging.github_pull_requests.jira_key IS 'The Jira issue key found in title, branch or body.';

COMMENT ON TABLE staging.github_pr_reviews IS 'Reviews of pull requests, typed, from the newest version of each pull request.';
COMMENT ON COLUMN staging.github_pr_reviews.review_id IS 'GitHub review id.';
COMMENT ON COLUMN staging.github_pr_reviews.reviewer_id IS 'GitHub user id of the reviewer; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pr_reviews.reviewer_login IS 'Login of the reviewer; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pr_reviews.reviewer_type IS 'User or Bot, as GitHub reports it.';
COMMENT ON COLUMN staging.github_pr_reviews.reviewer_is_bot IS 'True when a bot reviewed.';
COMMENT ON COLUMN staging.github_pr_reviews.state IS 'APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED or PENDING.';
COMMENT ON COLUMN staging.github_pr_reviews.body IS 'Review text.';
COMMENT ON COLUMN staging.github_pr_reviews.commit_id IS 'The commit the review was made on.';
COMMENT ON COLUMN staging.github_pr_reviews.submitted_at IS 'When it was submitted; NULL while pending.';

COMMENT ON TABLE staging.github_pr_commits IS 'Commits of pull requests, typed, from the newest version of each pull request.';
COMMENT ON COLUMN staging.github_pr_commits.sha IS 'Commit SHA.';
COMMENT ON COLUMN staging.github_pr_commits.message IS 'Full commit message.';
COMMENT ON COLUMN staging.github_pr_commits.author_name IS 'Author name from the git commit.';
COMMENT ON COLUMN staging.github_pr_commits.author_email IS 'Author e-mail from the git commit.';
COMMENT ON COLUMN staging.github_pr_commits.author_login IS 'GitHub login of the author, when GitHub matched the e-mail.';
COMMENT ON COLUMN staging.github_pr_commits.author_id IS 'GitHub user id of the author, when matched.';
COMMENT ON COLUMN staging.github_pr_commits.committer_login IS 'GitHub login of the committer, when matched.';
COMMENT ON COLUMN staging.github_pr_commits.authored_at IS 'Author date.';
COMMENT ON COLUMN staging.github_pr_commits.committed_at IS 'Committer date.';
COMMENT ON COLUMN staging.github_pr_commits.parents_count IS 'Parents of the commit; more than one for a merge commit.';

COMMENT ON TABLE staging.github_pr_files IS 'Files changed by pull requests, typed, from the newest version of each pull request.';
COMMENT ON COLUMN staging.github_pr_files.path IS 'File path (after a rename).';
COMMENT ON COLUMN staging.github_pr_files.status IS 'added, modified, removed, renamed, copied or changed.';
COMMENT ON COLUMN staging.github_pr_files.additions IS 'Lines added in this file.';
COMMENT ON COLUMN staging.github_pr_files.deletions IS 'Lines deleted in this file.';
COMMENT ON COLUMN staging.github_pr_files.changes IS 'additions + deletions as GitHub counts them.';
COMMENT ON COLUMN staging.github_pr_files.previous_path IS 'The path before a rename.';
COMMENT ON COLUMN staging.github_pr_files.file_category IS 'frontend, backend, test, docs, config, infra, data or other (rules in docs/metrics.md).';

COMMENT ON TABLE staging.github_pr_check_runs IS 'Check runs on the head commit of pull requests, typed.';
COMMENT ON COLUMN staging.github_pr_check_runs.check_run_id IS 'GitHub check run id.';
COMMENT ON COLUMN staging.github_pr_check_runs.head_sha IS 'The commit the check ran on.';
COMMENT ON COLUMN staging.github_pr_check_runs.name IS 'Check name.';
COMMENT ON COLUMN staging.github_pr_check_runs.app_slug IS 'The app that ran it, e.g. github-actions.';
COMMENT ON COLUMN staging.github_pr_check_runs.status IS 'queued, in_progress or completed.';
COMMENT ON COLUMN staging.github_pr_check_runs.conclusion IS 'success, failure, neutral, cancelled, skipped, timed_out or action_required; NULL until completed.';
COMMENT ON COLUMN staging.github_pr_check_runs.started_at IS 'When it started.';
COMMENT ON COLUMN staging.github_pr_check_runs.completed_at IS 'When it completed.';

COMMENT ON TABLE staging.github_pr_comments IS 'Conversation and inline review comments on pull requests, typed.';
COMMENT ON COLUMN staging.github_pr_comments.comment_id IS 'GitHub comment id (unique within its kind).';
COMMENT ON COLUMN staging.github_pr_comments.comment_kind IS 'issue (conversation) or review (inline on the diff).';
COMMENT ON COLUMN staging.github_pr_comments.author_id IS 'GitHub user id of the commenter; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pr_comments.author_login IS 'Login of the commenter; NULL when the account was deleted.';
COMMENT ON COLUMN staging.github_pr_comments.author_is_bot IS 'True when a bot wrote it.';
COMMENT ON COLUMN staging.github_pr_comments.body IS 'Comment text.';
COMMENT ON COLUMN staging.github_pr_comments.path IS 'File of an inline comment; NULL for conversation comments.';
COMMENT ON COLUMN staging.github_pr_comments.line IS 'Line of an inline comment.';
COMMENT ON COLUMN staging.github_pr_comments.in_reply_to_id IS 'The inline comment this one replies to.';
COMMENT ON COLUMN staging.github_pr_comments.created_at IS 'When it was written.';
COMMENT ON COLUMN staging.github_pr_comments.updated_at IS 'When it was last edited.';

COMMENT ON TABLE staging.github_deployments IS 'Deployments with their outcome, typed, newest version each.';
COMMENT ON COLUMN staging.github_deployments.deployment_id IS 'GitHub deployment id.';
COMMENT ON COLUMN staging.github_deployments.environment IS 'Environment name as sent by the deploy tool.';
COMMENT ON COLUMN staging.github_deployments.sha IS 'Commit deployed.';
COMMENT ON COLUMN staging.github_deployments.ref IS 'Ref deployed (branch or tag).';
COMMENT ON COLUMN staging.github_deployments.task IS 'Deployment task, e.g. deploy.';
COMMENT ON COLUMN staging.github_deployments.creator_login IS 'Who or what created the deployment.';
COMMENT ON COLUMN staging.github_deployments.is_production IS 'True for production environments (production, prod, live).';
COMMENT ON COLUMN staging.github_deployments.latest_state IS 'State of its newest status.';
COMMENT ON COLUMN staging.github_deployments.succeeded_at IS 'When it first reported success.';
COMMENT ON COLUMN staging.github_deployments.created_at IS 'When it was created.';
COMMENT ON COLUMN staging.github_deployments.updated_at IS 'When it was last updated: the version; a newer one wins.';
COMMENT ON COLUMN staging.github_deployments.previous_deployment_id IS 'The previous successful deployment of the same repository and environment.';
COMMENT ON COLUMN staging.github_deployments.change_set_known IS 'True when the commits since the previous successful deployment were fetched.';
COMMENT ON COLUMN staging.github_deployments.partition_date IS 'The UTC day it was created: its daily partition.';

COMMENT ON TABLE staging.github_deployment_commits IS 'The commits each deployment shipped since the previous successful one of its environment.';
COMMENT ON COLUMN staging.github_deployment_commits.deployment_id IS 'The deployment; joins staging.github_deployments.deployment_id.';
COMMENT ON COLUMN staging.github_deployment_commits.sha IS 'A commit it shipped; matched to staging.github_pull_requests.merge_commit_sha.';

COMMENT ON TABLE staging.copilot_seats IS 'Copilot seats per organisation and login, current and former.';
COMMENT ON COLUMN staging.copilot_seats.login IS 'Login of the seat holder.';
COMMENT ON COLUMN staging.copilot_seats.user_id IS 'GitHub user id of the seat holder.';
COMMENT ON COLUMN staging.copilot_seats.plan_type IS 'Copilot plan of the seat (business, enterprise, ...).';
COMMENT ON COLUMN staging.copilot_seats.created_at IS 'When the seat was assigned.';
COMMENT ON COLUMN staging.copilot_seats.last_activity_at IS 'Last Copilot activity of the holder.';
COMMENT ON COLUMN staging.copilot_seats.last_activity_editor IS 'Editor of that last activity.';
COMMENT ON COLUMN staging.copilot_seats.pending_cancellation_date IS 'When the seat is due to be removed, if pending.';
COMMENT ON COLUMN staging.copilot_seats.is_current IS 'True when the latest seats snapshot listed it.';

COMMENT ON TABLE staging.copilot_usage_org_daily IS 'The organization-1-day Copilot report, typed: one row per organisation and day.';
COMMENT ON TABLE staging.copilot_usage_user_daily IS 'The users-1-day Copilot report, typed: one row per organisation, day and person.';
DO $$
DECLARE
    metric record;
BEGIN
    -- the usage counters mean the same in the organisation and the user report
    FOR metric IN
        SELECT c.table_name, c.column_name, d.description
        FROM information_schema.columns AS c
        JOIN (VALUES
            ('day', 'Report day (UTC).'),
            ('user_initiated_interaction_count', 'Prompts and chat turns people started.'),
            ('code_generation_activity_count', 'Code suggestions and generations shown.'),
            ('code_acceptance_activity_count', 'Suggestions and generations accepted.'),
            ('loc_suggested_to_add_sum', 'Lines Copilot suggested adding.'),
            ('loc_added_sum', 'Lines added through Copilot.')
        ) AS d(column_name, description) ON d.column_name = c.column_name
        WHERE c.table_schema = 'staging' AND c.table_name IN ('copilot_usage_org_daily', 'copilot_usage_user_daily')
    LOOP
        EXECUTE format('COMMENT ON COLUMN staging.%I.%I IS %L', metric.table_name, metric.column_name, metric.description);
    END LOOP;
END
$$;
COMMENT ON COLUMN staging.copilot_usage_org_daily.daily_active_users IS 'People who used Copilot that day.';
COMMENT ON COLUMN staging.copilot_usage_org_daily.weekly_active_users IS 'People who used Copilot in the 7 days to this day.';
COMMENT ON COLUMN staging.copilot_usage_org_daily.monthly_active_users IS 'People who used Copilot in the 28 days to this day.';
COMMENT ON COLUMN staging.copilot_usage_org_daily.monthly_active_chat_users IS 'People who used Copilot Chat in the 28 days to this day.';
COMMENT ON COLUMN staging.copilot_usage_org_daily.monthly_active_agent_users IS 'People who used agent mode in the 28 days to this day.';
COMMENT ON COLUMN staging.copilot_usage_org_daily.by_ide IS 'The counters per IDE (totals_by_ide).';
COMMENT ON COLUMN staging.copilot_usage_org_daily.by_feature IS 'The counters per feature (totals_by_feature).';
COMMENT ON COLUMN staging.copilot_usage_org_daily.by_language IS 'The counters per language and feature (totals_by_language_feature).';
COMMENT ON COLUMN staging.copilot_usage_user_daily.user_login IS 'Login of the person in the report.';
COMMENT ON COLUMN staging.copilot_usage_user_daily.user_id IS 'GitHub user id of the person, when the report has it.';
COMMENT ON COLUMN staging.copilot_usage_user_daily.used_chat IS 'Used Copilot Chat that day.';
COMMENT ON COLUMN staging.copilot_usage_user_daily.used_agent IS 'Used agent mode that day.';

-- processing -------------------------------------------------------------------------------------------
COMMENT ON TABLE processing.pr_ai_detection IS 'Which pull requests were written with AI tools, by the versioned regex patterns (docs/metrics.md).';
COMMENT ON COLUMN processing.pr_ai_detection.is_ai_assisted IS 'True when a pattern found an AI tool''s trace in the pull request or its commits.';
COMMENT ON COLUMN processing.pr_ai_detection.tools IS 'The AI tools detected.';
COMMENT ON COLUMN processing.pr_ai_detection.confidence IS 'Confidence of the verdict, 0 to 1.';
COMMENT ON COLUMN processing.pr_ai_detection.evidence IS 'What matched, where: the patterns and the text they matched.';
COMMENT ON COLUMN processing.pr_ai_detection.detected_at IS 'When the detection ran.';
COMMENT ON TABLE processing.commit_ai_detection IS 'Which pull request commits carry an AI tool''s trace (trailer, footer, bot author).';
COMMENT ON COLUMN processing.commit_ai_detection.sha IS 'Commit SHA.';
COMMENT ON COLUMN processing.commit_ai_detection.is_ai_assisted IS 'True when the commit carries an AI tool''s trace.';
COMMENT ON COLUMN processing.commit_ai_detection.ai_co_authors IS 'The Co-authored-by trailers that name AI tools, as written.';
COMMENT ON COLUMN processing.commit_ai_detection.tools IS 'The AI tools detected.';
COMMENT ON TABLE processing.pr_llm_summaries IS 'LLM summaries and AI verdicts of pull requests (answers cached in ops.llm_cache).';
COMMENT ON COLUMN processing.pr_llm_summaries.summary IS 'Two-sentence summary.';
COMMENT ON COLUMN processing.pr_llm_summaries.change_type IS 'Kind of change the LLM assigned (feature, fix, refactor, ...).';
COMMENT ON COLUMN processing.pr_llm_summaries.risk IS 'Risk the LLM assigned (low, medium, high).';
COMMENT ON COLUMN processing.pr_llm_summaries.ai_verdict IS 'The LLM''s verdict on AI-tool use, from the evidence it cited.';
COMMENT ON COLUMN processing.pr_llm_summaries.ai_evidence IS 'The evidence it cited.';
COMMENT ON COLUMN processing.pr_llm_summaries.tech_areas IS 'Technical areas the change touches.';
COMMENT ON COLUMN processing.pr_llm_summaries.model IS 'Model that answered.';
COMMENT ON COLUMN processing.pr_llm_summaries.prompt_version IS 'Version of the prompt (the asset''s code_version).';
COMMENT ON COLUMN processing.pr_llm_summaries.summarized_at IS 'When the summary was made.';
