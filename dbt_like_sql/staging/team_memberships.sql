-- PLACEHOLDER for branch i9-dora only: delete this file when the teams branch (marts/team_memberships.sql,
-- which wins over this one in ref()) is merged. It reads the contract table analytics.team_memberships
-- literally (not with source()/ref()) so that the DORA team grain can be built and tested before the teams
-- model exists; the tests create the table from the contract.
SELECT tm.team_key, tm.member_id, tm.github_login, tm.role, tm.source
FROM analytics.team_memberships AS tm
