"""`Organization.teams` / `Organization.team`: the teams part of the sandbox's GraphQL API.

The types, fields and arguments are GitHub's (checked against the public schema with the rest of the SDL).
As on github.com: `members(membership: ALL)` (the default) lists a team's direct members and its child
teams' members, `IMMEDIATE` only the direct ones, `CHILD_TEAM` only the inherited ones; each edge carries the
member's `role` (an inherited member is a `MEMBER`); `rootTeamsOnly` leaves out nested teams; teams are listed
by name. Connections page with opaque cursors and cost points like every other connection (`cost`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType, GraphQLResolveInfo, GraphQLSchema, extend_schema, parse

from dexxy_sandbox.github_graphql.views import Connection, Edge, GraphData
from dexxy_sandbox.org.model import Account, SyntheticOrg, Team
from dexxy_sandbox.org.team_structure import team_memberships

TEAM_SDL = """
enum TeamMemberRole {
  MAINTAINER
  MEMBER
}

enum TeamMembershipType {
  ALL
  CHILD_TEAM
  IMMEDIATE
}

enum TeamPrivacy {
  SECRET
  VISIBLE
}

type Team implements Node {
  combinedSlug: String!
  databaseId: Int
  description: String
  id: ID!
  members(
    after: String
    before: String
    first: Int
    last: Int
    membership: TeamMembershipType = ALL
    role: TeamMemberRole
  ): TeamMemberConnection!
  name: String!
  organization: Organization!
  parentTeam: Team
  privacy: TeamPrivacy!
  slug: String!
  url: URI!
}

type TeamConnection {
  edges: [TeamEdge]
  nodes: [Team]
  pageInfo: PageInfo!
  totalCount: Int!
}

type TeamEdge {
  cursor: String!
  node: Team
}

type TeamMemberConnection {
  edges: [TeamMemberEdge]
  nodes: [User]
  pageInfo: PageInfo!
  totalCount: Int!
}

type TeamMemberEdge {
  cursor: String!
  memberAccessResourcePath: URI!
  memberAccessUrl: URI!
  node: User!
  role: TeamMemberRole!
}

extend type Organization {
  team(slug: String!): Team
  teams(
    after: String
    before: String
    first: Int
    last: Int
    rootTeamsOnly: Boolean = false
    userLogins: [String!]
  ): TeamConnection!
}
"""


@dataclass(frozen=True, slots=True)
class TeamMemberView:
    team: Team
    account: Account
    role: str  # maintainer or member
    inherited: bool


def extend_with_teams(schema: GraphQLSchema) -> GraphQLSchema:
    """The schema plus the team types and `Organization.teams` / `Organization.team`."""
    return extend_schema(schema, parse(TEAM_SDL))


def _data(info: GraphQLResolveInfo) -> GraphData:
    return info.context.data


def _teams(org: SyntheticOrg, info: GraphQLResolveInfo, **args: Any) -> Connection:
    teams = sorted(org.teams, key=lambda team: team.name.lower())
    if args.get("rootTeamsOnly"):
        teams = [team for team in teams if team.parent is None]
    if args.get("userLogins"):
        wanted = {login.lower() for login in args["userLogins"]}
        teams = [t for t in teams if any(a.login.lower() in wanted for a, _, _ in team_memberships(org, t))]
    return Connection(teams, args)


def _team(org: SyntheticOrg, info: GraphQLResolveInfo, slug: str) -> Team | None:
    return next((team for team in org.teams if team.slug == slug.lower()), None)


def _members(team: Team, info: GraphQLResolveInfo, **args: Any) -> Connection:
    membership, role = args.get("membership", "ALL"), args.get("role")
    views = [
        TeamMemberView(team, account, member_role, inherited)
        for account, member_role, inherited in team_memberships(_data(info).org, team)
        if membership == "ALL" or inherited == (membership == "CHILD_TEAM")
    ]
    return Connection([v for v in views if role is None or v.role.upper() == role], args)


def _team_url(team: Team, info: GraphQLResolveInfo) -> str:
    data = _data(info)
    return f"{data.web_root}/orgs/{data.org.login}/teams/{team.slug}"


def _member_access_path(edge: Edge, info: GraphQLResolveInfo) -> str:
    view: TeamMemberView = edge.node
    return f"/orgs/{_data(info).org.login}/teams/{view.team.slug}/members/{view.account.login}"


TEAM: dict[str, Any] = {
    "combinedSlug": lambda t, info: f"{_data(info).org.login}/{t.slug}",
    "databaseId": lambda t, info: t.id,
    "description": lambda t, info: t.description,
    "id": lambda t, info: t.node_id,
    "members": _members,
    "name": lambda t, info: t.name,
    "organization": lambda t, info: _data(info).org,
    "parentTeam": lambda t, info: _team(_data(info).org, info, t.parent) if t.parent else None,
    "privacy": lambda t, info: "VISIBLE",
    "slug": lambda t, info: t.slug,
    "url": _team_url,
}
TEAM_MEMBER_CONNECTION: dict[str, Any] = {"nodes": lambda c, info: [v.account for v in c.nodes]}
TEAM_MEMBER_EDGE: dict[str, Any] = {
    "cursor": lambda e, info: e.cursor,
    "memberAccessResourcePath": _member_access_path,
    "memberAccessUrl": lambda e, info: _data(info).web_root + _member_access_path(e, info),
    "node": lambda e, info: e.node.account,
    "role": lambda e, info: e.node.role.upper(),
}


def bind_team_resolvers(schema: GraphQLSchema) -> None:
    """Attach the resolvers to a schema built with `extend_with_teams`."""
    bindings = {
        "Organization": {"teams": _teams, "team": _team},
        "Team": TEAM,
        "TeamMemberConnection": TEAM_MEMBER_CONNECTION,
        "TeamMemberEdge": TEAM_MEMBER_EDGE,
    }
    for type_name, resolvers in bindings.items():
        graphql_type = schema.type_map[type_name]
        assert isinstance(graphql_type, GraphQLObjectType), type_name
        for name, resolver in resolvers.items():
            graphql_type.fields[name].resolve = resolver
