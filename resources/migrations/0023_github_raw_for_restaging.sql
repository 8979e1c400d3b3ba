-- Staging is derived from raw: github/pull_requests_staged re-parses the stored payloads, so raw must say
-- everything the fetch knew that the payloads do not: whether the pull request vanished mid-fetch (kept in
-- raw, never staged) and whose shape its draft events have (a GraphQL pull request may re-read them over REST).
ALTER TABLE raw.github_pull_requests ADD COLUMN IF NOT EXISTS vanished text;
ALTER TABLE raw.github_pull_requests ADD COLUMN IF NOT EXISTS draft_events_format text;
COMMENT ON COLUMN raw.github_pull_requests.vanished IS
    'What answered 404 when the pull request was deleted or transferred mid-fetch (kept as far as fetched, not staged); NULL when fetched whole.';
COMMENT ON COLUMN raw.github_pull_requests.draft_events_format IS
    'Whose shape draft_events has: rest (issue events) or graphql (timeline items); NULL when not fetched.';
