"""Teams as a real organisation has them: maintainers, a nested team, and people in two teams.

The generator makes one flat team per product area; this adds what managers' rollups must handle, without
drawing from the generator's random stream (so every pull request stays as it was): each team's first member
maintains it, the first team gets an on-call child team (one of its members plus one of the next team's, so
that person is in two teams and, through the child, in the parent's listing too), and an architecture guild
takes the first member of every team.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.model import Account, SyntheticOrg, Team

_CHILD_ID_OFFSET = 500_000
_GUILD_ID_OFFSET = 600_000


def team_structure(teams: Sequence[Team]) -> tuple[Team, ...]:
    """The generated teams with maintainers, plus an on-call child team and a cross-team guild."""
    staffed = [team for team in teams if team.members]
    result = [
        replace(team, maintainers=team.members[:1], description=f"The {team.name} team") for team in teams
    ]
    if not staffed:
        return tuple(result)
    first = staffed[0]
    neighbour = staffed[1] if len(staffed) > 1 else None
    on_call = (first.members[1:2] or first.members[:1]) + (neighbour.members[-1:] if neighbour else ())
    child_id = first.id + _CHILD_ID_OFFSET
    result.append(
        Team(
            slug=f"{first.slug}-on-call",
            name=f"{first.name} On-call",
            id=child_id,
            node_id=legacy_node_id("Team", child_id),
            members=tuple(dict.fromkeys(on_call)),
            maintainers=on_call[:1],
            parent=first.slug,
            description=f"Who carries the {first.name} pager",
        )
    )
    if neighbour is not None:
        guild_id = first.id + _GUILD_ID_OFFSET
        guild = tuple(team.members[0] for team in staffed)
        result.append(
            Team(
                slug="architecture-guild",
                name="Architecture Guild",
                id=guild_id,
                node_id=legacy_node_id("Team", guild_id),
                members=guild,
                maintainers=guild[:1],
                description="One engineer from every team",
            )
        )
    return tuple(result)


def team_memberships(org: SyntheticOrg, team: Team) -> list[tuple[Account, str, bool]]:
    """(account, role, inherited) for the team's direct members and its descendant teams' other members,
    oldest account first: what GitHub lists as a team's members (deleted accounts are nobody's)."""
    seen: dict[str, tuple[Account, str, bool]] = {}
    for login in team.members:
        account = org.account(login)
        if account is not None and not account.deleted:
            seen[account.login] = (account, "maintainer" if login in team.maintainers else "member", False)
    for child in _descendants(org.teams, team):
        for login in child.members:
            account = org.account(login)
            if account is not None and not account.deleted and account.login not in seen:
                seen[account.login] = (account, "member", True)
    return sorted(seen.values(), key=lambda row: row[0].id)


def _descendants(teams: Sequence[Team], team: Team) -> list[Team]:
    children = [t for t in teams if t.parent == team.slug]
    return [d for child in children for d in (child, *_descendants(teams, child))]
