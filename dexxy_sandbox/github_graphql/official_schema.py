"""GitHub's published GraphQL schema (the `schema.graphql` SDL), found, loaded once per process and shared.

The sandbox answers every field of GitHub's own schema (`defaults` binds the resolvers to it), so a
third-party client's queries validate and run as they would on api.github.com. The SDL is not copied into the
project: it is read from `$DEXXY_SANDBOX_GITHUB_SCHEMA`, else from `../shared/specs/github/schema.graphql`
beside the repository. Where neither exists the sandbox serves its hand-written subset (`schema`) instead.

The file is 1.2 MB, two thirds of it descriptions: they are cut before parsing (the schema keeps every type,
field, argument, default and directive), which makes the build about three times faster. Building still takes
a second or two (and holds about 23 MiB), so `prefetch()` starts it in a background thread when a server
starts; the first GraphQL request waits for it if it is not done yet.
"""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

from graphql import GraphQLSchema, build_ast_schema, parse

SCHEMA_ENV = "DEXXY_SANDBOX_GITHUB_SCHEMA"
BESIDE_REPOSITORY = Path(__file__).resolve().parents[3] / "shared" / "specs" / "github" / "schema.graphql"

_BLOCK_DESCRIPTION = re.compile(r'"""(?:[^"]|"(?!""))*"""')  # GitHub's descriptions are all block strings

log = logging.getLogger(__name__)


def official_schema_path() -> Path | None:
    """Where GitHub's schema is: `$DEXXY_SANDBOX_GITHUB_SCHEMA`, else beside the repository (None: absent)."""
    configured = os.environ.get(SCHEMA_ENV)
    path = Path(configured) if configured else BESIDE_REPOSITORY
    return path if path.is_file() else None


def load_official_schema(path: Path) -> GraphQLSchema:
    """Parse and build GitHub's SDL without its descriptions (not validated: GitHub's file is trusted)."""
    text = _BLOCK_DESCRIPTION.sub("", path.read_text(encoding="utf-8"))
    return build_ast_schema(parse(text, no_location=True), assume_valid_sdl=True, assume_valid=True)


class SharedSchema:
    """One schema per process, built at most once by whoever asks first (or by `prefetch`'s thread).

    `build` turns the official schema (None when it cannot be found) into the executable schema.
    """

    def __init__(self, build: Callable[[GraphQLSchema | None], GraphQLSchema]) -> None:
        self._build = build
        self._schema: GraphQLSchema | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        os.register_at_fork(after_in_child=self._after_fork)

    def _after_fork(self) -> None:
        """A forked child has no builder thread: a lock it held at the fork would never be released."""
        self._lock = threading.Lock()
        self._thread = None

    def get(self) -> GraphQLSchema:
        if self._schema is not None:
            return self._schema
        with self._lock:
            if self._schema is None:
                path = official_schema_path()
                if path is None:
                    log.warning(
                        "GitHub's schema.graphql not found (set %s): serving the sandbox's subset", SCHEMA_ENV
                    )
                self._schema = self._build(load_official_schema(path) if path is not None else None)
            return self._schema

    def prefetch(self) -> None:
        """Start building in a daemon thread (a no-op once built or started), so start-up does not wait."""
        with self._lock:
            if self._schema is not None or self._thread is not None:
                return
            self._thread = threading.Thread(target=self.get, name="github-graphql-schema", daemon=True)
            self._thread.start()
