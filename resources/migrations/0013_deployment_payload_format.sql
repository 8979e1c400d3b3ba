-- Deployments fetched over GraphQL keep the GraphQL node verbatim in raw (what REST could not give under
-- "_rest"); payload_format says whose shape payload and statuses have (rest or graphql). Staging reads both.
ALTER TABLE raw.github_deployments ADD COLUMN IF NOT EXISTS payload_format text NOT NULL DEFAULT 'rest';
COMMENT ON COLUMN raw.github_deployments.payload_format IS
    'Whose shape payload and statuses have: rest (the REST deployment and its statuses) or graphql (the GraphQL node, with what REST alone gives under "_rest").';
