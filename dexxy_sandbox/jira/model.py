"""The Jira site as plain, immutable records: users, projects, workflow, issues and their history, boards.

These records are the Jira emulator's ground truth: `payloads` renders them in Jira Cloud's shapes, and tests
compare what a client loaded against them (for instance `JiraUser.github_login` or `Issue.previous_keys`).
Times are aware UTC datetimes; rendering converts them to the API user's time zone, as Jira does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class JiraUser:
    """An Atlassian account; `github_login` and `match` are ground truth for identity matching."""

    account_id: str
    display_name: str
    email: str | None  # None when the profile hides it
    time_zone: str
    account_type: str = "atlassian"  # "atlassian" or "app"
    active: bool = True
    github_login: str | None = None
    match: str = "none"  # how it relates to a GitHub engineer: "email", "display_name", "none", "app"


@dataclass(frozen=True, slots=True)
class Status:
    id: str
    name: str
    category: str  # status category key: "new", "indeterminate" or "done"


@dataclass(frozen=True, slots=True)
class IssueType:
    id: str
    name: str
    hierarchy_level: int  # 1 epic, 0 standard, -1 sub-task

    @property
    def subtask(self) -> bool:
        return self.hierarchy_level < 0


@dataclass(frozen=True, slots=True)
class Project:
    id: str
    key: str
    name: str
    lead_account_id: str
    description: str
    style: str = "classic"


@dataclass(frozen=True, slots=True)
class ChangeItem:
    """One field change of a history entry, in Jira's terms (`from`/`to` raw ids, `*String` labels)."""

    field: str
    field_type: str  # "jira" or "custom"
    field_id: str | None
    from_value: str | None
    from_string: str | None
    to_value: str | None
    to_string: str | None


@dataclass(frozen=True, slots=True)
class History:
    """One changelog entry: who changed what, when."""

    id: int
    author: str | None  # account id; None for changes made anonymously
    created: dt.datetime
    items: tuple[ChangeItem, ...]


@dataclass(frozen=True, slots=True)
class Comment:
    """A comment; its Atlassian Document Format body is rendered from these parts."""

    id: int
    author: str | None
    created: dt.datetime
    updated: dt.datetime
    paragraphs: tuple[str, ...]
    mention: str | None = None  # account id mentioned in the first paragraph
    code: str | None = None  # a code block
    unknown_node: bool = False  # carries a node type a converter is unlikely to know (text must survive)


@dataclass(frozen=True, slots=True)
class Worklog:
    id: int
    issue_id: int
    author: str | None
    started: dt.datetime
    created: dt.datetime
    updated: dt.datetime
    seconds: int
    comment: str | None


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as of the site's `as_of`: current fields plus its full changelog, comments and worklogs."""

    id: int
    key: str
    number: int
    project_key: str
    issue_type: str  # IssueType name
    summary: str
    description: tuple[str, ...]
    status: str  # Status name
    priority: str
    assignee: str | None  # account id (maybe of a deleted user)
    reporter: str | None
    created: dt.datetime
    updated: dt.datetime
    resolved: dt.datetime | None
    resolution: str | None
    story_points: float | str | None  # a few are strings, as some sites' automation writes them
    parent_key: str | None  # epic (or the parent of a sub-task)
    sprint_ids: tuple[int, ...]  # oldest first
    labels: tuple[str, ...]
    rank: str
    histories: tuple[History, ...]  # oldest first
    comments: tuple[Comment, ...]
    worklogs: tuple[Worklog, ...]
    custom_fields: tuple[tuple[str, object], ...] = ()  # fields the product does not know
    previous_keys: tuple[str, ...] = ()  # keys it had before it was moved between projects
    pr_keys: tuple[str, ...] = field(default=(), compare=False)  # ground truth: PRs "repo#n" naming it

    @property
    def time_spent(self) -> int:
        return sum(worklog.seconds for worklog in self.worklogs)


@dataclass(frozen=True, slots=True)
class Board:
    id: int
    name: str
    type: str  # "scrum" or "kanban"
    project_key: str


@dataclass(frozen=True, slots=True)
class Sprint:
    id: int
    board_id: int
    name: str
    state: str  # "closed", "active" or "future"
    start: dt.datetime | None
    end: dt.datetime | None
    complete: dt.datetime | None
    created: dt.datetime
    goal: str = ""


@dataclass
class JiraSite:
    """A whole Jira Cloud site over the synthetic org; lookups accept ids, keys and moved keys."""

    title: str
    time_zone: str  # the API user's (and `/myself`'s) zone: JQL date literals are read in it
    as_of: dt.datetime
    api_user: JiraUser
    users: tuple[JiraUser, ...]  # what /users/search lists
    referenced_users: tuple[JiraUser, ...]  # accounts that appear on issues but are not listed
    projects: tuple[Project, ...]
    statuses: tuple[Status, ...]
    issue_types: tuple[IssueType, ...]
    priorities: tuple[str, ...]
    issues: tuple[Issue, ...]  # by id
    boards: tuple[Board, ...]
    sprints: tuple[Sprint, ...]
    deleted_account_ids: tuple[str, ...] = ()
    _by_key: dict[str, Issue] = field(default_factory=dict, repr=False)
    _by_id: dict[int, Issue] = field(default_factory=dict, repr=False)
    _users: dict[str, JiraUser] = field(default_factory=dict, repr=False)
    _worklogs: dict[int, Worklog] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for issue in self.issues:
            self._by_id[issue.id] = issue
            self._by_key[issue.key.upper()] = issue
            for old in issue.previous_keys:
                self._by_key.setdefault(old.upper(), issue)
            for worklog in issue.worklogs:
                self._worklogs[worklog.id] = worklog
        for user in (self.api_user, *self.users, *self.referenced_users):
            self._users[user.account_id] = user

    def issue(self, id_or_key: str) -> Issue | None:
        """By id, current key or a key it had before a move (case-insensitive, like Jira)."""
        if id_or_key.isdigit():
            return self._by_id.get(int(id_or_key))
        return self._by_key.get(id_or_key.upper())

    def user(self, account_id: str | None) -> JiraUser | None:
        return self._users.get(account_id) if account_id else None

    def status(self, name: str) -> Status:
        return next(s for s in self.statuses if s.name == name)

    def issue_type(self, name: str) -> IssueType:
        return next(t for t in self.issue_types if t.name == name)

    def project(self, key_or_id: str) -> Project | None:
        wanted = key_or_id.upper()
        return next((p for p in self.projects if wanted in (p.key, p.id)), None)

    def sprint(self, sprint_id: int) -> Sprint | None:
        return next((s for s in self.sprints if s.id == sprint_id), None)

    def board(self, board_id: int) -> Board | None:
        return next((b for b in self.boards if b.id == board_id), None)

    def worklog(self, worklog_id: int) -> Worklog | None:
        return self._worklogs.get(worklog_id)

    def all_worklogs(self) -> list[Worklog]:
        return sorted(self._worklogs.values(), key=lambda w: (w.updated, w.id))

    @property
    def project_keys(self) -> tuple[str, ...]:
        return tuple(p.key for p in self.projects)
