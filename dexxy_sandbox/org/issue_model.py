"""Issues and discussions of the synthetic organisation as plain, immutable records (ground truth).

An issue shares its repository's numbering with the pull requests (it takes the numbers the pull requests
left free), is closed as `completed` or `not_planned`, sometimes reopened, sometimes closed by the merge of an
org pull request, and a few are transferred to another repository: from then on they live there under a new
number, keep their ids, and their old URL answers `301 Moved Permanently`. Discussions have a category, may
be answered (Q&A), and a few are deleted: they leave every list and their node lookup fails.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dexxy_sandbox.org.model import IssueComment


@dataclass(frozen=True, slots=True)
class IssueStateEvent:
    """A state change on an issue's timeline: `closed`, `reopened` or `transferred`."""

    id: int
    event: str
    actor: str
    created_at: dt.datetime
    state_reason: str | None = None  # closed: completed or not_planned; reopened: reopened
    closer_repo: str | None = None  # closed by the merge of this pull request (repo, number, merge sha)
    closer_number: int | None = None
    commit_id: str | None = None
    from_repo: str | None = None  # transferred: where it came from, and its number there
    from_number: int | None = None


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as of the org's `as_of`, in the repository it lives in now."""

    repo: str
    number: int
    id: int
    node_id: str
    title: str
    body: str
    author: str
    kind: str  # bug, incident, enhancement, question or documentation (ground truth)
    labels: tuple[str, ...]
    assignees: tuple[str, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    state_reason: str | None  # completed, not_planned, reopened (an open issue that was reopened) or None
    events: tuple[IssueStateEvent, ...]
    comments: tuple[IssueComment, ...]

    @property
    def state(self) -> str:
        return "open" if self.closed_at is None else "closed"

    @property
    def closed_by(self) -> str | None:
        closes = [e for e in self.events if e.event == "closed"]
        return closes[-1].actor if closes and self.closed_at is not None else None


@dataclass(frozen=True, slots=True)
class DiscussionComment:
    """A discussion comment, or a reply to one (`reply_to`)."""

    id: int
    node_id: str
    repo: str
    number: int  # its discussion's
    author: str
    body: str
    created_at: dt.datetime
    updated_at: dt.datetime
    reply_to: int | None = None


@dataclass(frozen=True, slots=True)
class Discussion:
    """A discussion as of the org's `as_of` (deleted ones are kept here with `deleted_at`, served nowhere)."""

    repo: str
    number: int
    id: int
    node_id: str
    title: str
    body: str
    author: str
    category: str  # a name from DISCUSSION_CATEGORIES
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    state_reason: str | None  # RESOLVED, OUTDATED or DUPLICATE once closed
    answer_id: int | None
    answer_chosen_at: dt.datetime | None
    answer_chosen_by: str | None
    comments: tuple[DiscussionComment, ...]
    deleted_at: dt.datetime | None = None


# (name, slug, emoji, answerable): GitHub's default categories
DISCUSSION_CATEGORIES = (
    ("General", "general", ":speech_balloon:", False),
    ("Q&A", "q-a", ":pray:", True),
    ("Ideas", "ideas", ":bulb:", False),
    ("Announcements", "announcements", ":mega:", False),
)


@dataclass
class IssueBook:
    """Every repository's issues and discussions as of `as_of`, and where transferred issues went."""

    issues_by_repo: dict[str, tuple[Issue, ...]]
    discussions_by_repo: dict[str, tuple[Discussion, ...]]  # live ones only
    deleted_discussions: tuple[Discussion, ...]
    moved: dict[tuple[str, int], tuple[str, int]]  # (old repo, old number) -> (repo, number) now
    _by_number: dict[tuple[str, int], Issue] = field(default_factory=dict)
    _discussion_by_number: dict[tuple[str, int], Discussion] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for repo, issues in self.issues_by_repo.items():
            for issue in issues:
                self._by_number[repo.lower(), issue.number] = issue
        for repo, discussions in self.discussions_by_repo.items():
            for discussion in discussions:
                self._discussion_by_number[repo.lower(), discussion.number] = discussion

    def issues(self, repo: str) -> tuple[Issue, ...]:
        return self.issues_by_repo.get(repo, ())

    def issue(self, repo: str, number: int) -> Issue | None:
        return self._by_number.get((repo.lower(), number))

    def moved_to(self, repo: str, number: int) -> tuple[str, int] | None:
        return self.moved.get((repo.lower(), number))

    def discussions(self, repo: str) -> tuple[Discussion, ...]:
        return self.discussions_by_repo.get(repo, ())

    def discussion(self, repo: str, number: int) -> Discussion | None:
        return self._discussion_by_number.get((repo.lower(), number))

    def all_issues(self) -> list[Issue]:
        return [issue for issues in self.issues_by_repo.values() for issue in issues]

    def all_discussions(self) -> list[Discussion]:
        return [d for discussions in self.discussions_by_repo.values() for d in discussions]
