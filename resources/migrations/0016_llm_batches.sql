-- Groq batches submitted for LLM summaries: recorded as soon as Groq accepts them, so a run that crashes or
-- stops waiting is resumed by the next one (it collects these instead of paying for them again).
CREATE TABLE IF NOT EXISTS ops.llm_batches (
    batch_id       text        PRIMARY KEY,
    input_file_id  text        NOT NULL,
    model          text        NOT NULL,
    prompt_version text        NOT NULL,
    requests       jsonb       NOT NULL,
    request_count  integer     NOT NULL,
    status         text        NOT NULL DEFAULT 'submitted',
    answered       integer,
    submitted_at   timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX IF NOT EXISTS llm_batches_unfinished_idx
    ON ops.llm_batches (model, prompt_version) WHERE finished_at IS NULL;
COMMENT ON TABLE ops.llm_batches IS 'Groq batches of LLM summary requests; unfinished ones (finished_at NULL) are collected by the next run.';
COMMENT ON COLUMN ops.llm_batches.requests IS 'custom_id -> content hash of each line, to cache the answers under the content they answer.';
COMMENT ON COLUMN ops.llm_batches.status IS 'submitted, then Groq''s terminal status: completed, failed, expired or cancelled.';
COMMENT ON COLUMN ops.llm_batches.answered IS 'Lines answered (output or error file) when the batch finished.';
