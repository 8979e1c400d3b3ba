"""The Jira Cloud client: the shared HTTP client (``resources.http``) with Jira's adapter, and Jira's ways to
page: ``nextPageToken``/``isLast`` for the enhanced search (``/search/jql``; the removed ``/search`` is never
called), ``startAt``/``maxResults`` for projects, users, boards, sprints and an issue's changelog, comments
and worklogs, tokens for the bulk changelog, and the ``since`` feed of changed worklogs.

Lists embedded in an issue (changelog, comments, worklogs) are truncated by Jira; ``complete_embedded`` pages
the rest so each list holds its ``total``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from resources.http.client import HttpClient
from resources.http.errors import ErrorCategory
from resources.jira_fields import JiraFieldIds, discover_fields

API = "/rest/api/3"
AGILE = "/rest/agile/1.0"
SEARCH_PAGE = 100  # issues per /search/jql page with fields (Jira's cap)
BULK_CHANGELOG_IDS = 1000
WORKLOG_LIST_IDS = 1000
Json = dict[str, Any]


class JiraClient(HttpClient):
    """``HttpClient(base_url, JiraAdapter(...))``, thread-safe like it. ``base_url`` is the site (basic auth)
    or the OAuth gateway ``https://api.atlassian.com/ex/jira/{cloudId}``; paths start at ``/rest``."""

    def __enter__(self) -> JiraClient:
        return self

    # ----- the site -----
    def myself(self) -> Json:
        return self._object(self.get(f"{API}/myself"), "/myself")

    def time_zone(self) -> str:
        """The API user's zone: the one Jira reads JQL date literals in (not ``serverInfo``'s)."""
        zone = self.myself().get("timeZone")
        if not zone:
            raise self.adapter.error(ErrorCategory.SCHEMA_CHANGE, "Jira's /myself has no timeZone")
        return str(zone)

    def field_ids(self) -> JiraFieldIds:
        fields = self.get(f"{API}/field")
        if not isinstance(fields, list):
            raise self.adapter.error(ErrorCategory.SCHEMA_CHANGE, "Jira's /field answer is not a list")
        return discover_fields(fields)

    # ----- startAt / maxResults -----
    def offset_pages(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        items_key: str | None = None,
        page_size: int = 50,
    ) -> Iterator[list[Any]]:
        """Each page of a ``startAt``/``maxResults`` list. Stops at ``isLast``, at ``total``, at an empty
        page, or (bare lists, which say neither) at a short page; advances by what came back, since Jira may
        cap ``maxResults`` below what was asked."""
        start = 0
        while True:
            data = self.get(path, {**(params or {}), "startAt": start, "maxResults": page_size})
            items = data.get(items_key) if items_key and isinstance(data, dict) else data
            if not isinstance(items, list):
                raise self.adapter.error(
                    ErrorCategory.SCHEMA_CHANGE,
                    f"Jira answered {path} without a list ({items_key or 'body'})",
                )
            if items:
                yield items
            start += len(items)
            if not items or (not isinstance(data, dict) and len(items) < page_size):
                return
            if isinstance(data, dict):
                total = data.get("total")
                if data.get("isLast") is True or (isinstance(total, int) and start >= total):
                    return

    def offset_list(
        self,
        path: str,
        params: dict[str, Any] | None = None,
        items_key: str | None = None,
        page_size: int = 50,
    ) -> list[Any]:
        return [item for page in self.offset_pages(path, params, items_key, page_size) for item in page]

    def projects(self, keys: Sequence[str] = ()) -> list[Json]:
        params = {"keys": list(keys)} if keys else {}
        return self.offset_list(f"{API}/project/search", params, "values", 50)

    def users(self) -> list[Json]:
        return self.offset_list(f"{API}/users/search", None, None, 1000)

    def boards(self, project_key: str | None = None) -> list[Json]:
        params = {"projectKeyOrId": project_key} if project_key else {}
        return self.offset_list(f"{AGILE}/board", params, "values", 50)

    def board_sprints(self, board_id: int) -> list[Json]:
        return self.offset_list(f"{AGILE}/board/{board_id}/sprint", None, "values", 50)

    def sprint_issues(self, sprint_id: int, fields: Sequence[str] = ("key",)) -> list[Json]:
        return self.offset_list(
            f"{AGILE}/sprint/{sprint_id}/issue", {"fields": ",".join(fields)}, "issues", 50
        )

    # ----- the enhanced search -----
    def search_pages(
        self,
        jql: str,
        fields: Sequence[str] = ("*navigable",),
        *,
        expand: Sequence[str] = (),
        page_size: int = SEARCH_PAGE,
        method: str = "POST",
    ) -> Iterator[list[Json]]:
        """Each page of ``/rest/api/3/search/jql`` until ``isLast``. POST keeps long JQL and field lists
        out of the URL; GET is there for proxies that refuse POST reads."""
        token: str | None = None
        path = f"{API}/search/jql"
        while True:
            if method == "POST":
                body: Json = {"jql": jql, "fields": list(fields), "maxResults": page_size}
                if expand:
                    body["expand"] = ",".join(expand)
                if token:
                    body["nextPageToken"] = token
                data = self.request("POST", path, json=body).data
            else:
                params: Json = {"jql": jql, "fields": ",".join(fields), "maxResults": page_size}
                if expand:
                    params["expand"] = ",".join(expand)
                if token:
                    params["nextPageToken"] = token
                data = self.get(path, params)
            data = self._object(data, "/search/jql")
            issues = data.get("issues")
            if not isinstance(issues, list):
                raise self.adapter.error(
                    ErrorCategory.SCHEMA_CHANGE, "Jira's /search/jql answer has no issues"
                )
            if issues:
                yield issues
            token = data.get("nextPageToken")
            if data.get("isLast", token is None) or not token:
                return

    def search(self, jql: str, fields: Sequence[str] = ("*navigable",), **kwargs: Any) -> list[Json]:
        return [issue for page in self.search_pages(jql, fields, **kwargs) for issue in page]

    # ----- the rest of truncated embedded lists -----
    def changelog(self, issue_key: str) -> list[Json]:
        """Every history of one issue, oldest first."""
        return self.offset_list(f"{API}/issue/{issue_key}/changelog", None, "values", 100)

    def comments(self, issue_key: str) -> list[Json]:
        return self.offset_list(f"{API}/issue/{issue_key}/comment", {"orderBy": "created"}, "comments", 100)

    def worklogs(self, issue_key: str) -> list[Json]:
        return self.offset_list(f"{API}/issue/{issue_key}/worklog", None, "worklogs", 5000)

    def complete_embedded(self, issues: Sequence[Json]) -> list[Json]:
        """Replace the truncated changelogs, comments and worklogs embedded in search (or issue) answers with
        the full lists; only lists that hold fewer than their ``total`` are fetched. Truncated changelogs come
        from the bulk endpoint, a few calls for up to 1,000 issues, instead of one call per issue; comments
        and worklogs have no bulk endpoint by issue. A completed changelog is oldest first (Jira embeds newest
        first): order histories by ``created``. Returns the issues, changed in place."""
        truncated = {
            str(issue.get("id")): issue for issue in issues if _truncated(issue.get("changelog"), "histories")
        }
        if truncated:
            histories = self.bulk_changelog(list(truncated))
            for issue_id, issue in truncated.items():
                _replace(issue["changelog"], "histories", histories.get(issue_id, []))
        for issue in issues:
            key = str(issue.get("key") or issue.get("id"))
            fields = issue.get("fields") or {}
            for field, items_key, fetch in (
                ("comment", "comments", self.comments),
                ("worklog", "worklogs", self.worklogs),
            ):
                if _truncated(fields.get(field), items_key):
                    _replace(fields[field], items_key, fetch(key))
        return list(issues)

    def bulk_changelog(
        self, issue_ids: Sequence[str], field_ids: Sequence[str] = (), page_size: int = 1000
    ) -> dict[str, list[Json]]:
        """Histories of many issues (``POST /changelog/bulkfetch``, 1,000 ids a call), by issue id, each
        list oldest first. Jira sorts changes by date across the issues, so one issue can span pages: merged
        here."""
        found: dict[str, list[Json]] = {}
        for chunk_start in range(0, len(issue_ids), BULK_CHANGELOG_IDS):
            chunk = [str(i) for i in issue_ids[chunk_start : chunk_start + BULK_CHANGELOG_IDS]]
            token: str | None = None
            while True:
                body: Json = {"issueIdsOrKeys": chunk, "maxResults": page_size}
                if field_ids:
                    body["fieldIds"] = list(field_ids)
                if token:
                    body["nextPageToken"] = token
                data = self._object(
                    self.request("POST", f"{API}/changelog/bulkfetch", json=body).data, "/changelog/bulkfetch"
                )
                for entry in data.get("issueChangeLogs") or []:
                    found.setdefault(str(entry.get("issueId")), []).extend(entry.get("changeHistories") or [])
                token = data.get("nextPageToken")
                if not token:
                    break
        return found

    # ----- worklogs site-wide -----
    def updated_worklog_ids(self, since_ms: int) -> tuple[list[int], int]:
        """Ids of worklogs changed at or after ``since_ms`` (``/worklog/updated``), and the ``until`` to pass
        as the next ``since``."""
        ids: list[int] = []
        since = since_ms
        while True:
            data = self._object(self.get(f"{API}/worklog/updated", {"since": since}), "/worklog/updated")
            ids += [int(v["worklogId"]) for v in data.get("values") or [] if "worklogId" in v]
            until = int(data.get("until") or since)
            if data.get("lastPage", True):
                return list(dict.fromkeys(ids)), until
            if until <= since:  # a full page within one millisecond: Jira's feed cannot move on
                raise self.adapter.error(
                    ErrorCategory.SCHEMA_CHANGE, f"Jira's /worklog/updated did not advance past since={since}"
                )
            since = until

    def worklogs_by_id(self, ids: Sequence[int]) -> list[Json]:
        """``POST /worklog/list``, 1,000 ids a call."""
        found: list[Json] = []
        for start in range(0, len(ids), WORKLOG_LIST_IDS):
            chunk = list(ids[start : start + WORKLOG_LIST_IDS])
            data = self.request("POST", f"{API}/worklog/list", json={"ids": chunk}).data
            if not isinstance(data, list):
                raise self.adapter.error(ErrorCategory.SCHEMA_CHANGE, "Jira's /worklog/list is not a list")
            found += data
        return found

    def _object(self, data: Any, label: str) -> Json:
        if not isinstance(data, dict):
            raise self.adapter.error(
                ErrorCategory.SCHEMA_CHANGE,
                f"Jira answered {label} with {type(data).__name__}, not an object",
            )
        return data


def _replace(embedded: Json, items_key: str, items: list[Json]) -> None:
    embedded[items_key] = items
    embedded.update(startAt=0, maxResults=len(items), total=len(items))


def _truncated(embedded: Any, items_key: str) -> bool:
    if not isinstance(embedded, dict) or not isinstance(embedded.get(items_key), list):
        return False
    total = embedded.get("total")
    return isinstance(total, int) and total > len(embedded[items_key])
