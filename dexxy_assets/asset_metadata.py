"""Metadata people want to see on a materialization: row counts, API cost, problems, a preview, the schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import dagster as dg
from sqlalchemy import Connection, text

from dexxy_assets.problems import ProblemLog
from resources.http.usage import ApiUsage

_COLUMNS_WITH_COMMENTS = """
SELECT c.column_name, c.data_type, c.is_nullable = 'YES' AS nullable,
       col_description(format('%I.%I', c.table_schema, c.table_name)::regclass, c.ordinal_position) AS comment
FROM information_schema.columns c
WHERE c.table_schema = :schema AND c.table_name = :table
ORDER BY c.ordinal_position
"""


def problems_metadata(total: int, by_kind: Mapping[str, int]) -> dict[str, Any]:
    return {"problems": total, "problems_by_kind": dg.MetadataValue.json(dict(sorted(by_kind.items())))}


def problems_per_day(problems: ProblemLog) -> dict[dt.date, dict[str, int]]:
    """The problem counts of each partition day, grouped once (not scanned again for every day)."""
    grouped: dict[dt.date, dict[str, int]] = {}
    for (day, problem), count in problems.counts.items():
        grouped.setdefault(day, {})[problem] = count
    return grouped


def usage_metadata(usage: ApiUsage) -> dict[str, Any]:
    return dict(usage.as_metadata())


def table_schema(conn: Connection, table: str) -> dg.TableSchema:
    schema_name, table_name = table.split(".")
    rows = conn.execute(text(_COLUMNS_WITH_COMMENTS), {"schema": schema_name, "table": table_name}).all()
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=row.column_name,
                type=row.data_type,
                description=row.comment,
                constraints=dg.TableColumnConstraints(nullable=row.nullable),
            )
            for row in rows
        ]
    )


def preview(rows: Sequence[Mapping[str, Any]], columns: Sequence[str], limit: int = 10) -> dg.MetadataValue:
    """A small markdown table of the first rows."""
    header = "| " + " | ".join(columns) + " |\n|" + " --- |" * len(columns) + "\n"
    body = "\n".join(
        "| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in list(rows)[:limit]
    )
    return dg.MetadataValue.md(header + body)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value).replace("|", "\\|").replace("\n", " ")[:60]
