"""`search(type: ISSUE, query: "...")` over the org's pull requests, with GitHub's qualifier syntax.

Supported qualifiers (a leading `-` negates a filter): `repo:owner/name` (several are OR-ed), `org:`/`user:`,
`is:pr`/`type:pr`, `is:issue`/`type:issue` (the org has no issues), `is:open`, `is:closed`, `is:merged`,
`is:unmerged`, `is:draft`, `draft:true|false`, `author:`, `label:`, `base:`, `head:`, the dates `created:`,
`updated:`, `closed:`, `merged:` and `sort:` (`updated`, `created`, `comments`, each `-asc`/`-desc`). Any
other word must appear in the title or body. Dates follow GitHub: `A..B` (inclusive, `*` for open ends),
`>=A`, `<=B`, `>A`, `<B` or a bare value; a bare date is its whole UTC day, `<=2024-05-01` includes that day,
`>2024-05-01` starts the day after; ISO datetimes (`2024-05-01T10:00:00Z`, offsets allowed) are instants.
Without `sort:`, GitHub's "best match" is approximated by most recently updated first.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field

from dexxy_sandbox.org.model import PullRequest, SyntheticOrg

SEARCH_RESULT_CAP = 1000  # GitHub returns at most 1,000 results per search, whatever issueCount says

Predicate = Callable[[PullRequest], bool]

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SORTS = {"updated": "updated_at", "created": "created_at", "comments": "comments"}
_DATES = {"created": "created_at", "updated": "updated_at", "closed": "closed_at", "merged": "merged_at"}


@dataclass(frozen=True, slots=True)
class DateRange:
    """An interval of instants; None ends are open."""

    low: dt.datetime | None = None
    high: dt.datetime | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, value: dt.datetime | None) -> bool:
        if value is None:
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (
            self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive))
        )


def _parse_instant(text: str) -> tuple[dt.datetime, dt.datetime] | None:
    """(first instant, last instant) a date or datetime denotes; a date is its whole UTC day."""
    text = text.strip()
    if _DATE.match(text):
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
        return start, start + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value, value


def parse_date_range(text: str) -> DateRange | None:
    """GitHub's date qualifier syntax; None if it is not a date expression."""
    for operator in (">=", "<=", ">", "<"):
        if text.startswith(operator):
            bounds = _parse_instant(text[len(operator) :])
            if bounds is None:
                return None
            first, last = bounds
            return {
                ">=": DateRange(low=first),
                ">": DateRange(low=last, low_inclusive=False),
                "<=": DateRange(high=last),
                "<": DateRange(high=first, high_inclusive=False),
            }[operator]
    if ".." in text:
        left, _, right = text.partition("..")
        low = None if left.strip() in ("", "*") else _parse_instant(left)
        high = None if right.strip() in ("", "*") else _parse_instant(right)
        if (low is None and left.strip() not in ("", "*")) or (
            high is None and right.strip() not in ("", "*")
        ):
            return None
        return DateRange(low=low[0] if low else None, high=high[1] if high else None)
    bounds = _parse_instant(text)
    return DateRange(low=bounds[0], high=bounds[1]) if bounds else None


@dataclass
class SearchQuery:
    """A parsed search string: filters (all must hold), OR-ed repository scopes and the sort order."""

    predicates: list[Predicate] = field(default_factory=list)
    repos: list[str] = field(default_factory=list)  # lower-case "owner/name"
    sort_key: str = "updated_at"
    descending: bool = True
    matches_nothing: bool = False

    def matches(self, org: SyntheticOrg, pr: PullRequest) -> bool:
        if self.repos and f"{org.login}/{pr.repo}".lower() not in self.repos:
            return False
        return all(predicate(pr) for predicate in self.predicates)


def _tokens(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:  # an unbalanced quote: GitHub reads the words anyway
        return text.replace('"', " ").split()


def _text_predicate(word: str) -> Predicate:
    word = word.lower()
    return lambda pr: word in pr.title.lower() or word in (pr.body or "").lower()


def _predicate(qualifier: str, value: str, org_login: str) -> Predicate | None:
    """The filter one `qualifier:value` stands for; None when it can match nothing."""
    lowered = value.lower()
    if qualifier == "repo":
        return lambda pr: f"{org_login}/{pr.repo.lower()}" == lowered
    if qualifier in ("is", "type", "state"):
        return _state_predicate(lowered)
    if qualifier == "draft":
        return lambda pr: pr.draft == (lowered == "true")
    if qualifier == "author":
        return lambda pr: pr.author.lower() == lowered
    if qualifier == "label":
        names = {name.strip() for name in lowered.split(",")}
        return lambda pr: any(label.lower() in names for label in pr.labels)
    if qualifier == "base":
        return lambda pr: pr.base_ref == value
    if qualifier == "head":
        return lambda pr: pr.head_ref == value
    if qualifier in _DATES:
        window = parse_date_range(value)
        attribute = _DATES[qualifier]
        return None if window is None else lambda pr: window.contains(getattr(pr, attribute))
    return _text_predicate(f"{qualifier}:{value}")  # an unknown qualifier is a search term on GitHub too


def parse_search_query(text: str, org: SyntheticOrg) -> SearchQuery:
    """Parse a GitHub issue-search string against `org` (owner names are compared case-insensitively)."""
    query = SearchQuery()
    org_login = org.login.lower()
    for token in _tokens(text):
        negate = token.startswith("-") and ":" in token
        qualifier, sep, value = (token[1:] if negate else token).partition(":")
        qualifier = qualifier.lower()
        if not sep or not value:
            query.predicates.append(_text_predicate(token))
            continue
        if qualifier == "sort":
            field_name, _, direction = value.lower().partition("-")
            query.sort_key = _SORTS.get(field_name, "updated_at")
            query.descending = direction != "asc"
            continue
        if qualifier == "in":
            continue  # the sandbox always searches titles and bodies
        if qualifier in ("org", "user", "owner"):
            query.matches_nothing |= (value.lower() == org_login) == negate
            continue
        if qualifier == "repo" and not negate:
            query.repos.append(value.lower())  # several repo: qualifiers are OR-ed
            continue
        predicate = _predicate(qualifier, value, org_login)
        if predicate is None:
            query.matches_nothing |= not negate
            continue
        query.predicates.append((lambda pr, p=predicate: not p(pr)) if negate else predicate)
    return query


def _state_predicate(value: str) -> Predicate | None:
    states: dict[str, Predicate] = {
        "pr": lambda pr: True,
        "pull-request": lambda pr: True,
        "issue": lambda pr: False,
        "open": lambda pr: pr.closed_at is None,
        "closed": lambda pr: pr.closed_at is not None,
        "merged": lambda pr: pr.merged_at is not None,
        "unmerged": lambda pr: pr.merged_at is None,
        "draft": lambda pr: pr.draft,
        "public": lambda pr: True,
        "private": lambda pr: True,
    }
    return states.get(value)


def search_pulls(org: SyntheticOrg, text: str) -> list[PullRequest]:
    """Every matching PR in result order (callers show at most SEARCH_RESULT_CAP of them)."""
    query = parse_search_query(text, org)
    if query.matches_nothing:
        return []
    found = [pr for pr in org.all_pulls() if query.matches(org, pr)]
    key = query.sort_key
    found.sort(key=lambda pr: (getattr(pr, key), pr.id), reverse=query.descending)
    return found
