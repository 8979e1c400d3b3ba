-- OAuth connections made with `dexxy connect github|jira`: besides the rotating refresh token (0021), the
-- current access token (encrypted), what it grants, when each token expires, whose account / which site it
-- reaches, the GitHub App installation, and whether it still works (status, with advice when it does not).
-- ops.oauth_states holds the `state` of each authorisation in flight, bound to the browser session.
ALTER TABLE ops.connections
    ADD COLUMN IF NOT EXISTS scopes                   text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN IF NOT EXISTS access_token_encrypted   text,
    ADD COLUMN IF NOT EXISTS expires_at               timestamptz,
    ADD COLUMN IF NOT EXISTS refresh_expires_at       timestamptz,
    ADD COLUMN IF NOT EXISTS status                   text        NOT NULL DEFAULT 'ok',
    ADD COLUMN IF NOT EXISTS last_error               text,
    ADD COLUMN IF NOT EXISTS account                  text,
    ADD COLUMN IF NOT EXISTS site_url                 text,
    ADD COLUMN IF NOT EXISTS cloud_id                 text,
    ADD COLUMN IF NOT EXISTS installation_id          bigint,
    ADD COLUMN IF NOT EXISTS updated_at               timestamptz NOT NULL DEFAULT now();
ALTER TABLE ops.connections DROP CONSTRAINT IF EXISTS connections_status_check;
ALTER TABLE ops.connections ADD CONSTRAINT connections_status_check CHECK (status IN ('ok', 'error'));
COMMENT ON COLUMN ops.connections.scopes IS 'Scopes the authorisation granted (Atlassian), or the GitHub App permissions summary; never a secret.';
COMMENT ON COLUMN ops.connections.access_token_encrypted IS 'Current access token, Fernet-encrypted with the first key of DEXXY_SECRET_KEY; NULL when only a refresh token is kept.';
COMMENT ON COLUMN ops.connections.expires_at IS 'When the access token expires (refreshed 5 minutes before); NULL: it does not expire.';
COMMENT ON COLUMN ops.connections.refresh_expires_at IS 'When the refresh token expires (GitHub: 6 months); NULL when unknown or never.';
COMMENT ON COLUMN ops.connections.status IS 'ok, or error: the provider refused the refresh token (revoked or expired); last_error says what to do.';
COMMENT ON COLUMN ops.connections.last_error IS 'One line: why the connection failed and the advice (e.g. run `dexxy connect jira`); NULL when ok.';
COMMENT ON COLUMN ops.connections.account IS 'Who authorised: the GitHub login, or the Atlassian site name.';
COMMENT ON COLUMN ops.connections.site_url IS 'The Jira site the grant reaches (from accessible-resources), or the GitHub web URL.';
COMMENT ON COLUMN ops.connections.cloud_id IS 'Atlassian cloud id of that site (requests go to api.atlassian.com/ex/jira/{cloud_id}).';
COMMENT ON COLUMN ops.connections.installation_id IS 'GitHub App installation id, checked against the authorising user''s installations.';
COMMENT ON COLUMN ops.connections.updated_at IS 'When the connection was last authorised, refreshed or marked failed.';

CREATE TABLE IF NOT EXISTS ops.oauth_states (
    state_hash   text        PRIMARY KEY,
    provider     text        NOT NULL,
    session_hash text        NOT NULL,
    step         text        NOT NULL DEFAULT 'authorize',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL
);
COMMENT ON TABLE ops.oauth_states IS 'OAuth authorisations in flight: the keyed hash of each state (single use: deleted when the callback arrives), bound to the browser session that started it.';
COMMENT ON COLUMN ops.oauth_states.state_hash IS 'HMAC-SHA256 of the state sent to the provider (the state itself is never stored).';
COMMENT ON COLUMN ops.oauth_states.provider IS 'github or jira: a state is only good for its own provider''s callback.';
COMMENT ON COLUMN ops.oauth_states.session_hash IS 'HMAC-SHA256 of the browser session id (the signed, HttpOnly cookie) that started the flow.';
COMMENT ON COLUMN ops.oauth_states.step IS 'authorize (the user authorisation) or install (the GitHub App installation that follows it).';
COMMENT ON COLUMN ops.oauth_states.created_at IS 'When the flow started.';
COMMENT ON COLUMN ops.oauth_states.expires_at IS 'After this (10 minutes) the state is refused.';
