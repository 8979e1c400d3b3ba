"""The bare HTML page the sandbox's web screens (GitHub's and Atlassian's consent pages) are drawn in."""

from __future__ import annotations

import html


def html_page(title: str, body: str) -> str:
    """A whole document: ``title`` escaped here, ``body`` is HTML the caller escaped."""
    return (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title></head>"
        f"<body>{body}</body></html>"
    )
