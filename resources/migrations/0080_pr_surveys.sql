-- Slack PR surveys (dexxy_assets/slack/, sensors/slack_interactivity.py, docs/operations.md "Slack surveys"):
-- one delivery per pull request and person (the primary key is what makes a second survey impossible), every
-- interactivity payload the receiver verified, the survey rows of analytics.ai_usage_daily and the survey
-- answer beside the other AI verdicts of analytics.pull_requests. analytics.pr_surveys is a view (answers
-- show there as they arrive), created here like every analytics relation so BI sees it from install; its
-- mart asset re-creates it from dbt_like_sql/marts/pr_surveys.sql (keep the two the same).
CREATE TABLE IF NOT EXISTS ops.pr_survey_deliveries (
    pr_id            bigint      NOT NULL,
    person           text        NOT NULL,
    github_login     text        NOT NULL,
    member_id        bigint,
    role             text        NOT NULL CHECK (role IN ('author', 'reviewer')),
    repository       text        NOT NULL,
    pr_number        integer     NOT NULL,
    merged_at        timestamptz NOT NULL,
    email            text,
    slack_user_id    text,
    channel_id       text,
    message_ts       text,
    status           text        NOT NULL,
    error            text,
    attempts         integer     NOT NULL DEFAULT 1,
    claimed_at       timestamptz NOT NULL DEFAULT now(),
    sent_at          timestamptz,
    answer           text        CHECK (answer IN ('none', 'some', 'most')),
    tools            text[],
    answered_at      timestamptz,
    answer_action_ts text,
    PRIMARY KEY (pr_id, person)
);
CREATE INDEX IF NOT EXISTS pr_survey_deliveries_slack_user_idx ON ops.pr_survey_deliveries (slack_user_id, pr_id);
CREATE INDEX IF NOT EXISTS pr_survey_deliveries_merged_idx ON ops.pr_survey_deliveries (merged_at);
COMMENT ON TABLE ops.pr_survey_deliveries IS 'One Slack survey per merged pull request and person (author, optionally reviewers): claimed (status sending) and committed before chat.postMessage, so crashes, re-runs and concurrent runs never send a second one.';
COMMENT ON COLUMN ops.pr_survey_deliveries.pr_id IS 'The pull request (staging.github_pull_requests.pr_id).';
COMMENT ON COLUMN ops.pr_survey_deliveries.person IS 'Lower-case GitHub login: with pr_id, the key that allows one survey only.';
COMMENT ON COLUMN ops.pr_survey_deliveries.github_login IS 'GitHub login of the person asked.';
COMMENT ON COLUMN ops.pr_survey_deliveries.member_id IS 'GitHub user id (analytics.team_members.member_id) when known.';
COMMENT ON COLUMN ops.pr_survey_deliveries.role IS 'author or reviewer.';
COMMENT ON COLUMN ops.pr_survey_deliveries.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN ops.pr_survey_deliveries.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN ops.pr_survey_deliveries.merged_at IS 'When the pull request merged.';
COMMENT ON COLUMN ops.pr_survey_deliveries.email IS 'The address Slack knew the person by (users.lookupByEmail); NULL when none matched.';
COMMENT ON COLUMN ops.pr_survey_deliveries.slack_user_id IS 'Slack user id the survey went to.';
COMMENT ON COLUMN ops.pr_survey_deliveries.channel_id IS 'The direct-message channel chat.postMessage answered with.';
COMMENT ON COLUMN ops.pr_survey_deliveries.message_ts IS 'The message''s ts (its id in the channel).';
COMMENT ON COLUMN ops.pr_survey_deliveries.status IS 'sending (claimed, call in flight), sent, answered, retry (Slack refused for a passing reason: a later run sends), unconfirmed (the call may or may not have reached Slack: never re-sent), no_email, no_slack_user, failed (Slack refused for this person: see error).';
COMMENT ON COLUMN ops.pr_survey_deliveries.error IS 'Slack''s error code (users_not_found, user_disabled, ...) or the failure class; NULL when sent.';
COMMENT ON COLUMN ops.pr_survey_deliveries.attempts IS 'Times the row was claimed for sending (retry rows are claimed again).';
COMMENT ON COLUMN ops.pr_survey_deliveries.claimed_at IS 'When a run last claimed the row for sending.';
COMMENT ON COLUMN ops.pr_survey_deliveries.sent_at IS 'When the message was posted (written just before chat.postMessage, kept when Slack accepts it).';
COMMENT ON COLUMN ops.pr_survey_deliveries.answer IS 'none, some or most: the first answer (later clicks are kept in ops.slack_interactions only).';
COMMENT ON COLUMN ops.pr_survey_deliveries.tools IS 'Tools ticked when the answer was given (canonical lower-case names).';
COMMENT ON COLUMN ops.pr_survey_deliveries.answered_at IS 'When the answer arrived (the receiver''s clock).';
COMMENT ON COLUMN ops.pr_survey_deliveries.answer_action_ts IS 'Slack''s action_ts of the stored answer.';

CREATE TABLE IF NOT EXISTS ops.slack_interactions (
    interaction_id bigserial   PRIMARY KEY,
    received_at    timestamptz NOT NULL DEFAULT now(),
    slack_user_id  text        NOT NULL,
    action_ts      text        NOT NULL,
    action_id      text        NOT NULL,
    pr_id          bigint,
    answer         text,
    status         text        NOT NULL,
    payload        jsonb       NOT NULL,
    UNIQUE (slack_user_id, action_ts, action_id)
);
CREATE INDEX IF NOT EXISTS slack_interactions_received_idx ON ops.slack_interactions (received_at);
COMMENT ON TABLE ops.slack_interactions IS 'Every signed Slack interactivity payload the receiver accepted, once per (user, action_ts, action_id): a replay is not stored again.';
COMMENT ON COLUMN ops.slack_interactions.interaction_id IS 'Surrogate key.';
COMMENT ON COLUMN ops.slack_interactions.received_at IS 'When the receiver got it.';
COMMENT ON COLUMN ops.slack_interactions.slack_user_id IS 'Slack user who clicked ('''' when the payload names none).';
COMMENT ON COLUMN ops.slack_interactions.action_ts IS 'Slack''s action_ts of the click ('''' when absent).';
COMMENT ON COLUMN ops.slack_interactions.action_id IS 'The element clicked (dexxy_survey_answer, dexxy_survey_tools, ...).';
COMMENT ON COLUMN ops.slack_interactions.pr_id IS 'Pull request the button named; NULL when unreadable.';
COMMENT ON COLUMN ops.slack_interactions.answer IS 'none, some or most for an answer button; NULL otherwise.';
COMMENT ON COLUMN ops.slack_interactions.status IS 'recorded (the survey''s answer), already_answered (a later click: the first answer stays), selection (a tool ticked, read with the answer), unknown_survey (no survey for that pull request and person: a problem), malformed (a problem), ignored (not a survey element).';
COMMENT ON COLUMN ops.slack_interactions.payload IS 'The payload as Slack sent it.';

ALTER TABLE analytics.ai_usage_daily
    ADD COLUMN IF NOT EXISTS surveyed_pull_requests integer,
    ADD COLUMN IF NOT EXISTS ai_assisted_pull_requests integer,
    ADD COLUMN IF NOT EXISTS survey_tools text[];
COMMENT ON TABLE analytics.ai_usage_daily IS 'AI tool usage per person and day: source copilot (the users-1-day report) and source survey (answers to the Slack PR survey, by merge day).';
COMMENT ON COLUMN analytics.ai_usage_daily.source IS 'Where the usage comes from: copilot or survey.';
COMMENT ON COLUMN analytics.ai_usage_daily.surveyed_pull_requests IS 'survey: pull requests merged that day the person answered the survey for; NULL for copilot.';
COMMENT ON COLUMN analytics.ai_usage_daily.ai_assisted_pull_requests IS 'survey: of those, answered some or most; NULL for copilot.';
COMMENT ON COLUMN analytics.ai_usage_daily.survey_tools IS 'survey: tools the person named that day; NULL for copilot.';

ALTER TABLE analytics.pull_requests ADD COLUMN IF NOT EXISTS survey_ai_answer text;
COMMENT ON COLUMN analytics.pull_requests.effective_is_ai_assisted IS 'The author''s survey answer (some/most true, none false), else the LLM verdict, else the regex one (is_ai_assisted).';
COMMENT ON COLUMN analytics.pull_requests.effective_ai_tools IS 'The tools of the effective verdict when it is AI-assisted; the survey''s tools when the author named some, else the detected ones (the LLM names no tools), else generic.';
COMMENT ON COLUMN analytics.pull_requests.survey_ai_answer IS 'The author''s answer to the Slack survey: none, some or most; NULL when not asked or not answered.';

CREATE OR REPLACE VIEW analytics.pr_surveys AS
SELECT
    d.pr_id,
    d.repository,
    d.pr_number,
    d.github_login,
    d.member_id,
    d.role,
    d.merged_at,
    d.status,
    d.error,
    d.sent_at,
    d.answered_at,
    d.answer,
    d.tools,
    round((extract(epoch FROM d.answered_at - d.sent_at) / 3600)::numeric, 2) AS latency_hours
FROM ops.pr_survey_deliveries AS d;
COMMENT ON VIEW analytics.pr_surveys IS 'The Slack PR survey: one row per merged pull request and person asked (author, optionally reviewers), with when it was sent and answered, the answer (none / some / most AI use) and the tools. Opted-out people have no row. See docs/metrics.md "PR surveys".';
COMMENT ON COLUMN analytics.pr_surveys.pr_id IS 'The pull request; joins analytics.pull_requests.pr_id.';
COMMENT ON COLUMN analytics.pr_surveys.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN analytics.pr_surveys.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN analytics.pr_surveys.github_login IS 'GitHub login of the person asked.';
COMMENT ON COLUMN analytics.pr_surveys.member_id IS 'The team member (analytics.team_members.member_id) when known.';
COMMENT ON COLUMN analytics.pr_surveys.role IS 'author or reviewer.';
COMMENT ON COLUMN analytics.pr_surveys.merged_at IS 'When the pull request merged.';
COMMENT ON COLUMN analytics.pr_surveys.status IS 'answered, sent (awaiting an answer), sending, retry, unconfirmed (may or may not have reached Slack; never re-sent), no_email, no_slack_user or failed (see error).';
COMMENT ON COLUMN analytics.pr_surveys.error IS 'Why it was not sent (Slack''s error code); NULL otherwise.';
COMMENT ON COLUMN analytics.pr_surveys.sent_at IS 'When the survey was posted to Slack.';
COMMENT ON COLUMN analytics.pr_surveys.answered_at IS 'When the answer arrived; NULL while unanswered.';
COMMENT ON COLUMN analytics.pr_surveys.answer IS 'none, some or most: how much of the pull request was written with AI tools, in the person''s words (the first answer counts).';
COMMENT ON COLUMN analytics.pr_surveys.tools IS 'Tools the person ticked (copilot, cursor, claude, chatgpt, codex, gemini, other).';
COMMENT ON COLUMN analytics.pr_surveys.latency_hours IS 'Hours from sent to answered; NULL while unanswered.';
