-- OAuth connections: the rotating refresh token of each connected service, encrypted with DEXXY_SECRET_KEY.
-- Atlassian spends a refresh token on every use and returns a new one, so each rotation is written in its own
-- short transaction (under a row lock, so two runs refresh one after the other) before the access token is used.
CREATE TABLE IF NOT EXISTS ops.connections (
    name                    text        PRIMARY KEY,
    provider                text        NOT NULL,
    refresh_token_encrypted text,
    seed_fingerprint        text,
    rotations               integer     NOT NULL DEFAULT 0,
    created_at              timestamptz NOT NULL DEFAULT now(),
    rotated_at              timestamptz
);
COMMENT ON TABLE ops.connections IS 'OAuth connections (one per service): the latest refresh token, encrypted; never a plaintext secret.';
COMMENT ON COLUMN ops.connections.name IS 'Connection name, e.g. jira.';
COMMENT ON COLUMN ops.connections.provider IS 'Authorisation server, e.g. atlassian.';
COMMENT ON COLUMN ops.connections.refresh_token_encrypted IS 'Latest refresh token, Fernet-encrypted with DEXXY_SECRET_KEY; NULL before the first exchange.';
COMMENT ON COLUMN ops.connections.seed_fingerprint IS 'Keyed hash (HMAC-SHA256) of the configured refresh token the chain started from: a different configured token means a re-authorisation, which replaces the stored one.';
COMMENT ON COLUMN ops.connections.rotations IS 'Refresh-token exchanges so far.';
COMMENT ON COLUMN ops.connections.created_at IS 'When the connection was first stored.';
COMMENT ON COLUMN ops.connections.rotated_at IS 'When the refresh token last rotated.';
