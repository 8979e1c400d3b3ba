"""GET /orgs/{org}/teams and /orgs/{org}/teams/{team_slug}/members, in the shapes of GitHub's description.

A team's member listing includes the members of its child teams, each flagged `inherited`, with their `role`
on the team (`maintainer` or `member`), as GitHub documents; `role=` filters by role. Pages link to
GitHub's canonical `/organizations/{id}/team/{id}/members` paths.
"""

from __future__ import annotations

from collections.abc import Callable

from dexxy_sandbox.github_rest.handling import NOT_FOUND, Listing, OrgLookup, RestRequest, choice
from dexxy_sandbox.github_rest.payloads import GitHubPayloads, Json
from dexxy_sandbox.org.model import Account, SyntheticOrg, Team
from dexxy_sandbox.org.team_structure import team_memberships

Handler = Callable[[RestRequest], Json | Listing]


class TeamHandlers:
    """The organisation's teams and their members."""

    def __init__(self, org: SyntheticOrg, lookup: OrgLookup, payloads: GitHubPayloads, api_root: str) -> None:
        self.org = org
        self.lookup = lookup
        self.payloads = payloads
        self.api = api_root.rstrip("/")
        self._by_slug = {team.slug.lower(): team for team in org.teams}

    def routes(self) -> list[tuple[str, tuple[str, ...], Handler]]:
        return [
            ("/orgs/{org}/teams", ("/organizations/{org_id:int}/teams",), self.teams),
            (
                "/orgs/{org}/teams/{team_slug}/members",
                ("/organizations/{org_id:int}/team/{team_id:int}/members",),
                self.members,
            ),
        ]

    # ----- handlers -----
    def teams(self, request: RestRequest) -> Listing:
        self.lookup.check_org(request.params)
        choice(request.query, "team_type", ("all", "enterprise", "organization"), "all")
        ordered = sorted(self.org.teams, key=lambda team: team.name.lower())
        return Listing(ordered, self.team, f"{self.api}/organizations/{self.org.id}/teams")

    def members(self, request: RestRequest) -> Listing:
        self.lookup.check_org(request.params)
        team = self._team(request.params)
        role = choice(request.query, "role", ("member", "maintainer", "all"), "all")
        rows = [row for row in team_memberships(self.org, team) if role in ("all", row[1])]
        paging = f"{self.api}/organizations/{self.org.id}/team/{team.id}/members"
        return Listing(rows, self._member, paging)

    def _team(self, params: dict) -> Team:
        if "team_id" in params:
            found = next((t for t in self.org.teams if t.id == params["team_id"]), None)
        else:
            found = self._by_slug.get(str(params["team_slug"]).lower())
        if found is None:
            raise NOT_FOUND
        return found

    # ----- payloads -----
    def _simple(self, team: Team) -> Json:
        """`team-simple` (what `parent` holds)."""
        url = f"{self.api}/organizations/{self.org.id}/team/{team.id}"
        return {
            "id": team.id,
            "node_id": team.node_id,
            "url": url,
            "html_url": f"{self.payloads.web}/orgs/{self.org.login}/teams/{team.slug}",
            "name": team.name,
            "slug": team.slug,
            "description": team.description,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "type": "organization",
            "organization_id": self.org.id,
        }

    def team(self, team: Team) -> Json:
        """`team`, as GET /orgs/{org}/teams lists it."""
        parent = self._by_slug.get(team.parent.lower()) if team.parent else None
        return {
            **self._simple(team),
            "permissions": {"pull": True, "triage": False, "push": False, "maintain": False, "admin": False},
            "parent": self._simple(parent) if parent else None,
        }

    def _member(self, row: tuple[Account, str, bool]) -> Json:
        account, role, inherited = row
        return {**(self.payloads.simple_user(account.login) or {}), "role": role, "inherited": inherited}
