"""The JQL subset the emulator understands, with Jira's semantics where they matter to a sync.

Clauses `field op value`, `field [not] in (...)`, `field is [not] empty`, joined with AND / OR and
parentheses, then `ORDER BY field [ASC|DESC], ...`. Fields: project, key (issuekey), id, created, updated,
resolved (resolutiondate), status, statusCategory, issuetype (type), assignee, reporter, sprint.
Date literals (`"yyyy-MM-dd HH:mm"`, `"yyyy/MM/dd"`, ...) are read in the API user's time zone, as Jira
does, and relative ones (`-7d`, `-4h`) count back from the site's `as_of`. A query without any clause is
"unbounded", which `/search/jql` refuses.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dexxy_sandbox.jira.model import Issue, JiraSite

Predicate = Callable[[Issue], bool]
_TOKEN = re.compile(
    r"""\s*(?:(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<op>>=|<=|!=|=|>|<|~|\(|\)|,)"""
    r"""|(?P<word>[A-Za-z0-9_.\-/:\[\]]+(?:\(\))?))"""
)
_DATE_FORMATS = ("%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d", "%Y/%m/%d")
_RELATIVE = re.compile(r"^([-+]?)(\d+)([wdhm])$")
_UNITS = {"w": 7 * 86400, "d": 86400, "h": 3600, "m": 60}
_FIELD_ALIASES = {
    "issuekey": "key",
    "type": "issuetype",
    "resolutiondate": "resolved",
    "statuscategory": "statusCategory",
    "cf[10020]": "sprint",
}
_FIELDS = {"project", "key", "id", "created", "updated", "resolved", "status", "statusCategory", "issuetype"}
_FIELDS |= {"assignee", "reporter", "sprint"}
_DATES = {"created", "updated", "resolved"}
_SORTABLE = {"updated", "created", "key", "id", "resolved"}


class JqlError(ValueError):
    """A query Jira would answer with 400; the message is Jira's wording."""


@dataclass(frozen=True)
class Query:
    predicate: Predicate | None  # None: no restriction at all (unbounded)
    order: tuple[tuple[str, bool], ...]  # (field, descending)
    text: str

    @property
    def bounded(self) -> bool:
        return self.predicate is not None

    def run(self, issues: tuple[Issue, ...] | list[Issue]) -> list[Issue]:
        matched = [i for i in issues if self.predicate is None or self.predicate(i)]
        for field, descending in reversed(self.order or (("key", True),)):
            matched.sort(key=_sort_key(field), reverse=descending)
        return matched


def _sort_key(field: str) -> Callable[[Issue], object]:
    if field == "key":
        return lambda issue: (issue.project_key, issue.number)
    if field == "id":
        return lambda issue: issue.id
    if field == "resolved":
        return lambda issue: issue.resolved or dt.datetime.max.replace(tzinfo=dt.UTC)
    return lambda issue: getattr(issue, field)


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        found = _TOKEN.match(text, position)
        if found is None or found.end() == position:
            raise JqlError(
                f"Error in the JQL Query: The character '{text[position]}' is a reserved JQL character."
            )
        kind = found.lastgroup or ""
        value = found.group(kind)
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        out.append((kind, value))
        position = found.end()
    return out


class _Parser:
    def __init__(self, text: str, site: JiraSite, account_id: str) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.position = 0
        self.site = site
        self.zone = ZoneInfo(site.time_zone)
        self.account_id = account_id

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def keyword(self, *words: str) -> bool:
        token = self.peek()
        if token and token[0] == "word" and token[1].lower() in words:
            self.position += 1
            return True
        return False

    def expect(self, value: str) -> None:
        token = self.peek()
        if token is None or token[1] != value:
            found = token[1] if token else "the end of the query"
            raise JqlError(f"Error in the JQL Query: Expecting '{value}' but got '{found}'.")
        self.position += 1

    def value(self) -> str:
        token = self.peek()
        if token is None or token[0] == "op":
            raise JqlError(
                "Error in the JQL Query: Expecting either a value, list or function but got the end."
            )
        self.position += 1
        return token[1]

    def parse(self) -> Query:
        predicate = None
        if self.peek() and not (self.peek() or ("", ""))[1].lower() == "order":
            predicate = self.expression()
        order: list[tuple[str, bool]] = []
        if self.keyword("order"):
            if not self.keyword("by"):
                raise JqlError("Error in the JQL Query: Expecting 'by' after 'order'.")
            while True:
                raw = self.value().lower()
                field = _FIELD_ALIASES.get(raw, raw)
                if field not in _SORTABLE:
                    raise JqlError(
                        f"Field '{field}' does not exist or you do not have permission to view it."
                    )
                descending = self.keyword("desc")
                if not descending:
                    self.keyword("asc")
                order.append((field, descending))
                if (self.peek() or ("", ""))[1] != ",":
                    break
                self.position += 1
        if self.peek() is not None:
            raise JqlError(f"Error in the JQL Query: Expecting operator but got '{self.peek()[1]}'.")  # type: ignore[index]
        return Query(predicate, tuple(order), self.text)

    def expression(self) -> Predicate:
        parts = [self.term()]
        while self.keyword("or"):
            parts.append(self.term())
        return parts[0] if len(parts) == 1 else (lambda issue: any(p(issue) for p in parts))

    def term(self) -> Predicate:
        parts = [self.factor()]
        while self.keyword("and"):
            parts.append(self.factor())
        return parts[0] if len(parts) == 1 else (lambda issue: all(p(issue) for p in parts))

    def factor(self) -> Predicate:
        if self.keyword("not"):
            inner = self.factor()
            return lambda issue: not inner(issue)
        if (self.peek() or ("", ""))[1] == "(":
            self.position += 1
            inner = self.expression()
            self.expect(")")
            return inner
        return self.clause()

    def clause(self) -> Predicate:
        raw = self.value()
        field = _FIELD_ALIASES.get(raw.lower(), raw if raw in _FIELDS else raw.lower())
        if field not in _FIELDS:
            raise JqlError(f"Field '{raw}' does not exist or you do not have permission to view it.")
        if self.keyword("is"):
            negate = self.keyword("not")
            if not self.keyword("empty", "null"):
                raise JqlError("Error in the JQL Query: Expecting 'EMPTY' after 'is'.")
            getter = self.getter(field)
            return lambda issue: (getter(issue) in (None, ())) != negate
        negate = self.keyword("not")
        if self.keyword("in"):
            self.expect("(")
            values = [self.value()]
            while (self.peek() or ("", ""))[1] == ",":
                self.position += 1
                values.append(self.value())
            self.expect(")")
            matches = [self.equals(field, v) for v in values]
            return lambda issue: any(m(issue) for m in matches) != negate
        if negate:
            raise JqlError("Error in the JQL Query: Expecting 'IN' after 'NOT'.")
        token = self.peek()
        if token is None or token[0] != "op" or token[1] in "(),":
            raise JqlError(
                f"Error in the JQL Query: Expecting operator but got '{token[1] if token else 'end'}'."
            )
        self.position += 1
        operator, value = token[1], self.value()
        if operator == "=":
            return self.equals(field, value)
        if operator == "!=":
            inner = self.equals(field, value)
            return lambda issue: not inner(issue)
        if field not in _DATES:
            raise JqlError(f"The operator '{operator}' is not supported by the '{raw}' field.")
        instant = self.instant(value)
        getter = self.getter(field)
        compare = {
            ">=": lambda a: a >= instant,
            ">": lambda a: a > instant,
            "<=": lambda a: a <= instant,
            "<": lambda a: a < instant,
        }.get(operator)
        if compare is None:
            raise JqlError(f"The operator '{operator}' is not supported by the '{raw}' field.")
        return lambda issue: (at := getter(issue)) is not None and compare(at)

    def getter(self, field: str) -> Callable[[Issue], object]:
        site = self.site
        return {
            "project": lambda i: i.project_key,
            "key": lambda i: i.key,
            "id": lambda i: i.id,
            "created": lambda i: i.created,
            "updated": lambda i: i.updated,
            "resolved": lambda i: i.resolved,
            "status": lambda i: i.status,
            "statusCategory": lambda i: site.status(i.status).category,
            "issuetype": lambda i: i.issue_type,
            "assignee": lambda i: i.assignee,
            "reporter": lambda i: i.reporter,
            "sprint": lambda i: i.sprint_ids,
        }[field]

    def equals(self, field: str, value: str) -> Predicate:
        site = self.site
        if field == "project":
            project = site.project(value) or next(
                (p for p in site.projects if p.name.lower() == value.lower()), None
            )
            if project is None:
                raise JqlError(f"The value '{value}' does not exist for the field 'project'.")
            return lambda issue: issue.project_key == project.key
        if field in ("key", "id"):
            found = site.issue(value)
            if found is None and field == "key":
                raise JqlError(f"An issue with key '{value}' does not exist for field 'key'.")
            return lambda issue: found is not None and issue.id == found.id
        if field in _DATES:
            instant = self.instant(value)
            return lambda issue: getattr(issue, field) == instant
        if field in ("assignee", "reporter"):
            wanted = self.account_id if value.lower() == "currentuser()" else value
            return lambda issue: getattr(issue, field) == wanted
        if field == "sprint":
            return lambda issue: value.isdigit() and int(value) in issue.sprint_ids
        if field == "statusCategory":
            keys = {"to do": "new", "in progress": "indeterminate", "done": "done"}
            wanted = keys.get(value.lower(), value.lower())
            return lambda issue: site.status(issue.status).category == wanted
        lowered = value.lower()
        getter = self.getter(field)
        return lambda issue: str(getter(issue)).lower() == lowered

    def instant(self, value: str) -> dt.datetime:
        """A date literal as an instant: local to the API user's zone, or relative to `as_of`."""
        relative = _RELATIVE.match(value.strip())
        if relative:
            sign = -1 if relative.group(1) == "-" else 1
            return self.site.as_of + dt.timedelta(
                seconds=sign * int(relative.group(2)) * _UNITS[relative.group(3)]
            )
        if value.isdigit():
            return dt.datetime.fromtimestamp(int(value) / 1000, dt.UTC)
        for pattern in _DATE_FORMATS:
            try:
                local = dt.datetime.strptime(value.strip(), pattern)
            except ValueError:
                continue
            return local.replace(tzinfo=self.zone)
        raise JqlError(
            f"Date value '{value}' is invalid. Valid formats include: 'yyyy/MM/dd HH:mm', "
            "'yyyy-MM-dd HH:mm', 'yyyy/MM/dd', 'yyyy-MM-dd', or a period format e.g. '-5d', '4w 2d'."
        )


def parse_jql(text: str | None, site: JiraSite, account_id: str = "") -> Query:
    """Parse `text`; raises `JqlError` with Jira's message for what it cannot read."""
    return _Parser(text or "", site, account_id).parse()
