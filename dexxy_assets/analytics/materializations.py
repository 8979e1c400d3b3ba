"""How a SQL model becomes its ``analytics`` relation: ``view``, ``table`` or ``incremental``.

``table`` is built aside, then swapped in by contents within one transaction: the model's rows go into a
temporary table first (the slow part, with the mart untouched), then ``DELETE`` + ``INSERT`` from it. Under
MVCC a reader sees the old rows until the commit and the new ones after it, never an empty or half-built
table, at any isolation level, and is never blocked. The table stays the same object, so the ``dexxy_bi``
grants, indexes, comments, and views built on it keep working. (A rename swap, as dbt does, needs an ACCESS
EXCLUSIVE lock that queues every reader behind it, drops the views built on the old table, and shows a
REPEATABLE READ reader whose snapshot is older than the swap an empty table: the new table's rows are
invisible to it.) The price is dead rows, which autovacuum reclaims; the marts that grow with history are
incremental, so they do not pay it for their whole history every run.

``incremental`` replaces one window, in one transaction: the rows whose event time falls in it are deleted,
then the model's rows for that run (``is_incremental()`` true, ``window_start`` / ``window_end`` vars) are
inserted after their older copies are deleted by unique key (dbt's ``delete+insert``). A model returns its
window's rows and may return more: the rows of every entity staged in the window, whatever their event
time (a pull request updated today brings its review of last month). So the window delete drops what
disappeared, the key delete replaces what changed anywhere, and the partitions together always equal a full
build.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, text

from dexxy_assets.analytics.model_views import install_view
from dexxy_assets.model_docs import model_docs
from dexxy_assets.sql_models import (
    MART_SCHEMA,
    MODELS_DIR,
    ModelConfig,
    ModelConfigError,
    model_config,
    render_model,
)
from resources.bulk_load import lock_partitions
from resources.sql_template import render_sql

OPEN_START = "-infinity"
OPEN_END = "infinity"

_TABLE_COLUMNS = text(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position"
)
_BUILD_ASIDE = """
DROP TABLE IF EXISTS {{ build | ident }};
CREATE TEMPORARY TABLE {{ build | ident }} ON COMMIT DROP AS
SELECT {{ columns | ident_list }} FROM (
{{ model }}
) AS model
"""
_DELETE_ALL = "DELETE FROM {{ table | ident }}"
_IN_WINDOW = """(({{ column | ident }} >= CAST(:window_start AS timestamptz)
  AND {{ column | ident }} < CAST(:window_end AS timestamptz))
  OR (CAST(:window_start AS timestamptz) = '-infinity' AND {{ column | ident }} IS NULL))"""
_DELETE_WINDOW = "DELETE FROM {{ table | ident }} WHERE {{ in_window }}"
_DELETE_MOVED = """
DELETE FROM {{ table | ident }}
WHERE ({{ keys | ident_list }}) IN (SELECT {{ keys | ident_list }} FROM {{ build | ident }})
"""
_INSERT_BUILT = """
INSERT INTO {{ table | ident }} ({{ columns | ident_list }})
SELECT {{ columns | ident_list }} FROM {{ build | ident }}
"""
_COUNT = "SELECT count(*) FROM {{ table | ident }}"
_COMMENT_RELATION = "COMMENT ON {{ kind }} {{ relation | ident }} IS :comment"
_COMMENT_COLUMN = "COMMENT ON COLUMN {{ relation | ident }}.{{ column | ident }} IS :comment"
_CURRENT_COMMENTS = text(
    "SELECT a.attname AS column_name, col_description(a.attrelid, a.attnum) AS comment "
    "FROM pg_attribute AS a WHERE a.attrelid = CAST(:relation AS regclass) AND a.attnum > 0 "
    "AND NOT a.attisdropped "
    "UNION ALL SELECT NULL, obj_description(CAST(:relation AS regclass), 'pg_class')"
)


@dataclass(frozen=True)
class Window:
    """An incremental run's time window; ``None`` is an open end: the first partition reaches back to the
    beginning of time (and takes rows without an event time), the latest one forward without limit."""

    start: dt.datetime | None
    end: dt.datetime | None

    def variables(self) -> dict[str, str]:
        """The dbt vars of the window: ISO timestamps Dexxy formats itself, never text from the data."""
        return {
            "window_start": self.start.isoformat() if self.start else OPEN_START,
            "window_end": self.end.isoformat() if self.end else OPEN_END,
        }


def materialize(conn: Connection, name: str, window: Window | None = None, project: Path = MODELS_DIR) -> int:
    """Build ``analytics.<name>`` by its model's materialization and return the rows written. Without a
    window an incremental model is built whole (dbt's full refresh); the documented comments are applied.

    Two builds of one mart at once (a sensor and a person, two partitions) take turns on the table's
    advisory lock: one transaction at a time replaces rows, so the second sees the first's commit.
    """
    table = f"{MART_SCHEMA}.{name}"
    settings = model_config(name, project)
    if settings.materialized == "ephemeral":
        raise ModelConfigError(f"model {name!r} is ephemeral: it is inlined where it is ref()'d, not built")
    conn.execute(text("SET LOCAL TIME ZONE 'UTC'"))  # date_trunc and date casts in the models mean UTC
    lock_partitions(conn, table, ["whole table"])
    if settings.materialized == "view":
        install_view(conn, name, project)  # as the migration runner does at install (model_views)
        written = conn.execute(text(render_sql(_COUNT, table=table))).scalar_one()
    elif settings.materialized == "incremental" and window is not None:
        written = _replace_window(conn, name, settings, window, project)
    else:
        written = _swap_contents(conn, name, project)
    apply_comments(conn, name, project)
    return written


def _swap_contents(conn: Connection, name: str, project: Path) -> int:
    table, build, columns = _targets(conn, name)
    # text(): SQLAlchemy escapes the models' % signs (LIKE patterns) for the driver
    model = render_model(name, project=project)
    conn.execute(text(render_sql(_BUILD_ASIDE, build=build, columns=columns, model=model)))
    conn.execute(text(render_sql(_DELETE_ALL, table=table)))
    return conn.execute(text(render_sql(_INSERT_BUILT, table=table, build=build, columns=columns))).rowcount


def _replace_window(conn: Connection, name: str, settings: ModelConfig, window: Window, project: Path) -> int:
    table, build, columns = _targets(conn, name)
    variables = window.variables()
    model = render_model(name, variables, incremental=True, project=project)
    conn.execute(text(render_sql(_BUILD_ASIDE, build=build, columns=columns, model=model)))
    in_window = render_sql(_IN_WINDOW, column=settings.event_time)
    conn.execute(text(render_sql(_DELETE_WINDOW, table=table, in_window=in_window)), variables)
    keys = list(settings.unique_key)
    conn.execute(text(render_sql(_DELETE_MOVED, table=table, build=build, keys=keys)))
    return conn.execute(text(render_sql(_INSERT_BUILT, table=table, build=build, columns=columns))).rowcount


def _targets(conn: Connection, name: str) -> tuple[str, str, list[str]]:
    columns = [row[0] for row in conn.execute(_TABLE_COLUMNS, {"schema": MART_SCHEMA, "table": name})]
    if not columns:
        raise LookupError(f"{MART_SCHEMA}.{name} does not exist: its migration creates it")
    return f"{MART_SCHEMA}.{name}", f"build_{name}", columns


def apply_comments(conn: Connection, name: str, project: Path = MODELS_DIR) -> None:
    """``COMMENT ON`` the relation and its columns from the properties file, where they differ."""
    doc = model_docs(project).get(name)
    if doc is None:
        return
    relation = f"{MART_SCHEMA}.{name}"
    kind = "VIEW" if model_config(name, project).materialized == "view" else "TABLE"
    comments = conn.execute(_CURRENT_COMMENTS, {"relation": relation})
    current = {row.column_name: row.comment for row in comments}
    if doc.description and current.get(None) != doc.description:
        statement = render_sql(_COMMENT_RELATION, kind=kind, relation=relation)
        conn.execute(text(statement), {"comment": doc.description})
    for column in doc.columns:
        if column.name in current and column.description and current[column.name] != column.description:
            conn.execute(
                text(render_sql(_COMMENT_COLUMN, relation=relation, column=column.name)),
                {"comment": column.description},
            )
