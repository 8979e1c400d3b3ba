"""Generates the Jira site of a synthetic org, deterministically: same org (seed) -> same site.

Issues exist for every key the pull requests name (`PullRequest.jira_key`), numbered per project in creation
order, created before the first PR naming them, and moved through the workflow by those PRs: in progress
before the PR opens, in review while it is open, done after the merge. Issues nobody opened a PR for fill
the numbering in between (with a few gaps: deleted issues). Sprints are two weeks on each scrum board;
an issue joins the sprint it is worked in (before its start: committed; after: scope added), and what is
not done when a sprint closes carries over to the next. Everything is cut at the org's `as_of`.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from dexxy_sandbox.jira import catalog
from dexxy_sandbox.jira.model import (
    Board,
    ChangeItem,
    Comment,
    History,
    Issue,
    JiraSite,
    JiraUser,
    Project,
    Sprint,
    Status,
    Worklog,
)
from dexxy_sandbox.org import vocabulary as vocab
from dexxy_sandbox.org.model import Account, PullRequest, SyntheticOrg

HOUR = 3600.0
DAY = 86400.0
SPRINT_DAYS = 14
PREHISTORY = 25  # issues numbered before the first one a PR names (epics among them)
CHATTY = (130, 27, 24)  # histories, comments, worklogs of one issue: more than a search result embeds
_Entry = tuple[float, str | None, tuple[ChangeItem, ...]]  # (when, author account id, items)
_KEY_IN_TITLE = re.compile(r"\[?[A-Z][A-Z0-9]+-\d+\]?:?|\(\s*[A-Z][A-Z0-9]+-\d+\s*\)")
_PREFIX = re.compile(r"^(hotfix|feat|fix|chore|refactor|ci|docs)(\([a-z]+\))?:\s*", re.IGNORECASE)


@dataclass
class _Draft:
    """An issue while it is being planned (mutable); frozen into an `Issue` at the end."""

    project: str
    number: int
    created: float
    type: str
    summary: str
    prs: list[PullRequest]
    transitions: list[tuple[float, str]] = field(default_factory=list)  # (ts, status), cut at as_of
    assignee: str | None = None
    assigned_at: float | None = None  # None: assigned at creation
    reporter: str | None = None
    priority: str = "Medium"
    points: float | str | None = None
    points_before: float | None = None
    parent: str | None = None
    sprints: list[tuple[float, int]] = field(default_factory=list)  # (joined at, sprint id)
    extra: list[_Entry] = field(default_factory=list)
    late: list[_Entry] = field(default_factory=list)
    comments: list[tuple[float, float, str | None, dict[str, object]]] = field(default_factory=list)
    worklogs: list[tuple[float, float, float, str | None, int, str | None]] = field(default_factory=list)
    previous_keys: tuple[str, ...] = ()
    cut: bool = False  # a planned step fell after as_of: so do all later ones
    description: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    custom: tuple[tuple[str, object], ...] = ()

    @property
    def key(self) -> str:
        return f"{self.project}-{self.number}"

    @property
    def work_start(self) -> float | None:
        return next((ts for ts, status in self.transitions if status == "In Progress"), None)

    @property
    def resolved(self) -> float | None:
        resolved = None
        for ts, status in self.transitions:
            resolved = ts if _category(status) == "done" else None
        return resolved


_STATUSES = {status.name: status for status in catalog.STATUSES}


def _category(status: str) -> str:
    return _STATUSES[status].category


def _account_id(rng: random.Random) -> str:
    return f"712020:{uuid.UUID(int=rng.getrandbits(128), version=4)}"


def _ts(value: dt.datetime) -> float:
    return value.timestamp()


def _when(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(round(ts), tz=dt.UTC)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def _name_variant(rng: random.Random, name: str) -> str:
    """The same person spelled differently: accents, case or spacing (what display-name matching meets)."""
    style = rng.choice(("accent", "case", "spacing", "accent+case"))
    out = name
    if "accent" in style:
        index = next((i for i, ch in enumerate(out) if ch.lower() in catalog.ACCENTS), None)
        if index is not None:
            accented = catalog.ACCENTS[out[index].lower()]
            out = out[:index] + (accented.upper() if out[index].isupper() else accented) + out[index + 1 :]
    if "case" in style:
        out = out.lower() if rng.random() < 0.5 else out.upper()
    if style == "spacing" or out == name:
        out = out.replace(" ", "  ", 1)
    return out


def _work_email(account: Account) -> str:
    if account.email and account.email.endswith("@dexxy.example"):
        return account.email
    first, _, last = (account.name or account.login).partition(" ")
    return f"{_ascii(first).replace(' ', '')}.{_ascii(last).replace(' ', '')}@dexxy.example"


def _users(
    rng: random.Random, org: SyntheticOrg
) -> tuple[JiraUser, list[JiraUser], list[JiraUser], list[str]]:
    """(api user, listed users, referenced-only users, deleted account ids)."""
    listed: list[JiraUser] = []
    deleted: list[str] = []
    live = [acc for acc in org.engineers if not acc.deleted and acc.jira_account_id]
    name_only = {acc.login for acc in live[1::5]}  # every fifth engineer: matched by display name only
    for account in org.engineers:
        if not account.jira_account_id:
            continue
        if account.deleted:
            deleted.append(account.jira_account_id)  # their work keeps the id; the account is gone
            continue
        zone = catalog.LOCATION_ZONES.get(account.location or "", "UTC")
        name = account.name or account.login
        if account.login in name_only:
            hidden = rng.random() < 0.6
            email = None if hidden else f"{_ascii(name).replace(' ', '')}@mail.example"
            user = JiraUser(
                account.jira_account_id,
                _name_variant(rng, name),
                email,
                zone,
                github_login=account.login,
                match="display_name",
            )
        else:
            user = JiraUser(
                account.jira_account_id,
                name,
                _work_email(account),
                zone,
                github_login=account.login,
                match="email",
            )
        listed.append(user)
    for name, zone in catalog.JIRA_ONLY_PEOPLE:
        email = f"{name.lower().replace(' ', '.')}@dexxy.example"
        listed.append(JiraUser(_account_id(rng), name, email, zone))
    for account_id, name in catalog.APP_USERS:
        listed.append(JiraUser(account_id, name, None, "UTC", account_type="app", match="app"))
    api_user = JiraUser(_account_id(rng), "Dexxy Sync", catalog.API_USER_EMAIL, catalog.SITE_TIME_ZONE)
    listed.append(api_user)
    absent = JiraUser(catalog.ABSENT_REPORTER[0], catalog.ABSENT_REPORTER[1], None, "Europe/Dublin")
    return api_user, listed, [absent], deleted


def _summary(pr: PullRequest) -> str:
    title = _PREFIX.sub("", _KEY_IN_TITLE.sub("", pr.title).strip(" -:"))
    title = " ".join(title.split()) or pr.title
    return title[0].upper() + title[1:]


def _random_summary(rng: random.Random, kind: str) -> str:
    verbs = {"Bug": vocab.VERBS_FIX, "Task": vocab.VERBS_CHORE}.get(kind, vocab.VERBS_FEATURE)
    return f"{rng.choice(verbs)} {rng.choice(vocab.OBJECTS)}"


class _Planner:
    """Plans every issue of the site, then freezes them into records with ids in time order."""

    def __init__(self, org: SyntheticOrg) -> None:
        self.org = org
        self.rng = random.Random(f"jira/{org.seed}/{org.login}")
        self.as_of = _ts(org.as_of)
        self.start = _ts(dt.datetime.combine(org.start, dt.time(), tzinfo=dt.UTC))
        self.api_user, self.users, self.referenced, self.deleted = _users(self.rng, org)
        self.people = [
            u.account_id for u in self.users if u.account_type == "atlassian" and u is not self.api_user
        ]
        self.engineer_ids = [a.jira_account_id for a in org.engineers if a.jira_account_id and not a.deleted]
        self.automation = catalog.APP_USERS[0][0]
        self.drafts: dict[str, list[_Draft]] = {}
        self.standard: dict[str, list[_Draft]] = defaultdict(list)  # stories, tasks, bugs so far (parents)
        self.epics: dict[str, list[_Draft]] = defaultdict(list)
        self.names = {u.account_id: u.display_name for u in (*self.users, *self.referenced)}

    # ----- issues and their workflow -----
    def plan_project(self, key: str, refs: dict[int, list[PullRequest]]) -> list[_Draft]:
        rng = self.rng
        if refs:
            numbers = sorted(refs)
            low, high = max(1, numbers[0] - PREHISTORY), numbers[-1] + rng.randint(3, 8)
        else:  # the operations project: incidents every few days
            low, high = 1, max(6, int((self.as_of - self.start) / DAY / 3))
        count = high - low + 1
        in_window = count - (PREHISTORY if refs else 0)  # how many issues the window's span holds
        mean_gap = max(HOUR, (self.as_of - self.start) / max(in_window, 1))
        moment = self.as_of - rng.uniform(HOUR, DAY)
        created: dict[int, float] = {}
        for number in range(high, low - 1, -1):
            if number in refs:
                first = min(_ts(pr.created_at) for pr in refs[number])
                moment = min(moment, first - rng.uniform(2 * HOUR, 5 * DAY))
            created[number] = moment
            moment -= rng.expovariate(1 / mean_gap)
        drafts: list[_Draft] = []
        for number in range(low, high + 1):
            prs = sorted(refs.get(number, []), key=lambda pr: (pr.created_at, pr.repo, pr.number))
            if not prs and rng.random() < 0.03:
                continue  # a deleted issue: its number is a gap
            drafts.append(self.plan_issue(key, number, created[number], prs, number - low < 3))
        return drafts

    def plan_issue(
        self,
        project: str,
        number: int,
        created: float,
        prs: list[PullRequest],
        epic: bool,
    ) -> _Draft:
        rng = self.rng
        if project == catalog.OPS_PROJECT[0]:
            kind = "Incident" if rng.random() < 0.8 else "Task"
        elif prs:
            first_kind = prs[0].kind
            kind = {"fix": "Bug", "hotfix": "Bug", "chore": "Task"}.get(first_kind, "Story")
            kind = "Task" if kind == "Story" and rng.random() < 0.2 else kind
        elif epic:
            kind = "Epic"
        else:
            kind = rng.choices(("Story", "Task", "Bug", "Sub-task"), weights=(35, 25, 20, 20))[0]
        summary = (
            _summary(prs[0])
            if prs
            else (
                rng.choice(catalog.INCIDENT_SUMMARIES) if kind == "Incident" else _random_summary(rng, kind)
            )
        )
        draft = _Draft(project, number, created, kind, summary, prs)
        standard = self.standard[project]
        epics = self.epics[project]
        if kind == "Sub-task":
            if standard:
                draft.parent = rng.choice(standard[-10:]).key
            else:
                draft.type = "Task"
        elif kind in ("Story", "Task", "Bug") and epics and rng.random() < 0.6:
            draft.parent = rng.choice(epics).key
        draft.priority = (
            rng.choice(("Highest", "High"))
            if kind == "Incident"
            else rng.choices(catalog.PRIORITIES, (3, 15, 60, 17, 5))[0]
        )
        draft.reporter = self._reporter()
        draft.description = (
            tuple(rng.sample(catalog.DESCRIPTION_SENTENCES, rng.randint(1, 2))) if rng.random() < 0.8 else ()
        )
        draft.labels = tuple(sorted(rng.sample(catalog.LABELS, rng.randint(0, 2))))
        if rng.random() < 0.3:
            impact = rng.choice(("Low", "Medium", "High"))
            draft.custom += (
                (catalog.CUSTOMER_IMPACT_FIELD, {"value": impact, "id": str(10100 + len(impact))}),
            )
        if rng.random() < 0.1:
            draft.custom += ((catalog.ORPHAN_FIELD, f"legacy-{rng.getrandbits(24):06x}"),)
        self._workflow(draft)
        self._people(draft)
        self._points(draft)
        if draft.type in ("Story", "Task", "Bug"):
            standard.append(draft)
        elif draft.type == "Epic":
            epics.append(draft)
        return draft

    def _reporter(self) -> str:
        rng = self.rng
        if rng.random() < 0.04:
            return catalog.ABSENT_REPORTER[0]
        return rng.choice(self.people) if rng.random() < 0.7 else rng.choice(self.engineer_ids or self.people)

    def _step(self, draft: _Draft, ts: float, status: str) -> None:
        previous = draft.transitions[-1][0] if draft.transitions else draft.created
        ts = max(ts, previous + 60)
        draft.cut = draft.cut or ts > self.as_of
        if not draft.cut:
            draft.transitions.append((ts, status))

    def _workflow(self, draft: _Draft) -> None:
        rng, created = self.rng, draft.created
        if draft.prs:
            first = _ts(draft.prs[0].created_at)
            self._step(draft, created + (first - created) * rng.uniform(0.3, 0.9), "In Progress")
            self._step(draft, first, "In Review")
            merged = [_ts(pr.merged_at) for pr in draft.prs if pr.merged_at]
            open_prs = [pr for pr in draft.prs if pr.closed_at is None]
            if merged and not open_prs:
                done = max(merged) + rng.uniform(120, 6 * HOUR)
                if rng.random() < 0.15:
                    self._step(draft, max(merged) + rng.uniform(60, HOUR), "Completed")
                self._step(draft, done, "Done")
                if rng.random() < 0.08:  # reopened, then done again
                    self._step(draft, done + rng.uniform(DAY, 3 * DAY), "In Progress")
                    self._step(draft, done + rng.uniform(3.5 * DAY, 6 * DAY), "Done")
            elif not open_prs:
                closed = max(_ts(pr.closed_at) for pr in draft.prs if pr.closed_at)
                self._step(
                    draft,
                    closed + rng.uniform(HOUR, DAY),
                    "Won't Do" if rng.random() < 0.5 else "In Progress",
                )
            return
        if draft.type == "Incident":
            self._step(draft, created + rng.uniform(300, HOUR), "In Progress")
            self._step(draft, created + rng.uniform(2 * HOUR, 14 * HOUR), "Done")
            return
        if draft.type == "Epic":
            self._step(draft, created + rng.uniform(DAY, 10 * DAY), "In Progress")
            if rng.random() < 0.4:
                self._step(draft, created + rng.uniform(40 * DAY, 90 * DAY), "Done")
            return
        if rng.random() < 0.08:
            self._step(draft, created + rng.uniform(DAY, 20 * DAY), "Won't Do")
            return
        begin = created + rng.lognormvariate(1.0, 1.0) * DAY
        self._step(draft, begin, "In Progress")
        self._step(draft, begin + rng.lognormvariate(0.3, 0.8) * DAY, "In Review")
        self._step(draft, begin + rng.lognormvariate(1.0, 0.7) * DAY + 2 * DAY, "Done")

    def _people(self, draft: _Draft) -> None:
        rng = self.rng
        author = self.org.account(draft.prs[0].author) if draft.prs else None
        if author is not None and author.jira_account_id:
            draft.assignee = author.jira_account_id  # may be a deleted user's id
        elif draft.work_start is not None or rng.random() < 0.5:
            draft.assignee = rng.choice(self.engineer_ids or self.people)
        if draft.assignee and draft.work_start is not None and rng.random() < 0.6:
            draft.assigned_at = draft.work_start  # picked up when work started

    def _points(self, draft: _Draft) -> None:
        rng = self.rng
        if draft.type not in ("Story", "Task", "Bug") or rng.random() < 0.2:
            return
        points = float(rng.choice((1, 2, 3, 5, 8, 13)))
        draft.points = str(int(points)) if rng.random() < 0.05 else points  # some automation writes text
        if draft.work_start is not None and rng.random() < 0.15:
            draft.points_before = float(rng.choice((1, 2, 3, 5, 8)))

    # ----- boards and sprints -----
    def plan_sprints(self, boards: list[Board]) -> list[Sprint]:
        rng = self.rng
        sprints: list[Sprint] = []
        next_id = 1
        for board in boards:
            if board.type != "scrum":
                continue
            drafts = self.drafts[board.project_key]
            earliest = min([d.created for d in drafts if not d.previous_keys] + [self.start])
            first_day = dt.datetime.fromtimestamp(earliest, dt.UTC).date()
            first_day -= dt.timedelta(days=first_day.weekday() + 7 - board.id % 3)
            start = _ts(dt.datetime.combine(first_day, dt.time(16), tzinfo=dt.UTC))
            number = 1
            while True:
                end = start + SPRINT_DAYS * DAY
                name = f"{board.project_key} Sprint {number}"
                created = start - rng.uniform(DAY, 5 * DAY)
                if end <= self.as_of:
                    complete = end - rng.uniform(0, 6 * HOUR)
                    sprints.append(
                        Sprint(
                            next_id,
                            board.id,
                            name,
                            "closed",
                            _when(start),
                            _when(end),
                            _when(complete),
                            _when(created),
                        )
                    )
                elif start <= self.as_of:
                    sprints.append(
                        Sprint(
                            next_id,
                            board.id,
                            name,
                            "active",
                            _when(start),
                            _when(end),
                            None,
                            _when(created),
                            "Ship what we committed",
                        )
                    )
                else:
                    created = min(created, self.as_of - HOUR)
                    sprints.append(
                        Sprint(next_id, board.id, name, "future", None, None, None, _when(created))
                    )
                    next_id += 1
                    break
                next_id += 1
                number += 1
                start = end
            self._join_sprints(drafts, [s for s in sprints if s.board_id == board.id])
        return sprints

    def _join_sprints(self, drafts: list[_Draft], sprints: list[Sprint]) -> None:
        rng = self.rng
        started = [s for s in sprints if s.start is not None]
        future = [s for s in sprints if s.state == "future"]
        for draft in drafts:
            if draft.type not in ("Story", "Task", "Bug") or draft.previous_keys:
                continue
            begin = draft.work_start
            if begin is None:
                if future and draft.resolved is None and rng.random() < 0.4:
                    draft.sprints.append(
                        (max(draft.created + 600, self.as_of - rng.uniform(HOUR, 3 * DAY)), future[0].id)
                    )
                continue
            index = next(  # the first sprint still running when work began (sprints close before their end)
                (i for i, s in enumerate(started) if s.complete is None or _ts(s.complete) > begin),
                len(started) - 1,
            )
            sprint = started[index]
            sprint_start = _ts(sprint.start)
            if draft.created < sprint_start:  # planned into the sprint: committed scope
                joined = max(draft.created + 600, sprint_start - rng.uniform(HOUR, 3 * DAY))
            else:  # created after the start and pulled in: scope added
                joined = draft.created + rng.uniform(60, max(120, min(2 * HOUR, begin - draft.created)))
            draft.sprints.append((joined, sprint.id))
            done = draft.resolved
            while sprint.complete is not None and (done is None or done > _ts(sprint.complete)):
                index += 1
                if index >= len(started):
                    break
                draft.sprints.append((_ts(sprint.complete), started[index].id))  # carried over
                sprint = started[index]

    # ----- conversation and time tracking -----
    def plan_activity(self, draft: _Draft, comments: int | None = None, worklogs: int | None = None) -> None:
        rng = self.rng
        end = min(draft.resolved or self.as_of, self.as_of)
        if end <= draft.created + 120:
            return
        count = comments if comments is not None else rng.choices((0, 1, 2, 3, 4), (40, 25, 18, 10, 7))[0]
        voices = [a for a in (draft.assignee, draft.reporter) if a] or self.people
        for _ in range(count):
            at = rng.uniform(draft.created + 60, end)
            edited = at + rng.uniform(60, DAY) if rng.random() < 0.08 else at
            author = rng.choice(voices) if rng.random() < 0.7 else rng.choice(self.people)
            parts: dict[str, object] = {
                "paragraphs": tuple(rng.sample(catalog.COMMENT_SENTENCES, rng.randint(1, 2)))
            }
            if rng.random() < 0.15:
                parts["mention"] = rng.choice(self.people)
            if rng.random() < 0.08:
                parts["code"] = "curl -s $API/health | jq .status"
            if rng.random() < 0.06:
                parts["unknown_node"] = True
            draft.comments.append((at, min(edited, self.as_of), author, parts))
        begin = draft.work_start
        if begin is None or draft.type not in ("Story", "Task", "Bug", "Sub-task", "Incident"):
            return
        count = worklogs if worklogs is not None else (rng.randint(1, 3) if rng.random() < 0.35 else 0)
        for _ in range(count):
            started = rng.uniform(begin, max(begin + 60, end - 60))
            seconds = 900 * rng.randint(1, 32)
            created = min(started + seconds + rng.uniform(0, 2 * HOUR), self.as_of)
            updated = min(created + rng.uniform(HOUR, DAY), self.as_of) if rng.random() < 0.1 else created
            author = draft.assignee if draft.assignee and rng.random() < 0.8 else rng.choice(self.people)
            draft.worklogs.append(
                (started, created, updated, author, seconds, rng.choice(catalog.WORKLOG_COMMENTS))
            )

    # ----- changelog -----
    def histories(self, draft: _Draft, sprint_names: dict[int, str]) -> list[_Entry]:
        """(when, author, items) for every change, oldest first (creation is not logged, as in Jira)."""
        rng = self.rng
        entries: list[_Entry] = []
        status, resolution = "To Do", None
        actor = draft.assignee or draft.reporter
        for ts, target in draft.transitions:
            old, new = self._status(status), self._status(target)
            items = [ChangeItem("status", "jira", "status", old.id, old.name, new.id, new.name)]
            target_resolution = (
                target if target in catalog.RESOLUTIONS else ("Done" if new.category == "done" else None)
            )
            if target_resolution != resolution:
                items.append(
                    ChangeItem(
                        "resolution",
                        "jira",
                        "resolution",
                        catalog.RESOLUTIONS.get(resolution or ""),
                        resolution,
                        catalog.RESOLUTIONS.get(target_resolution or ""),
                        target_resolution,
                    )
                )
            if draft.assigned_at == ts and draft.assignee:
                name = self._name(draft.assignee)
                items.insert(0, ChangeItem("assignee", "jira", "assignee", None, None, draft.assignee, name))
            entries.append(
                (ts, self.automation if target == "Done" and rng.random() < 0.2 else actor, tuple(items))
            )
            status, resolution = target, target_resolution
        members: list[int] = []
        for ts, sprint_id in draft.sprints:
            before = ", ".join(str(i) for i in members)
            before_names = ", ".join(sprint_names[i] for i in members)
            members.append(sprint_id)
            item = ChangeItem(
                "Sprint",
                "custom",
                catalog.SPRINT_FIELD,
                before or None,
                before_names or None,
                ", ".join(str(i) for i in members),
                ", ".join(sprint_names[i] for i in members),
            )
            entries.append((ts, self.automation if len(members) > 1 else actor, (item,)))
        if draft.points_before is not None and draft.work_start is not None:
            at = max(draft.created + 120, draft.work_start - rng.uniform(HOUR, DAY))
            item = ChangeItem(
                "Story Points",
                "custom",
                catalog.STORY_POINTS_FIELD,
                None,
                f"{draft.points_before:g}",
                None,
                str(draft.points).removesuffix(".0"),
            )
            entries.append((at, draft.reporter, (item,)))
        entries.extend(draft.extra)
        return sorted(entries, key=lambda entry: entry[0])

    def _status(self, name: str) -> Status:
        return _STATUSES[name]

    def _name(self, account_id: str) -> str:
        return self.names.get(account_id, "Former user")


def generate_jira(org: SyntheticOrg) -> JiraSite:
    """The Jira Cloud site of `org`: projects for its repositories' keys plus an operations project."""
    collecting = gc.isenabled()
    gc.disable()  # many small records and no garbage cycles: collection only costs time (as in generate_org)
    try:
        return _generate(org)
    finally:
        if collecting:
            gc.enable()


def _generate(org: SyntheticOrg) -> JiraSite:
    planner = _Planner(org)
    rng = planner.rng
    refs: dict[str, dict[int, list[PullRequest]]] = defaultdict(lambda: defaultdict(list))
    for pr in org.all_pulls():
        if pr.jira_key:
            project, _, number = pr.jira_key.partition("-")
            refs[project][int(number)].append(pr)
    keys = sorted({repo.jira_project_key for repo in org.repositories})
    domains = {key: (domain, text) for domain, key, text in vocab.DOMAINS}
    projects: list[Project] = []
    leads = planner.engineer_ids or planner.people
    for index, key in enumerate([*keys, catalog.OPS_PROJECT[0]]):
        domain, text = domains.get(key, (catalog.OPS_PROJECT[1], catalog.OPS_PROJECT[2]))
        name = domain.title() if key in domains else domain
        projects.append(
            Project(str(10000 + index), key, name, leads[index % len(leads)], text[0].upper() + text[1:])
        )
        planner.drafts[key] = planner.plan_project(key, refs.get(key, {}))
    _move_one_incident(planner, keys, projects[0].name)
    boards = [
        Board(index + 1, f"{p.key} board", "kanban" if p.key == catalog.OPS_PROJECT[0] else "scrum", p.key)
        for index, p in enumerate(projects)
    ]
    sprints = planner.plan_sprints(boards)
    sprint_names = {s.id: s.name for s in sprints}
    all_drafts = [d for key in planner.drafts for d in planner.drafts[key]]
    chatty = next(d for d in all_drafts if d.type == "Epic" and d.project == keys[0])
    for draft in all_drafts:
        if draft is chatty:
            _make_chatty(planner, draft)
        else:
            planner.plan_activity(draft)
    _ensure_edge_cases(planner, all_drafts)
    planned = [(draft, planner.histories(draft, sprint_names)) for draft in all_drafts]
    for draft, entries in planned:
        draft_updated = _updated(draft, entries)
        if draft_updated < planner.as_of - 2 * HOUR and rng.random() < 0.02:
            _late_entry(planner, draft, draft_updated)
    issues = sorted(_freeze(planner, planned, projects), key=lambda issue: issue.id)
    return JiraSite(
        title=catalog.SITE_TITLE,
        time_zone=catalog.SITE_TIME_ZONE,
        as_of=org.as_of,
        api_user=planner.api_user,
        users=tuple(planner.users),
        referenced_users=tuple(planner.referenced),
        projects=tuple(projects),
        statuses=catalog.STATUSES,
        issue_types=catalog.ISSUE_TYPES,
        priorities=catalog.PRIORITIES,
        issues=tuple(issues),
        boards=tuple(boards),
        sprints=tuple(sprints),
        deleted_account_ids=tuple(planner.deleted),
    )


def _move_one_incident(planner: _Planner, keys: list[str], target_name: str) -> None:
    """An incident escalated into a bug: moved from OPS into the first project, so its key changes."""
    ops = planner.drafts[catalog.OPS_PROJECT[0]]
    target = planner.drafts[keys[0]]
    candidates = [d for d in ops if d.type == "Incident" and d.created < planner.as_of - 10 * DAY]
    if not candidates or not target:
        return
    draft = candidates[len(candidates) // 2]
    last = max(d.created for d in target)
    when = min(max(last, draft.created) + planner.rng.uniform(HOUR, 6 * HOUR), planner.as_of - 600)
    old_key = draft.key
    number = max(d.number for d in target) + 1
    ops.remove(draft)
    draft.previous_keys = (old_key,)
    draft.project, draft.number, draft.type = keys[0], number, "Bug"
    old_project, new_project = (str(10000 + len(keys)), catalog.OPS_PROJECT[1]), (str(10000), target_name)
    items = (
        ChangeItem("Key", "jira", None, None, old_key, None, draft.key),
        ChangeItem(
            "project", "jira", "project", old_project[0], old_project[1], new_project[0], new_project[1]
        ),
        ChangeItem("issuetype", "jira", "issuetype", "10005", "Incident", "10003", "Bug"),
    )
    draft.extra.append((when, draft.reporter, items))
    target.append(draft)


def _make_chatty(planner: _Planner, draft: _Draft) -> None:
    """One long-lived epic with more changelog, comments and worklogs than a search result embeds."""
    rng = planner.rng
    histories, comments, worklogs = CHATTY
    span = planner.as_of - draft.created - 120
    for index in range(histories - len(draft.transitions)):
        at = draft.created + 60 + span * (index + 0.5) / histories
        item = ChangeItem(
            "Rank",
            "custom",
            catalog.RANK_FIELD,
            None,
            None,
            None,
            rng.choice(("Ranked higher", "Ranked lower")),
        )
        draft.extra.append((at, rng.choice(planner.people), (item,)))
    if draft.work_start is None:
        draft.transitions.insert(0, (draft.created + 90, "In Progress"))
    planner.plan_activity(draft, comments=comments, worklogs=0)
    begin = draft.work_start or draft.created + 90
    for _ in range(worklogs):
        started = rng.uniform(begin, planner.as_of - 3 * HOUR)
        seconds = 900 * rng.randint(1, 8)
        created = started + seconds + rng.uniform(0, HOUR)
        draft.worklogs.append(
            (started, created, created, rng.choice(planner.people), seconds, "Epic coordination")
        )


def _ensure_edge_cases(planner: _Planner, drafts: list[_Draft]) -> None:
    """Make the bad input the docs promise certain, whatever the seed drew."""
    standard = [d for d in drafts if d.type in ("Story", "Task", "Bug")]
    if standard and not any(isinstance(d.points, str) for d in drafts):
        pointed = next((d for d in standard if d.points is not None), standard[0])
        pointed.points = str(int(float(pointed.points or 3)))
    if not any(d.assignee is None for d in drafts):
        idle = next((d for d in drafts if d.work_start is None), drafts[-1])
        idle.assignee, idle.assigned_at = None, None
    if not any(d.reporter == catalog.ABSENT_REPORTER[0] for d in drafts):
        drafts[len(drafts) // 2].reporter = catalog.ABSENT_REPORTER[0]
    if not any(parts.get("unknown_node") for d in drafts for *_, parts in d.comments):
        commented = next((d for d in drafts if d.comments), None)
        if commented is not None:
            at, edited, author, parts = commented.comments[0]
            commented.comments[0] = (at, edited, author, {**parts, "unknown_node": True})


def _updated(draft: _Draft, entries: list[_Entry]) -> float:
    times = [
        draft.created,
        *(e[0] for e in entries),
        *(c[1] for c in draft.comments),
        *(w[2] for w in draft.worklogs),
    ]
    return max(times)


def _late_entry(planner: _Planner, draft: _Draft, updated: float) -> None:
    """A change logged after the issue's `updated` (Jira does this for links added by apps)."""
    at = updated + planner.rng.uniform(60, 90 * 60)
    item = ChangeItem(
        "RemoteIssueLink",
        "jira",
        None,
        None,
        None,
        str(10_000 + draft.number),
        "This issue links to a pull request",
    )
    draft.late.append((min(at, planner.as_of), catalog.APP_USERS[1][0], (item,)))


def _freeze(
    planner: _Planner, planned: list[tuple[_Draft, list[_Entry]]], projects: list[Project]
) -> list[Issue]:
    """Ids in time order (issues by creation, histories, comments and worklogs site-wide), then records."""
    rng = planner.rng
    order = sorted(range(len(planned)), key=lambda i: (planned[i][0].created, i))
    issue_ids: dict[int, int] = {}
    next_id = 10_000
    for index in order:
        next_id += rng.randint(1, 3)
        issue_ids[index] = next_id
    logged = [sorted([*entries, *draft.late], key=lambda e: e[0]) for draft, entries in planned]
    history_ids = _sequence(rng, [(e[0], i, n) for i, es in enumerate(logged) for n, e in enumerate(es)])
    comments_of = [sorted(d.comments, key=lambda c: c[0]) for d, _ in planned]
    comment_ids = _sequence(rng, [(c[0], i, n) for i, cs in enumerate(comments_of) for n, c in enumerate(cs)])
    worklogs_of = [sorted(d.worklogs, key=lambda w: w[1]) for d, _ in planned]
    worklog_ids = _sequence(rng, [(w[1], i, n) for i, ws in enumerate(worklogs_of) for n, w in enumerate(ws)])
    issues: list[Issue] = []
    for index in order:
        draft, entries = planned[index]
        issue_id = issue_ids[index]
        histories = tuple(
            History(history_ids[(index, n)], author, _when(at), items)
            for n, (at, author, items) in enumerate(logged[index])
        )
        comments = tuple(
            Comment(
                comment_ids[(index, n)],
                author,
                _when(at),
                _when(edited),
                tuple(parts["paragraphs"]),  # type: ignore[arg-type]
                parts.get("mention"),  # type: ignore[arg-type]
                parts.get("code"),  # type: ignore[arg-type]
                bool(parts.get("unknown_node")),
            )
            for n, (at, edited, author, parts) in enumerate(comments_of[index])
        )
        worklogs = tuple(
            Worklog(
                worklog_ids[(index, n)],
                issue_id,
                author,
                _when(start),
                _when(made),
                _when(changed),
                secs,
                text,
            )
            for n, (start, made, changed, author, secs, text) in enumerate(worklogs_of[index])
        )
        status = draft.transitions[-1][1] if draft.transitions else "To Do"
        resolved = draft.resolved
        resolution = None if resolved is None else (status if status in catalog.RESOLUTIONS else "Done")
        team = next((p.name for p in projects if p.key == draft.project), "")
        custom = (*draft.custom, (catalog.TEAM_FIELD, {"id": f"team-{draft.project.lower()}", "name": team}))
        issues.append(
            Issue(
                id=issue_id,
                key=draft.key,
                number=draft.number,
                project_key=draft.project,
                issue_type=draft.type,
                summary=draft.summary,
                description=draft.description,
                status=status,
                priority=draft.priority,
                assignee=draft.assignee,
                reporter=draft.reporter,
                created=_when(draft.created),
                updated=_when(_updated(draft, entries)),
                resolved=_when(resolved) if resolved is not None else None,
                resolution=resolution,
                story_points=draft.points,
                parent_key=draft.parent,
                sprint_ids=tuple(sprint_id for _, sprint_id in draft.sprints),
                labels=draft.labels,
                rank=f"0|i{issue_id:05x}:",
                histories=histories,
                comments=comments,
                worklogs=worklogs,
                custom_fields=custom,
                previous_keys=draft.previous_keys,
                pr_keys=tuple(f"{pr.repo}#{pr.number}" for pr in draft.prs),
            )
        )
    return issues


def _sequence(rng: random.Random, stamps: list[tuple[float, int, int]]) -> dict[tuple[int, int], int]:
    """Site-wide ids increasing with time, keyed by (draft index, position)."""
    ids: dict[tuple[int, int], int] = {}
    next_id = 10_000
    for _, draft, position in sorted(stamps):
        next_id += rng.randint(1, 4)
        ids[(draft, position)] = next_id
    return ids
