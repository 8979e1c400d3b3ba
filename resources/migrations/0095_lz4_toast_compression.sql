-- Large values (raw payloads above all: a REST pull request is 4-20 KB of JSON) are compressed by TOAST
-- when they are written, and pglz, PostgreSQL's default, was most of a REST raw load's time. lz4 writes them
-- about twice as fast and 20 % smaller (REST raw tables on PostgreSQL 15: 13,534 against 6,566 rows/s, pull
-- requests 3,445 against 1,307; BENCHMARKS.md, 2026-12-02 04:58 UTC). It becomes the database's default for
-- sessions that start from now on. A server built without lz4 (the embedded one is) or a role that does not
-- own the database keeps pglz: nothing else depends on it, so the migration says why and goes on.
DO $$
BEGIN
    EXECUTE format('ALTER DATABASE %I SET default_toast_compression = %L', current_database(), 'lz4');
EXCEPTION
    WHEN invalid_parameter_value OR feature_not_supported THEN
        RAISE NOTICE 'default_toast_compression stays pglz: this server is built without lz4';
    WHEN insufficient_privilege THEN
        RAISE NOTICE 'default_toast_compression stays pglz: only the database owner can change it';
END
$$;
