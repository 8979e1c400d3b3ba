"""The ``analytics`` views, created from their models only: a model whose ``config()`` says
``materialized='view'`` is the one text of its view.

A view answers at once (an answer the receiver stores shows in ``analytics.pr_surveys`` the moment it is
written), so BI must have it from install, before any asset runs: the migration runner installs every view
model right after the migrations, in their transaction and under their lock, and the mart asset installs it
again with the same function. A model change therefore needs no migration.

A process start must not touch a view that is already right: ``CREATE OR REPLACE VIEW`` takes an ACCESS
EXCLUSIVE lock, which waits for a long BI query on the view, and every process starting meanwhile would queue
behind it. So the model is first compiled as a temporary view and the two definitions PostgreSQL prints are
compared (``pg_get_viewdef`` normalises whitespace, casts and qualification, so a comment or a reformatting of
the model changes nothing). A model that drops, renames or retypes a column cannot replace the view in place:
the view is then dropped (without ``CASCADE``: a BI user's view built on it makes the install fail loudly
rather than vanish) and created again, and the read-only role is granted it again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError

from dexxy_assets.sql_models import MART_SCHEMA, MODELS_DIR, model_config, render_model
from resources.bulk_load import lock_partitions
from resources.sql_template import render_sql

_CHECK_VIEW = "dexxy_model_view_check"
_VIEW = "CREATE OR REPLACE VIEW {{ view | ident }} AS\n{{ model }}"
_DROP = "DROP VIEW {{ view | ident }}"
_DEFINITION = text("SELECT pg_get_viewdef(to_regclass(:view))")
_GRANT_BI = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'dexxy_bi') THEN
        GRANT SELECT ON {{ view | ident }} TO dexxy_bi;
    END IF;
END
$$"""
_INCOMPATIBLE = "42P16"  # invalid_table_definition: cannot drop / rename / change the type of a view column


def view_models(project: Path = MODELS_DIR) -> list[str]:
    """The marts whose model is a view, by name."""
    names = sorted(path.stem for path in (project / "marts").glob("*.sql"))
    return [name for name in names if model_config(name, project).materialized == "view"]


def install_view(conn: Connection, name: str, project: Path = MODELS_DIR) -> bool:
    """Make ``analytics.<name>`` the model's view; True when it was created or replaced, False when it
    already was. The caller applies the documented comments (``materializations.apply_comments``)."""
    view = f"{MART_SCHEMA}.{name}"
    model = render_model(name, project=project)
    lock_partitions(conn, view, ["whole table"])  # the mart asset's lock: one CREATE OR REPLACE at a time
    if _current_definition(conn, view) == _compiled_definition(conn, model):
        return False
    conn.execute(text("SAVEPOINT dexxy_view"))
    try:
        conn.execute(text(render_sql(_VIEW, view=view, model=model)))
    except DBAPIError as error:
        if getattr(error.orig, "pgcode", None) != _INCOMPATIBLE:
            raise
        conn.execute(text("ROLLBACK TO SAVEPOINT dexxy_view"))
        conn.execute(text(render_sql(_DROP, view=view)))
        conn.execute(text(render_sql(_VIEW, view=view, model=model)))
        conn.execute(text(render_sql(_GRANT_BI, view=view)))
    conn.execute(text("RELEASE SAVEPOINT dexxy_view"))
    return True


def _current_definition(conn: Connection, view: str) -> str | None:
    return conn.execute(_DEFINITION, {"view": view}).scalar_one()


def _compiled_definition(conn: Connection, model: str) -> str:
    """The model as PostgreSQL would store it, from a temporary view dropped at once."""
    check = f"pg_temp.{_CHECK_VIEW}"
    conn.execute(text(render_sql(_VIEW, view=check, model=model)))
    definition = conn.execute(_DEFINITION, {"view": check}).scalar_one()
    conn.execute(text(render_sql(_DROP, view=check)))
    return definition
