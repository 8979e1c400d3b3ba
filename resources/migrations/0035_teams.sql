-- Teams: GitHub organisation teams and their members (raw and staging), the optional teams file
-- (DEXXY_TEAMS_FILE) in staging, and the BI tables analytics.teams and analytics.team_memberships.
CREATE TABLE IF NOT EXISTS raw.github_teams (
    org           text        NOT NULL,
    team_id       bigint,
    slug          text,
    fetched_at    timestamptz NOT NULL,
    payload       jsonb       NOT NULL,
    partition_row integer     NOT NULL,
    PRIMARY KEY (org, partition_row)
);
COMMENT ON TABLE raw.github_teams IS 'GET /orgs/{org}/teams, as fetched; replaced per organisation on each sync.';
COMMENT ON COLUMN raw.github_teams.org IS 'GitHub organisation the team belongs to (the raw partition).';
COMMENT ON COLUMN raw.github_teams.team_id IS 'GitHub team id from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_teams.slug IS 'Team slug from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_teams.fetched_at IS 'When the listing was fetched.';
COMMENT ON COLUMN raw.github_teams.payload IS 'The team object verbatim.';
COMMENT ON COLUMN raw.github_teams.partition_row IS '1-based position of the row within its organisation in the load that wrote it.';

CREATE TABLE IF NOT EXISTS raw.github_team_members (
    org           text        NOT NULL,
    team_slug     text        NOT NULL,
    user_id       bigint,
    login         text,
    fetched_at    timestamptz NOT NULL,
    payload       jsonb       NOT NULL,
    partition_row integer     NOT NULL,
    PRIMARY KEY (org, partition_row)
);
COMMENT ON TABLE raw.github_team_members IS 'GET /orgs/{org}/teams/{slug}/members for every team, as fetched; replaced per organisation on each sync.';
COMMENT ON COLUMN raw.github_team_members.org IS 'GitHub organisation (the raw partition).';
COMMENT ON COLUMN raw.github_team_members.team_slug IS 'The team whose member listing returned the row.';
COMMENT ON COLUMN raw.github_team_members.user_id IS 'GitHub user id from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_team_members.login IS 'GitHub login from the payload; NULL when unreadable.';
COMMENT ON COLUMN raw.github_team_members.fetched_at IS 'When the listing was fetched.';
COMMENT ON COLUMN raw.github_team_members.payload IS 'The team-member object verbatim (a user with role and inherited).';
COMMENT ON COLUMN raw.github_team_members.partition_row IS '1-based position of the row within its organisation in the load that wrote it.';

CREATE TABLE IF NOT EXISTS staging.github_teams (
    team_id        bigint PRIMARY KEY,
    org            text        NOT NULL,
    slug           text        NOT NULL,
    name           text,
    description    text,
    privacy        text,
    parent_team_id bigint,
    parent_slug    text,
    is_current     boolean     NOT NULL,
    fetched_at     timestamptz NOT NULL
);
COMMENT ON TABLE staging.github_teams IS 'GitHub teams, current and deleted (is_current = false once a sync no longer lists them).';
COMMENT ON COLUMN staging.github_teams.team_id IS 'GitHub team id.';
COMMENT ON COLUMN staging.github_teams.org IS 'GitHub organisation.';
COMMENT ON COLUMN staging.github_teams.slug IS 'Team slug (unique within the organisation).';
COMMENT ON COLUMN staging.github_teams.name IS 'Team name.';
COMMENT ON COLUMN staging.github_teams.description IS 'Team description.';
COMMENT ON COLUMN staging.github_teams.privacy IS 'closed (visible to the organisation) or secret.';
COMMENT ON COLUMN staging.github_teams.parent_team_id IS 'The parent team of a nested team; NULL at the top.';
COMMENT ON COLUMN staging.github_teams.parent_slug IS 'The parent team''s slug.';
COMMENT ON COLUMN staging.github_teams.is_current IS 'Listed by the latest sync of its organisation.';
COMMENT ON COLUMN staging.github_teams.fetched_at IS 'When it was last listed.';

CREATE TABLE IF NOT EXISTS staging.github_team_members (
    org          text        NOT NULL,
    team_slug    text        NOT NULL,
    user_id      bigint      NOT NULL,
    login        text        NOT NULL,
    role         text,
    is_inherited boolean,
    is_current   boolean     NOT NULL,
    fetched_at   timestamptz NOT NULL,
    PRIMARY KEY (org, team_slug, user_id)
);
COMMENT ON TABLE staging.github_team_members IS 'Members of GitHub teams, including members of child teams (as GitHub lists them).';
COMMENT ON COLUMN staging.github_team_members.org IS 'GitHub organisation.';
COMMENT ON COLUMN staging.github_team_members.team_slug IS 'The team.';
COMMENT ON COLUMN staging.github_team_members.user_id IS 'GitHub user id of the member.';
COMMENT ON COLUMN staging.github_team_members.login IS 'GitHub login of the member.';
COMMENT ON COLUMN staging.github_team_members.role IS 'maintainer or member; NULL when GitHub did not say.';
COMMENT ON COLUMN staging.github_team_members.is_inherited IS 'True when the person is a member only through a child team; NULL when GitHub did not say.';
COMMENT ON COLUMN staging.github_team_members.is_current IS 'Listed by the latest sync of its organisation.';
COMMENT ON COLUMN staging.github_team_members.fetched_at IS 'When it was last listed.';

CREATE TABLE IF NOT EXISTS staging.config_teams (
    team_key        text PRIMARY KEY,
    name            text        NOT NULL,
    parent_team_key text,
    loaded_at       timestamptz NOT NULL
);
COMMENT ON TABLE staging.config_teams IS 'Teams defined in the teams file (DEXXY_TEAMS_FILE); replaced on each load.';
COMMENT ON COLUMN staging.config_teams.team_key IS 'config:<name>.';
COMMENT ON COLUMN staging.config_teams.name IS 'Team name as written in the file.';
COMMENT ON COLUMN staging.config_teams.parent_team_key IS 'The parent team (a github:<org>/<slug> or config:<name> key), when the file names one.';
COMMENT ON COLUMN staging.config_teams.loaded_at IS 'When the file was loaded.';

CREATE TABLE IF NOT EXISTS staging.config_team_members (
    team_key   text        NOT NULL,
    login      text        NOT NULL,
    role       text        NOT NULL,
    loaded_at  timestamptz NOT NULL,
    PRIMARY KEY (team_key, login)
);
COMMENT ON TABLE staging.config_team_members IS 'People the teams file places in a team (a config team or a GitHub team); replaced on each load.';
COMMENT ON COLUMN staging.config_team_members.team_key IS 'config:<name> or github:<org>/<slug>.';
COMMENT ON COLUMN staging.config_team_members.login IS 'GitHub login, lower-cased.';
COMMENT ON COLUMN staging.config_team_members.role IS 'maintainer or member.';
COMMENT ON COLUMN staging.config_team_members.loaded_at IS 'When the file was loaded.';

CREATE TABLE IF NOT EXISTS analytics.teams (
    team_key        text PRIMARY KEY,
    org             text,
    slug            text,
    name            text NOT NULL,
    parent_team_key text,
    source          text NOT NULL
);
COMMENT ON TABLE analytics.teams IS 'Teams: GitHub organisation teams (current ones) and the teams of the teams file (DEXXY_TEAMS_FILE).';
COMMENT ON COLUMN analytics.teams.team_key IS 'github:<org>/<slug> for a GitHub team, config:<name> for a team of the teams file.';
COMMENT ON COLUMN analytics.teams.org IS 'GitHub organisation; NULL for a team of the teams file.';
COMMENT ON COLUMN analytics.teams.slug IS 'GitHub team slug; for a file team, its name lower-cased with dashes.';
COMMENT ON COLUMN analytics.teams.name IS 'Team name.';
COMMENT ON COLUMN analytics.teams.parent_team_key IS 'The parent team of a nested team; NULL at the top.';
COMMENT ON COLUMN analytics.teams.source IS 'github or config.';

CREATE TABLE IF NOT EXISTS analytics.team_memberships (
    team_key     text   NOT NULL,
    member_id    bigint NOT NULL,
    github_login text   NOT NULL,
    role         text   NOT NULL,
    source       text   NOT NULL,
    PRIMARY KEY (team_key, member_id)
);
COMMENT ON TABLE analytics.team_memberships IS 'Who is in which team. A person may be in several teams; members of a child team are members of its parent too (GitHub lists them so).';
COMMENT ON COLUMN analytics.team_memberships.team_key IS 'The team; joins analytics.teams.team_key.';
COMMENT ON COLUMN analytics.team_memberships.member_id IS 'The person; joins analytics.team_members.member_id.';
COMMENT ON COLUMN analytics.team_memberships.github_login IS 'The person''s GitHub login.';
COMMENT ON COLUMN analytics.team_memberships.role IS 'maintainer or member.';
COMMENT ON COLUMN analytics.team_memberships.source IS 'github (the team''s member listing) or config (the teams file); GitHub wins when both place the person.';
CREATE INDEX IF NOT EXISTS team_memberships_member_idx ON analytics.team_memberships (member_id);
