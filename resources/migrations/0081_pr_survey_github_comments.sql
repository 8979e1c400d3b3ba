-- The PR survey as a GitHub comment (DEXXY_SURVEY_GITHUB_COMMENT, docs/operations.md "Slack surveys"): the
-- same row of ops.pr_survey_deliveries says by which channel the survey went (one survey per pull request and
-- person, whichever channel: a person Slack cannot reach is asked on the pull request instead), and where its
-- answer came from. ops.pr_survey_comment_replies keeps every `/ai ...` reply Dexxy read from the synced pull
-- request comments. analytics.pr_surveys gains both columns (keep dbt_like_sql/marts/pr_surveys.sql the same).
ALTER TABLE ops.pr_survey_deliveries
    ADD COLUMN IF NOT EXISTS channel text NOT NULL DEFAULT 'slack' CHECK (channel IN ('slack', 'github_comment')),
    ADD COLUMN IF NOT EXISTS answer_source text CHECK (answer_source IN ('slack', 'github_comment')),
    ADD COLUMN IF NOT EXISTS answer_comment_id bigint;
COMMENT ON COLUMN ops.pr_survey_deliveries.channel IS 'slack (a direct message) or github_comment (a comment on the pull request, for people Slack cannot reach): the channel of the row''s latest claim.';
COMMENT ON COLUMN ops.pr_survey_deliveries.answer_source IS 'Where the stored answer came from: slack (a button) or github_comment (an /ai reply on the pull request).';
COMMENT ON COLUMN ops.pr_survey_deliveries.answer_comment_id IS 'The GitHub comment id of an answer given by an /ai reply.';
COMMENT ON COLUMN ops.pr_survey_deliveries.channel_id IS 'slack: the direct-message channel chat.postMessage answered with; github_comment: the comment''s html_url.';
COMMENT ON COLUMN ops.pr_survey_deliveries.message_ts IS 'slack: the message''s ts (its id in the channel); github_comment: the comment''s id.';

CREATE TABLE IF NOT EXISTS ops.pr_survey_comment_replies (
    comment_id   bigint      PRIMARY KEY,
    pr_id        bigint      NOT NULL,
    repository   text        NOT NULL,
    pr_number    integer     NOT NULL,
    merged_at    timestamptz,
    author_login text,
    body         text        NOT NULL,
    created_at   timestamptz,
    status       text        NOT NULL,
    answer       text,
    tools        text[],
    read_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS pr_survey_comment_replies_pr_idx ON ops.pr_survey_comment_replies (pr_id);
COMMENT ON TABLE ops.pr_survey_comment_replies IS 'Every /ai reply on a pull request Dexxy read from staging.github_pr_comments, once per comment: what it did to the survey.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.comment_id IS 'GitHub id of the conversation comment.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.pr_id IS 'The pull request commented on.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.repository IS 'Repository as owner/name.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.pr_number IS 'Pull request number within the repository.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.merged_at IS 'When the pull request merged (NULL: not merged).';
COMMENT ON COLUMN ops.pr_survey_comment_replies.author_login IS 'Who wrote the reply.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.body IS 'The reply as written.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.created_at IS 'When it was written (GitHub''s clock).';
COMMENT ON COLUMN ops.pr_survey_comment_replies.status IS 'recorded (the survey''s answer), already_answered (the first answer stays), not_author (someone other than the pull request''s author: ignored), unknown_survey (the author was never asked about it: a problem), malformed (not /ai none|some|most: a problem).';
COMMENT ON COLUMN ops.pr_survey_comment_replies.answer IS 'none, some or most when readable.';
COMMENT ON COLUMN ops.pr_survey_comment_replies.tools IS 'Tools named after the answer (canonical names; unknown words count as other).';
COMMENT ON COLUMN ops.pr_survey_comment_replies.read_at IS 'When Dexxy read it.';

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
    round((extract(epoch FROM d.answered_at - d.sent_at) / 3600)::numeric, 2) AS latency_hours,
    d.channel,
    d.answer_source
FROM ops.pr_survey_deliveries AS d;
COMMENT ON VIEW analytics.pr_surveys IS 'The PR survey: one row per merged pull request and person asked (author, optionally reviewers), by Slack or as a comment on the pull request, with when it was sent and answered, the answer (none / some / most AI use) and the tools. Opted-out people have no row. See docs/metrics.md "PR surveys".';
COMMENT ON COLUMN analytics.pr_surveys.channel IS 'How the person was asked: slack (a direct message) or github_comment (a comment on the pull request).';
COMMENT ON COLUMN analytics.pr_surveys.answer_source IS 'Where the answer came from: slack or github_comment (an /ai reply); NULL while unanswered.';
