"""Sources that read another source's API: Copilot reads GitHub's (the same resource, token and pool), so
pausing or disabling ``github`` holds ``copilot`` too; a pause is meant to stop the calls to an API (a
compromised token, a rate-limit incident, a maintenance window), and Copilot's calls are GitHub API calls.

The relation is one way: pausing ``copilot`` (say, an organisation without Copilot) leaves GitHub syncing.
A held source keeps its own status; ``stopped_reason`` and ``dexxy sync status`` say why it does not sync.
Each source declares the API it reads in its own ``Source`` (``reads_api_of``), so adding one touches no
other source's files.
"""

from __future__ import annotations


def api_owner(source: str) -> str | None:
    """The source whose API ``source`` reads (None: its own API)."""
    from dexxy_assets.sources import registered_sources  # lazily: the sources import the sync machinery

    return next((s.reads_api_of for s in registered_sources() if s.name == source), None)


def api_readers(source: str) -> tuple[str, ...]:
    """The sources that read ``source``'s API and stop with it."""
    from dexxy_assets.sources import registered_sources

    return tuple(s.name for s in registered_sources() if s.reads_api_of == source)
