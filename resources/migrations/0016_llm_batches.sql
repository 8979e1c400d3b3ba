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
COMMENT ON COLUMN ops.llm_batches.batch_id IS 'Groq''s batch id.';
COMMENT ON COLUMN ops.llm_batches.input_file_id IS 'Groq''s id of the uploaded JSONL input file.';
COMMENT ON COLUMN ops.llm_batches.model IS 'Model the lines ask.';
COMMENT ON COLUMN ops.llm_batches.prompt_version IS 'Prompt version of the lines (llm_prompt.PROMPT_VERSION).';
COMMENT ON COLUMN ops.llm_batches.request_count IS 'Lines in the input file.';
COMMENT ON COLUMN ops.llm_batches.submitted_at IS 'When Groq accepted the batch.';
COMMENT ON COLUMN ops.llm_batches.finished_at IS 'When its results were collected; NULL while the next run must collect it.';

-- Summary rows are rebuilt from the cache, so a re-run keeps the time the answer was paid for.
COMMENT ON COLUMN processing.pr_llm_summaries.summarized_at IS 'When the answer was first paid for (ops.llm_cache.created_at); a re-run keeps it.';
