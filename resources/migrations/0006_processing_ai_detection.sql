-- Processing: pure functions over staging, re-run when their code version (pattern set) changes.
CREATE SCHEMA IF NOT EXISTS processing;
COMMENT ON SCHEMA processing IS 'Derived facts computed from staging by versioned code (AI detection, summaries).';

CREATE TABLE IF NOT EXISTS processing.pr_ai_detection (
    pr_id           bigint PRIMARY KEY,
    partition_date  date          NOT NULL,
    is_ai_assisted  boolean       NOT NULL,
    tools           text[]        NOT NULL,
    confidence      numeric(4, 3) NOT NULL,
    pattern_version text          NOT NULL,
    evidence        jsonb         NOT NULL,
    detected_at     timestamptz   NOT NULL
);
CREATE INDEX IF NOT EXISTS pr_ai_detection_partition_idx ON processing.pr_ai_detection (partition_date);

CREATE TABLE IF NOT EXISTS processing.commit_ai_detection (
    pr_id           bigint      NOT NULL,
    sha             text        NOT NULL,
    partition_date  date        NOT NULL,
    is_ai_assisted  boolean     NOT NULL,
    ai_co_authors   text[]      NOT NULL,
    tools           text[]      NOT NULL,
    pattern_version text        NOT NULL,
    PRIMARY KEY (pr_id, sha)
);
CREATE INDEX IF NOT EXISTS commit_ai_detection_partition_idx ON processing.commit_ai_detection (partition_date);
