"""Jira Cloud's JSON shapes: users, statuses, issues and their fields, changelog, comments, worklogs, sprints.

Platform timestamps are rendered the way Jira does, `2025-03-31T09:15:30.000-0700`, in the API user's time
zone; agile timestamps in UTC with `Z`. REST v3 carries rich text as Atlassian Document Format, v2 as plain
text (wiki markup). Lists embedded in an issue are truncated as Jira truncates them: the changelog to the most
recent 100 histories (40 in search results), comments and worklogs to the first 20, each with its `total`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from dexxy_sandbox.jira import catalog
from dexxy_sandbox.jira.model import Comment, History, Issue, JiraSite, JiraUser, Sprint, Worklog

Json = dict[str, Any]
EMBEDDED_CHANGELOG = 100  # histories GET /issue embeds with expand=changelog (the most recent ones)
SEARCH_EMBEDDED_CHANGELOG = 40  # what /search/jql embeds per issue (the enhanced search's lower limit)
EMBEDDED_COMMENTS = 20  # comments in the `comment` field
EMBEDDED_WORKLOGS = 20  # worklogs in the `worklog` field
ISSUE_EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"


def jira_time(value: dt.datetime, zone: ZoneInfo) -> str:
    """`2025-03-31T09:15:30.000-0700`: Jira's platform format, in the viewer's zone."""
    local = value.astimezone(zone)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}" + local.strftime("%z")


def agile_time(value: dt.datetime | None) -> str | None:
    """`2025-03-10T16:00:00.000Z`: the agile API's format."""
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def adf(
    paragraphs: Iterable[str],
    mention: JiraUser | str | None = None,
    code: str | None = None,
    odd: bool = False,
) -> Json:
    """An Atlassian Document Format document; `odd` adds a node type few converters know (text inside)."""
    content: list[Json] = []
    for index, text in enumerate(paragraphs):
        inline: list[Json] = [{"type": "text", "text": text}]
        if index == 0 and mention is not None:
            account_id = mention.account_id if isinstance(mention, JiraUser) else mention
            label = f"@{mention.display_name}" if isinstance(mention, JiraUser) else "@Former user"
            inline = [
                {"type": "mention", "attrs": {"id": account_id, "text": label, "accessLevel": ""}},
                {"type": "text", "text": " "},
                *inline,
            ]
        content.append({"type": "paragraph", "content": inline})
    if code:
        content.append(
            {"type": "codeBlock", "attrs": {"language": "shell"}, "content": [{"type": "text", "text": code}]}
        )
    if odd:
        content.append(
            {
                "type": "bodiedExtension",
                "attrs": {
                    "extensionType": "com.atlassian.ecosystem",
                    "extensionKey": "release-checklist",
                    "layout": "default",
                },
                "content": [
                    {
                        "type": "paragraph",
                        "content": [{"type": "text", "text": "Checklist: rollback plan ready"}],
                    }
                ],
            }
        )
    return {"type": "doc", "version": 1, "content": content}


def plain(
    paragraphs: Iterable[str], mention: str | None = None, code: str | None = None, odd: bool = False
) -> str:
    """The same text as REST v2 returns it (wiki markup)."""
    parts = list(paragraphs)
    if mention and parts:
        parts[0] = f"[~accountid:{mention}] {parts[0]}"
    if code:
        parts.append("{code}" + code + "{code}")
    if odd:
        parts.append("Checklist: rollback plan ready")
    return "\n\n".join(parts)


@dataclass(frozen=True)
class FieldSelection:
    """Which issue fields to render: `fields=` as Jira reads it (`*all`, `*navigable`, names, `-name`)."""

    everything: bool
    navigable: bool
    names: frozenset[str]
    excluded: frozenset[str]

    @classmethod
    def parse(cls, raw: Iterable[str] | None, default: str) -> FieldSelection:
        tokens = [t.strip() for value in (raw or []) for t in str(value).split(",") if t.strip()] or [default]
        excluded = frozenset(t[1:] for t in tokens if t.startswith("-"))
        names = frozenset(t for t in tokens if not t.startswith(("-", "*")) and t not in ("id", "key"))
        everything = "*all" in tokens
        navigable = "*navigable" in tokens or (not names and not everything and bool(excluded))
        return cls(everything, navigable, names, excluded)

    def wants(self, field_id: str) -> bool:
        if field_id in self.excluded:
            return False
        if self.everything or field_id in self.names:
            return True
        return self.navigable and field_id not in catalog.NON_NAVIGABLE

    @property
    def empty(self) -> bool:
        return not (self.everything or self.navigable or self.names)


class JiraPayloads:
    """Renders one site's records for REST v2/v3 and the agile API under `base_url` (the site root)."""

    def __init__(self, site: JiraSite, base_url: str) -> None:
        self.site = site
        self.base = base_url.rstrip("/")
        self.zone = ZoneInfo(site.time_zone)
        self._projects = {p.key: p for p in site.projects}
        self._issue_types = {t.name: t for t in site.issue_types}
        self._statuses = {s.name: s for s in site.statuses}
        self._subtasks: dict[str, list[str]] = {}
        for issue in site.issues:
            if issue.parent_key and issue.issue_type == "Sub-task":
                self._subtasks.setdefault(issue.parent_key, []).append(issue.key)

    def time(self, value: dt.datetime | None) -> str | None:
        return jira_time(value, self.zone) if value is not None else None

    def api(self, version: str, path: str) -> str:
        return f"{self.base}/rest/api/{version}/{path.lstrip('/')}"

    def avatars(self, seed: str) -> Json:
        return {
            size: f"{self.base}/avatars/{quote(seed)}/{size}.png"
            for size in ("48x48", "24x24", "16x16", "32x32")
        }

    # ----- people -----
    def user(self, account_id: str | None, version: str = "3", full: bool = False) -> Json | None:
        """A user reference (UserDetails); accounts that no longer exist render as Jira's "Former user"."""
        if account_id is None:
            return None
        found = self.site.user(account_id)
        body: Json = {
            "self": self.api(version, f"user?accountId={quote(account_id)}"),
            "accountId": account_id,
        }
        if found is None:
            body.update(
                avatarUrls=self.avatars("former-user"),
                displayName="Former user",
                active=False,
                timeZone=self.site.time_zone,
                accountType="atlassian",
            )
            return body
        if found.email:
            body["emailAddress"] = found.email
        body.update(
            avatarUrls=self.avatars(found.account_id),
            displayName=found.display_name,
            active=found.active,
            timeZone=found.time_zone,
            accountType=found.account_type,
        )
        if full:
            body["locale"] = "en_US"
        return body

    def myself(self, version: str) -> Json:
        body = self.user(self.site.api_user.account_id, version, full=True) or {}
        body["groups"] = {"size": 2, "items": []}
        body["applicationRoles"] = {"size": 1, "items": []}
        body["expand"] = "groups,applicationRoles"
        return body

    # ----- configuration -----
    def status(self, name: str, version: str = "3") -> Json:
        status = self._statuses[name]
        return {
            "self": self.api(version, f"status/{status.id}"),
            "description": "",
            "iconUrl": f"{self.base}/images/icons/statuses/generic.png",
            "name": status.name,
            "id": status.id,
            "statusCategory": self.status_category(status.category, version),
        }

    def status_category(self, key: str, version: str = "3") -> Json:
        category_id, category_name, color = catalog.STATUS_CATEGORIES[key]
        return {
            "self": self.api(version, f"statuscategory/{category_id}"),
            "id": category_id,
            "key": key,
            "colorName": color,
            "name": category_name,
        }

    def status_categories(self, version: str = "3") -> list[Json]:
        return [self.status_category(key, version) for key in catalog.STATUS_CATEGORIES]

    def issue_type(self, name: str, version: str = "3") -> Json:
        kind = self._issue_types[name]
        return {
            "self": self.api(version, f"issuetype/{kind.id}"),
            "id": kind.id,
            "description": f"{kind.name}s track work in this project.",
            "iconUrl": f"{self.base}/images/icons/issuetypes/{kind.name.lower()}.svg",
            "name": kind.name,
            "subtask": kind.subtask,
            "avatarId": 10300 + int(kind.id) % 100,
            "hierarchyLevel": kind.hierarchy_level,
        }

    def priority(self, name: str, version: str = "3") -> Json:
        number = catalog.PRIORITIES.index(name) + 1
        return {
            "self": self.api(version, f"priority/{number}"),
            "iconUrl": f"{self.base}/images/icons/priorities/{name.lower()}.svg",
            "name": name,
            "id": str(number),
        }

    def resolution(self, name: str | None, version: str = "3") -> Json | None:
        if name is None:
            return None
        resolution_id = catalog.RESOLUTIONS[name]
        return {
            "self": self.api(version, f"resolution/{resolution_id}"),
            "id": resolution_id,
            "description": "Work on this issue is complete." if name == "Done" else "This will not be done.",
            "name": name,
        }

    def project(self, key: str, version: str = "3", full: bool = False) -> Json:
        project = self._projects[key]
        body: Json = {
            "self": self.api(version, f"project/{project.id}"),
            "id": project.id,
            "key": project.key,
            "name": project.name,
            "projectTypeKey": "software",
            "simplified": False,
            "avatarUrls": self.avatars(f"project-{project.key}"),
        }
        if full:
            body.update(
                expand="description,lead,issueTypes,url,projectKeys,permissions,insight",
                description=project.description,
                style=project.style,
                isPrivate=False,
                properties={},
                lead=self.user(project.lead_account_id, version),
            )
        return body

    def fields(self) -> list[Json]:
        """The `/field` list: system fields, then the custom fields (the orphan field is not among them)."""
        out: list[Json] = []
        for field_id, name, schema in catalog.SYSTEM_FIELDS:
            out.append(
                {
                    "id": field_id,
                    "key": field_id,
                    "name": name,
                    "custom": False,
                    "orderable": field_id not in ("created", "updated", "resolutiondate", "status"),
                    "navigable": field_id not in catalog.NON_NAVIGABLE,
                    "searchable": True,
                    "clauseNames": [field_id] if field_id != "issuetype" else ["issuetype", "type"],
                    "schema": schema,
                }
            )
        for field_id, name, schema in catalog.CUSTOM_FIELDS:
            number = field_id.removeprefix("customfield_")
            out.append(
                {
                    "id": field_id,
                    "key": field_id,
                    "name": name,
                    "custom": True,
                    "orderable": True,
                    "navigable": True,
                    "searchable": True,
                    "clauseNames": [f"cf[{number}]", name],
                    "schema": schema,
                }
            )
        return out

    # ----- issues -----
    def sprint(self, sprint: Sprint, agile: bool = False) -> Json:
        body: Json = {"id": sprint.id, "name": sprint.name, "state": sprint.state, "boardId": sprint.board_id}
        if agile:
            body = {
                "id": sprint.id,
                "self": f"{self.base}/rest/agile/1.0/sprint/{sprint.id}",
                "state": sprint.state,
                "name": sprint.name,
                "originBoardId": sprint.board_id,
            }
        body["goal"] = sprint.goal
        for name, value in (
            ("startDate", sprint.start),
            ("endDate", sprint.end),
            ("completeDate", sprint.complete),
        ):
            if value is not None:
                body[name] = agile_time(value)
        return body

    def issue_link(self, key: str | None, version: str) -> Json | None:
        parent = self.site.issue(key) if key else None
        if parent is None:
            return None
        return {
            "id": str(parent.id),
            "key": parent.key,
            "self": self.api(version, f"issue/{parent.id}"),
            "fields": {
                "summary": parent.summary,
                "status": self.status(parent.status, version),
                "priority": self.priority(parent.priority, version),
                "issuetype": self.issue_type(parent.issue_type, version),
            },
        }

    def rich(
        self,
        version: str,
        paragraphs: tuple[str, ...],
        mention: str | None = None,
        code: str | None = None,
        odd: bool = False,
    ) -> Any:
        if not paragraphs and not code and not odd:
            return None
        if version == "3":
            who = self.site.user(mention) if mention else None
            return adf(paragraphs, who or mention, code, odd)
        return plain(paragraphs, mention, code, odd)

    def comment(self, issue: Issue, comment: Comment, version: str) -> Json:
        author = self.user(comment.author, version)
        body: Json = {
            "self": self.api(version, f"issue/{issue.id}/comment/{comment.id}"),
            "id": str(comment.id),
            "author": author,
            "body": self.rich(
                version, comment.paragraphs, comment.mention, comment.code, comment.unknown_node
            ),
            "updateAuthor": author,
            "created": self.time(comment.created),
            "updated": self.time(comment.updated),
            "jsdPublic": True,
        }
        return {k: v for k, v in body.items() if v is not None}

    def worklog(self, worklog: Worklog, version: str) -> Json:
        author = self.user(worklog.author, version)
        body: Json = {
            "self": self.api(version, f"issue/{worklog.issue_id}/worklog/{worklog.id}"),
            "author": author,
            "updateAuthor": author,
            "comment": self.rich(version, (worklog.comment,)) if worklog.comment else None,
            "created": self.time(worklog.created),
            "updated": self.time(worklog.updated),
            "started": self.time(worklog.started),
            "timeSpent": _duration(worklog.seconds),
            "timeSpentSeconds": worklog.seconds,
            "id": str(worklog.id),
            "issueId": str(worklog.issue_id),
        }
        return {k: v for k, v in body.items() if v is not None}

    def history(self, history: History, version: str = "3") -> Json:
        body: Json = {"id": str(history.id)}
        if history.author is not None:
            body["author"] = self.user(history.author, version)
        body["created"] = self.time(history.created)
        body["items"] = [
            {
                "field": item.field,
                "fieldtype": item.field_type,
                **({"fieldId": item.field_id} if item.field_id else {}),
                "from": item.from_value,
                "fromString": item.from_string,
                "to": item.to_value,
                "toString": item.to_string,
            }
            for item in history.items
        ]
        return body

    def issue_fields(self, issue: Issue, version: str, selection: FieldSelection) -> Json:
        """Every field the selection wants, built lazily so `fields=summary` stays cheap."""
        site = self.site
        builders: dict[str, Any] = {
            "summary": lambda: issue.summary,
            "issuetype": lambda: self.issue_type(issue.issue_type, version),
            "project": lambda: self.project(issue.project_key, version),
            "status": lambda: self.status(issue.status, version),
            "statuscategorychangedate": lambda: self.time(_category_changed(site, issue)),
            "priority": lambda: self.priority(issue.priority, version),
            "assignee": lambda: self.user(issue.assignee, version),
            "reporter": lambda: self.user(issue.reporter, version),
            "creator": lambda: self.user(issue.reporter, version),
            "created": lambda: self.time(issue.created),
            "updated": lambda: self.time(issue.updated),
            "resolution": lambda: self.resolution(issue.resolution, version),
            "resolutiondate": lambda: self.time(issue.resolved),
            "description": lambda: self.rich(version, issue.description),
            "labels": lambda: list(issue.labels),
            "parent": lambda: self.issue_link(issue.parent_key, version),
            "subtasks": lambda: [self.issue_link(key, version) for key in self._subtasks.get(issue.key, [])],
            "comment": lambda: self.comment_field(issue, version),
            "worklog": lambda: self.worklog_field(issue, version),
            "timespent": lambda: issue.time_spent or None,
            "components": lambda: [],
            "fixVersions": lambda: [],
            "issuelinks": lambda: [],
            catalog.SPRINT_FIELD: lambda: (
                [self.sprint(s) for i in issue.sprint_ids if (s := site.sprint(i))] or None
            ),
            catalog.STORY_POINTS_FIELD: lambda: issue.story_points,
            catalog.RANK_FIELD: lambda: issue.rank,
            catalog.CUSTOMER_IMPACT_FIELD: lambda: None,
            catalog.TEAM_FIELD: lambda: None,
        }
        for field_id, value in issue.custom_fields:
            builders[field_id] = lambda value=value: value
        if issue.parent_key is None:
            builders.pop("parent")
        fields: Json = {}
        for field_id, build in builders.items():
            if selection.wants(field_id):
                fields[field_id] = build()
        return fields

    def comment_field(self, issue: Issue, version: str) -> Json:
        shown = issue.comments[:EMBEDDED_COMMENTS]
        return {
            "comments": [self.comment(issue, c, version) for c in shown],
            "self": self.api(version, f"issue/{issue.id}/comment"),
            "maxResults": EMBEDDED_COMMENTS,
            "total": len(issue.comments),
            "startAt": 0,
        }

    def worklog_field(self, issue: Issue, version: str) -> Json:
        shown = issue.worklogs[:EMBEDDED_WORKLOGS]
        return {
            "startAt": 0,
            "maxResults": EMBEDDED_WORKLOGS,
            "total": len(issue.worklogs),
            "worklogs": [self.worklog(w, version) for w in shown],
        }

    def changelog_field(self, issue: Issue, version: str, limit: int = EMBEDDED_CHANGELOG) -> Json:
        """The most recent histories, newest first, as `expand=changelog` embeds them."""
        recent = list(reversed(issue.histories))[:limit]
        return {
            "startAt": 0,
            "maxResults": limit,
            "total": len(issue.histories),
            "histories": [self.history(h, version) for h in recent],
        }

    def issue(
        self,
        issue: Issue,
        version: str,
        selection: FieldSelection,
        expand: frozenset[str],
        changelog_limit: int = EMBEDDED_CHANGELOG,
    ) -> Json:
        body: Json = {
            "expand": ISSUE_EXPAND,
            "id": str(issue.id),
            "self": self.api(version, f"issue/{issue.id}"),
            "key": issue.key,
        }
        if not selection.empty:
            body["fields"] = self.issue_fields(issue, version, selection)
        if "names" in expand and "fields" in body:
            names = self.field_names()
            body["names"] = {f: names.get(f, f) for f in body["fields"]}
        if "changelog" in expand:
            body["changelog"] = self.changelog_field(issue, version, changelog_limit)
        return body

    def field_names(self) -> dict[str, str]:
        return {f[0]: f[1] for f in (*catalog.SYSTEM_FIELDS, *catalog.CUSTOM_FIELDS)}


def _category_changed(site: JiraSite, issue: Issue) -> dt.datetime:
    """When the status category last changed (creation if never)."""
    categories = {s.id: s.category for s in site.statuses}
    when = issue.created
    for history in issue.histories:
        for item in history.items:
            if item.field == "status" and categories.get(item.from_value or "") != categories.get(
                item.to_value or ""
            ):
                when = history.created
    return when


def _duration(seconds: int) -> str:
    """Jira's "1d 2h 30m" (8-hour days)."""
    minutes = seconds // 60
    days, minutes = divmod(minutes, 8 * 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{days}d"] * bool(days) + [f"{hours}h"] * bool(hours) + [f"{minutes}m"] * bool(minutes)
    return " ".join(parts) or "0m"
