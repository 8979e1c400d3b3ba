"""Generates a deterministic synthetic GitHub organisation.

Everything is drawn from one `random.Random(seed)` in a fixed order; each pull request then draws from its own
sub-seeded generator, so the org is reproducible for (seed, engineers, repos, days, until) and a PR's details
do not change when an unrelated PR does. Plans are cut at `as_of` (end of the `until` day, or now if earlier),
so nothing is ever in the future.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import math
import random
import unicodedata
import uuid

from dexxy_sandbox.org import vocabulary as vocab
from dexxy_sandbox.org.check_run_generator import generate_check_runs
from dexxy_sandbox.org.comment_generator import generate_issue_comments, generate_review_comments
from dexxy_sandbox.org.commit_generator import generate_commits
from dexxy_sandbox.org.conversation_planner import CI_BOT, assign_comment_ids, plan_conversation
from dexxy_sandbox.org.deployment_planner import deployments_as_of, plan_deployments
from dexxy_sandbox.org.file_generator import generate_files
from dexxy_sandbox.org.git_graph import build_repository_graph
from dexxy_sandbox.org.github_ids import legacy_node_id
from dexxy_sandbox.org.issue_event_generator import generate_issue_events
from dexxy_sandbox.org.model import Account, DetailGenerators, PullRequest, Repository, SyntheticOrg, Team
from dexxy_sandbox.org.pipeline_deployments import split_by_style
from dexxy_sandbox.org.pr_planner import (
    COPILOT_REVIEWER,
    EngineerProfile,
    PlanningContext,
    PrPlan,
    finish_revert,
    plan_dependency_pr,
    plan_draft_history,
    plan_human_pr,
    plan_revert_pr,
)
from dexxy_sandbox.org.pr_snapshot import snapshot
from dexxy_sandbox.org.team_structure import team_structure
from dexxy_sandbox.org.timeline import (
    DAY,
    HOUR,
    day_start,
    geometric,
    lognormal,
    poisson,
    to_datetime,
    work_time,
)

DEFAULT_ORG_LOGIN = "dexxy-demo"
EMAIL_DOMAIN = "dexxy.example"
HUGE_PR_COMMITS = 250  # GET /pulls/{n}/commits returns at most this many
DETAIL_GENERATORS = DetailGenerators(
    files=generate_files,
    check_runs=generate_check_runs,
    issue_comments=generate_issue_comments,
    review_comments=generate_review_comments,
    issue_events=generate_issue_events,
    repository_graph=build_repository_graph,
)


def generate_org(
    seed: int = 7,
    engineers: int = 12,
    repos: int = 4,
    days: int = 120,
    until: dt.date | None = None,
    *,
    as_of: dt.datetime | None = None,
    login: str = DEFAULT_ORG_LOGIN,
) -> SyntheticOrg:
    """Generate the org: `days` days of history ending on `until` (default: today, UTC)."""
    if engineers < 1 or repos < 1 or days < 1:
        raise ValueError("engineers, repos and days must all be at least 1")
    collecting = gc.isenabled()
    gc.disable()  # hundreds of thousands of small records and no garbage cycles: collection only costs time
    try:
        return _generate(seed, engineers, repos, days, until, as_of, login)
    finally:
        if collecting:
            gc.enable()


def _generate(
    seed: int,
    engineers: int,
    repos: int,
    days: int,
    until: dt.date | None,
    as_of: dt.datetime | None,
    login: str,
) -> SyntheticOrg:
    now = dt.datetime.now(dt.UTC)
    until = until or now.date()
    start = until - dt.timedelta(days=days - 1)
    window_start, window_end = day_start(start), day_start(until) + DAY - 1
    as_of_ts = int(as_of.timestamp()) if as_of else min(window_end, int(now.timestamp()))
    rng = random.Random(seed)

    org_id = 90_000_000 + rng.randrange(10_000_000)
    repositories = _repositories(rng, repos, window_start)
    teams, profiles = _engineers(rng, engineers, len(repositories), window_start, window_end)
    bots = _bots()
    ctx = PlanningContext(
        org_login=login,
        profiles=profiles,
        by_team={team.slug: [p for p in profiles if p.account.team == team.slug] for team in teams},
        window_start=window_start,
        window_end=window_end,
        pair_partner=next(
            (p.login for p in profiles if p.account.name and p.account.name.startswith("Devin ")), None
        ),
    )
    days_list = [start + dt.timedelta(days=i) for i in range(days)]
    plans = _human_plans(rng, ctx, repositories, days_list)
    plans += _dependency_plans(rng, ctx, repositories, {b.login: b for b in bots}, days_list)
    _ensure_huge_pr(plans, window_start, window_end)
    plans += _revert_plans(rng, ctx, plans)
    _number_and_identify(rng, plans, repositories, login)
    # Details planned below draw from generators of their own, so they leave everything above unchanged.
    for plan in plans:
        plan_draft_history(plan)
        plan_conversation(plan, ctx)
    assign_comment_ids(random.Random(seed ^ 0xC033_E475), plans)
    deployments = deployments_as_of(plan_deployments(seed, ctx, repositories, plans, start, days), as_of_ts)
    deployments, pipeline_deployments = split_by_style(repositories, deployments)

    pulls_by_repo: dict[str, tuple[PullRequest, ...]] = {}
    for repo in repositories:
        snaps = (snapshot(plan, as_of_ts) for plan in plans if plan.repo is repo)
        pulls_by_repo[repo.name] = tuple(sorted((pr for pr in snaps if pr), key=lambda pr: pr.number))
    repositories = [_with_activity(repo, pulls_by_repo[repo.name]) for repo in repositories]
    return SyntheticOrg(
        login=login,
        id=org_id,
        node_id=legacy_node_id("Organization", org_id),
        name="Dexxy Demo",
        created_at=to_datetime(window_start - 900 * DAY),
        seed=seed,
        start=start,
        until=until,
        as_of=to_datetime(as_of_ts),
        engineers=tuple(p.account for p in profiles),
        bots=tuple(bots),
        system_accounts=_system_accounts(),
        teams=team_structure(teams),
        repositories=tuple(repositories),
        pulls_by_repo=pulls_by_repo,
        commit_factory=generate_commits,
        deployments_by_repo=deployments,
        pipeline_deployments_by_repo=pipeline_deployments,
        generators=DETAIL_GENERATORS,
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _repositories(rng: random.Random, count: int, window_start: int) -> list[Repository]:
    """Repositories named domain-kind; repositories of one domain share a Jira project."""
    domains = list(vocab.DOMAINS)
    rng.shuffle(domains)
    names: set[str] = set()
    result: list[Repository] = []
    for index in range(count):
        domain, project, description = domains[index % len(domains)]
        kinds = list(vocab.REPO_KINDS)
        rng.shuffle(kinds)
        suffix, language, ecosystem, others = next(
            (kind for kind in kinds if f"{domain}-{kind[0]}" not in names), kinds[0]
        )
        name = f"{domain}-{suffix}"
        if name in names:
            name = f"{name}-{index}"
        names.add(name)
        repo_id = 300_000_000 + index * 7_919_113 + rng.randrange(1_000_000)
        primary_bytes = rng.randint(200_000, 5_000_000)
        languages = (
            (language, primary_bytes),
            *((lang, primary_bytes // rng.randint(8, 60)) for lang in others),
        )
        created = to_datetime(window_start - rng.randint(60, 2500) * DAY)
        result.append(
            Repository(
                name=name,
                id=repo_id,
                node_id=legacy_node_id("Repository", repo_id),
                description=f"{description[0].upper()}{description[1:]} ({suffix})",
                language=language,
                languages=languages,
                topics=(domain, language.lower()),
                jira_project_key=project,
                dependency_bot="renovate[bot]" if rng.random() < 0.3 else "dependabot[bot]",
                dependency_ecosystem=ecosystem,
                created_at=created,
                pushed_at=created,
                updated_at=created,
                visibility="public" if rng.random() < 0.2 else "private",
                size_kb=primary_bytes // 700,
                stargazers=rng.randint(0, 40),
            )
        )
    return result


def _unique_login(rng: random.Random, first: str, last: str, taken: set[str]) -> str:
    f, la = _ascii(first).replace("-", ""), _ascii(last).replace("'", "")
    login = rng.choice(
        (f"{f}-{la}", f"{f[0]}{la}", f"{f}{la[0]}", f"{f}-{la[:3]}", f"{f}{rng.randint(2, 99)}")
    )
    while login in taken:
        login = f"{login}{rng.randint(0, 9)}"
    taken.add(login)
    return login


def _engineers(
    rng: random.Random, count: int, repo_count: int, window_start: int, window_end: int
) -> tuple[list[Team], list[EngineerProfile]]:
    """Engineers with identities, teams and habits; one in twelve has since deleted their account."""
    team_count = max(1, min(len(vocab.TEAMS), round(count / 4)))
    team_defs = vocab.TEAMS[:team_count]
    pairs = [(f, la) for f in vocab.FIRST_NAMES for la in vocab.LAST_NAMES]
    chosen = rng.sample(pairs, count)
    if count >= 4:
        chosen[3] = ("Devin", chosen[3][1])  # a human Devin: co-author trailers naming him are not AI
    deleted_count = max(1, count // 12) if count >= 5 else 0
    deleted = set(rng.sample([i for i in range(count) if i != 3], deleted_count)) if deleted_count else set()
    span = window_end - window_start
    taken: set[str] = set()
    profiles: list[EngineerProfile] = []
    for index, (first, last) in enumerate(chosen):
        login = _unique_login(rng, first, last, taken)
        user_id = rng.randint(1_000_000, 160_000_000)
        offset, location = rng.choice(vocab.LOCATIONS)
        work_email = f"{_ascii(first).replace(' ', '')}.{_ascii(last).replace(' ', '')}@{EMAIL_DOMAIN}"
        noreply = f"{user_id}+{login}@users.noreply.github.com"
        team_index = index % team_count
        team_slug = team_defs[team_index][0]
        team_repos = [r for r in range(repo_count) if r % team_count == team_index] or [
            team_index % repo_count
        ]
        account = Account(
            login=login,
            id=user_id,
            node_id=legacy_node_id("User", user_id),
            type="User",
            name=f"{first} {last}",
            email=noreply if rng.random() < 0.3 else work_email,
            public_email=work_email if rng.random() < 0.2 else None,
            created_at=to_datetime(1_230_000_000 + user_id * 3),  # older accounts have smaller ids
            team=team_slug,
            jira_account_id=f"712020:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
            utc_offset_hours=offset,
            location=location,
            company="@dexxy-demo" if rng.random() < 0.5 else None,
            deleted=index in deleted,
            is_engineer=True,
        )
        ai_level = rng.choices((0.65, 0.25, 0.03), weights=(30, 40, 30))[0]
        tools = rng.choices(("claude", "copilot", "cursor", "aider"), weights=(40, 30, 20, 10), k=2)
        vacation_start = rng.randrange(max(1, span // DAY))
        profiles.append(
            EngineerProfile(
                account=account,
                home_repo=team_repos[(index // team_count) % len(team_repos)],
                daily_rate=min(max(lognormal(rng, 1.3, 0.3), 0.5), 2.6),
                ai_propensity=ai_level,
                ai_tools=tuple(dict.fromkeys(tools)),
                leave_ts=window_start + span * rng.uniform(0.35, 0.7) if index in deleted else math.inf,
                vacation=range(vacation_start, vacation_start + rng.randint(5, 12))
                if rng.random() < 0.8
                else range(0),
            )
        )
    teams = []
    for number, (slug, name) in enumerate(team_defs):
        team_id = 4_000_000 + number * 1_013 + rng.randrange(1_000)
        members = tuple(p.login for p in profiles if p.account.team == slug and not p.account.deleted)
        teams.append(Team(slug, name, team_id, legacy_node_id("Team", team_id), members))
    return teams, profiles


def _account(login: str, user_id: int, type_: str, name: str | None, email: str, created: str) -> Account:
    node_type = "Bot" if type_ == "Bot" else "User"
    return Account(
        login=login,
        id=user_id,
        node_id=legacy_node_id(node_type, user_id),
        type=type_,
        name=name,
        email=email,
        created_at=dt.datetime.fromisoformat(created),
    )


def _bots() -> list[Account]:
    """The apps that open or review PRs (ids are GitHub's real ones for recognisability)."""
    return [
        _account(
            "dependabot[bot]",
            49699333,
            "Bot",
            None,
            "49699333+dependabot[bot]@users.noreply.github.com",
            "2019-04-16T22:34:25+00:00",
        ),
        _account(
            "renovate[bot]",
            29139614,
            "Bot",
            None,
            "29139614+renovate[bot]@users.noreply.github.com",
            "2017-06-02T07:04:12+00:00",
        ),
        _account(
            CI_BOT,
            41898282,
            "Bot",
            None,
            "41898282+github-actions[bot]@users.noreply.github.com",
            "2018-07-30T09:30:16+00:00",
        ),
        _account(
            COPILOT_REVIEWER,
            175728472,
            "Bot",
            None,
            "175728472+copilot-pull-request-reviewer[bot]@users.noreply.github.com",
            "2024-07-30T18:02:42+00:00",
        ),
    ]


def _system_accounts() -> tuple[Account, ...]:
    """`ghost` stands in for deleted users; `web-flow` commits made in the web UI."""
    return (
        _account("ghost", 10137, "User", "Deleted user", "ghost@github.com", "2008-05-13T06:14:25+00:00"),
        _account("web-flow", 19864447, "User", "GitHub", "noreply@github.com", "2016-06-07T23:01:08+00:00"),
    )


def _human_plans(
    rng: random.Random, ctx: PlanningContext, repositories: list[Repository], days: list[dt.date]
) -> list[PrPlan]:
    """Engineers open ~1-2 PRs per working day (a few on weekends), none on vacation or after leaving."""
    projects = sorted({repo.jira_project_key for repo in repositories})
    issue_base = {key: rng.randint(40, 900) for key in projects}
    issue_rate = {key: rng.uniform(1.0, 4.0) * max(1.0, len(ctx.profiles) / 12) for key in projects}
    plans: list[PrPlan] = []
    for day_index, day in enumerate(days):
        weekend = day.weekday() >= 5
        for profile in ctx.profiles:
            if day_index in profile.vacation:
                continue
            for _ in range(poisson(rng, profile.daily_rate * (0.06 if weekend else 1.0))):
                created = work_time(rng, day, profile.utc_offset)
                repo_index = profile.home_repo if rng.random() < 0.75 else rng.randrange(len(repositories))
                pr_seed = rng.getrandbits(63)
                if created >= profile.leave_ts:
                    continue
                repo = repositories[repo_index]
                key = repo.jira_project_key
                issue = issue_base[key] + int(day_index * issue_rate[key]) + pr_seed % 9
                plans.append(
                    plan_human_pr(random.Random(pr_seed), ctx, pr_seed, repo, profile, created, issue)
                )
    return plans


def _dependency_plans(
    rng: random.Random,
    ctx: PlanningContext,
    repositories: list[Repository],
    bots: dict[str, Account],
    days: list[dt.date],
) -> list[PrPlan]:
    """Dependency bots open a handful of updates per repository every Monday morning (UTC)."""
    plans: list[PrPlan] = []
    for repo in repositories:
        for day in days:
            if day.weekday() != 0:
                continue
            for _ in range(rng.randint(0, 3)):
                created = day_start(day) + rng.randint(4 * HOUR, 7 * HOUR)
                pr_seed = rng.getrandbits(63)
                bot = bots[repo.dependency_bot]
                plans.append(plan_dependency_pr(random.Random(pr_seed), ctx, pr_seed, repo, bot, created))
    return plans


def _ensure_huge_pr(plans: list[PrPlan], window_start: int, window_end: int) -> None:
    """Guarantee one merged PR with more commits than the commits endpoint returns (its 250 cap)."""
    if any(plan.initial_commits > HUGE_PR_COMMITS for plan in plans):
        return
    middle = (window_start + window_end) // 2
    candidates = [
        p
        for p in plans
        if p.merged and p.kind == "feature" and p.close_ts and window_start + 5 * DAY < p.created < middle
    ]
    if candidates:
        plan = candidates[-1]
        plan.initial_commits = HUGE_PR_COMMITS + 10 + plan.seed % 90
        plan.first_commit_ts = max(plan.created - 10 * DAY, window_start)


def _revert_plans(rng: random.Random, ctx: PlanningContext, plans: list[PrPlan]) -> list[PrPlan]:
    """About 2.5% of merged human PRs are reverted within hours, usually by their author."""
    reverts: list[PrPlan] = []
    for original in [p for p in plans if p.merged and p.kind in ("feature", "fix", "chore")]:
        if rng.random() >= 0.025:
            continue
        pr_seed = rng.getrandbits(63)
        author = ctx.profile(original.author)
        assert author is not None and original.close_ts is not None
        if rng.random() >= 0.6 or author.leave_ts <= original.close_ts + 3 * DAY:
            author = ctx.by_login[ctx.pick_reviewer(rng, author, original.close_ts, set())]
        reverts.append(plan_revert_pr(random.Random(pr_seed), ctx, pr_seed, original, author))
    return reverts


def _number_and_identify(
    rng: random.Random, plans: list[PrPlan], repositories: list[Repository], org_login: str
) -> None:
    """Numbers per repository in creation order (issues leave gaps); ids org-wide in time order."""
    for repo in repositories:
        number = rng.randint(1, 300)
        for plan in sorted((p for p in plans if p.repo is repo), key=lambda p: (p.created, p.seed)):
            number += 1 + (geometric(rng, 0.6, 6) if rng.random() < 0.3 else 0)
            plan.number = number
    next_id = 1_700_000_000 + rng.randrange(10_000_000)
    for plan in sorted(plans, key=lambda p: (p.created, p.seed)):
        next_id += rng.randint(20, 4_000)
        plan.id = next_id
        if plan.reverts is not None:
            finish_revert(plan, org_login)
    events = sorted(
        ((e.ts, plan.seed, e) for plan in plans for e in plan.reviews), key=lambda t: (t[0], t[1])
    )
    next_id = 2_100_000_000 + rng.randrange(10_000_000)
    for _, _, event in events:
        next_id += rng.randint(5, 2_000)
        event.id = next_id


def _with_activity(repo: Repository, pulls: tuple[PullRequest, ...]) -> Repository:
    """Repository timestamps follow its pull requests (a merge is a push to the default branch)."""
    merged = [pr.merged_at for pr in pulls if pr.merged_at]
    pushed = max([repo.pushed_at, *merged, *(pr.updated_at for pr in pulls if pr.state == "open")])
    updated = max([pushed, *(pr.updated_at for pr in pulls)]) if pulls else pushed
    return dataclasses.replace(repo, pushed_at=pushed, updated_at=updated)
