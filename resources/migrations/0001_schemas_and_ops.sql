-- Schemas of the warehouse and the operational tables every asset writes to.
CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS analytics;
CREATE SCHEMA IF NOT EXISTS ops;

COMMENT ON SCHEMA raw IS 'API payloads verbatim (jsonb), one row per fetched entity, replaced per daily partition.';
COMMENT ON SCHEMA staging IS 'One typed row per entity in its current state (newest updated_at, then fetched_at, wins).';
COMMENT ON SCHEMA analytics IS 'Stable, documented tables for BI tools. See docs/bi.md.';
COMMENT ON SCHEMA ops IS 'Operational state: sync log, ingest problems, HTTP cache.';

CREATE TABLE IF NOT EXISTS ops.sync_log (
    id              bigserial PRIMARY KEY,
    run_id          text,
    asset_key       text        NOT NULL,
    partition_start date,
    partition_end   date,
    started_at      timestamptz NOT NULL,
    finished_at     timestamptz NOT NULL,
    status          text        NOT NULL,
    rows_written    bigint      NOT NULL DEFAULT 0,
    api_requests    integer     NOT NULL DEFAULT 0,
    api_points      integer     NOT NULL DEFAULT 0,
    problems        integer     NOT NULL DEFAULT 0,
    detail          jsonb       NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX IF NOT EXISTS sync_log_asset_idx ON ops.sync_log (asset_key, finished_at DESC);

-- Bad input is kept in raw and counted here, per asset and partition, so an asset check can report it.
CREATE TABLE IF NOT EXISTS ops.ingest_problems (
    asset_key      text    NOT NULL,
    partition_date date    NOT NULL DEFAULT '1970-01-01',
    problem        text    NOT NULL,
    occurrences    integer NOT NULL,
    example        text,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_key, partition_date, problem)
);

-- Conditional-request cache: a 304 answer costs no rate-limit budget on GitHub.
CREATE TABLE IF NOT EXISTS ops.http_cache (
    url        text PRIMARY KEY,
    etag       text        NOT NULL,
    body       jsonb       NOT NULL,
    next_url   text,
    stored_at  timestamptz NOT NULL DEFAULT now()
);
