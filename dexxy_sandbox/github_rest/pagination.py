"""GitHub-style page/per_page paging and its `Link` header.

GitHub writes absolute links, keeps the caller's query parameters, and for repository- or org-scoped lists
points them at `/repositories/{id}/...` or `/organizations/{id}/...` rather than the path that was called.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

DEFAULT_PER_PAGE = 30
MAX_PER_PAGE = 100


def _positive_int(raw: str | None, default: int) -> int:
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        return default
    return value if value >= 1 else default


@dataclass(frozen=True)
class PageRequest:
    page: int
    per_page: int

    @classmethod
    def from_query(cls, query: dict[str, str]) -> PageRequest:
        """Parse page/per_page as GitHub does: bad values fall back to defaults, per_page is capped at 100."""
        per_page = min(_positive_int(query.get("per_page"), DEFAULT_PER_PAGE), MAX_PER_PAGE)
        return cls(page=_positive_int(query.get("page"), 1), per_page=per_page)

    def last_page(self, total: int) -> int:
        return max(1, -(-total // self.per_page))

    def slice(self, items: Sequence[object]) -> Sequence[object]:
        start = (self.page - 1) * self.per_page
        return items[start : start + self.per_page]


def link_header(base_url: str, query_string: str, page: PageRequest, total: int) -> str | None:
    """The `Link` header for one page of `total` items; None when everything fits on one page."""
    last = page.last_page(total)
    if last == 1 and page.page == 1:
        return None
    params = parse_qsl(query_string, keep_blank_values=True)

    def url(number: int) -> str:
        replaced = [(k, str(number)) if k == "page" else (k, v) for k, v in params]
        if not any(k == "page" for k, _ in params):
            replaced.append(("page", str(number)))
        return f"{base_url}?{urlencode(replaced)}"

    links: list[tuple[int, str]] = []
    if page.page > 1:
        links.append((min(page.page - 1, last), "prev"))
    if page.page < last:
        links += [(page.page + 1, "next"), (last, "last")]
    if page.page > 1:
        links.append((1, "first"))
    return ", ".join(f'<{url(number)}>; rel="{rel}"' for number, rel in links)
