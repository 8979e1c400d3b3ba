-- LLM summaries of pull requests, their cache, and the analytics columns that use them.
CREATE TABLE IF NOT EXISTS ops.llm_cache (
    pr_id          bigint      NOT NULL,
    content_hash   text        NOT NULL,
    prompt_version text        NOT NULL,
    model          text        NOT NULL,
    answer         jsonb       NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pr_id, content_hash, prompt_version, model)
);
COMMENT ON TABLE ops.llm_cache IS 'LLM answers by (pull request, content hash, prompt version, model): nothing is paid for twice.';

CREATE TABLE IF NOT EXISTS processing.pr_llm_summaries (
    pr_id           bigint      PRIMARY KEY,
    partition_date  date        NOT NULL,
    summary         text,
    change_type     text,
    risk            text,
    ai_verdict      boolean,
    ai_evidence     text[]      NOT NULL,
    tech_areas      text[]      NOT NULL,
    model           text        NOT NULL,
    prompt_version  text        NOT NULL,
    summarized_at   timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS pr_llm_summaries_partition_idx ON processing.pr_llm_summaries (partition_date);

ALTER TABLE analytics.pull_requests
    ADD COLUMN IF NOT EXISTS llm_summary              text,
    ADD COLUMN IF NOT EXISTS llm_is_ai_assisted       boolean,
    ADD COLUMN IF NOT EXISTS effective_is_ai_assisted boolean,
    ADD COLUMN IF NOT EXISTS effective_ai_tools       text[];
COMMENT ON COLUMN analytics.pull_requests.llm_summary IS 'Two-sentence summary written by the LLM (processing.pr_llm_summaries); NULL until summarised.';
COMMENT ON COLUMN analytics.pull_requests.llm_is_ai_assisted IS 'The LLM''s verdict on AI-tool use, from the evidence it cited; NULL until summarised.';
COMMENT ON COLUMN analytics.pull_requests.effective_is_ai_assisted IS 'The LLM verdict when present, the regex one (is_ai_assisted) otherwise.';
COMMENT ON COLUMN analytics.pull_requests.effective_ai_tools IS 'The detected AI tools when the effective verdict is AI-assisted (the LLM names no tools; they come from the patterns).';
