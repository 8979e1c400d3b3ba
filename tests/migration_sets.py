"""A partial migration set, for tests of a warehouse that ran only the migrations before one version."""

from __future__ import annotations

import shutil
from pathlib import Path

from resources.schema_migrations import MIGRATIONS_DIR


def migrations_before(version: str, folder: Path) -> Path:
    """``folder`` (created) holding a copy of every migration whose file name sorts before ``version``."""
    folder.mkdir()
    for migration in sorted(MIGRATIONS_DIR.glob("*.sql")):
        if migration.name < version:
            shutil.copy(migration, folder / migration.name)
    return folder
