"""Every SQL model in dbt_like_sql/marts produces exactly the columns of its analytics table.

A mart is written as ``INSERT INTO table (its columns) SELECT those columns FROM (model)``: a column the
model computes but the migration forgot would be dropped without a word, and a table column the model
does not produce fails only at run time. This test names the difference for each model.
"""

from __future__ import annotations

from sqlalchemy import text

from dexxy_assets.sql_models import MART_SCHEMA, MODELS_DIR, render_model
from resources.warehouse import WarehouseResource

MART_MODELS = sorted(path.stem for path in (MODELS_DIR / "marts").glob("*.sql"))
_TABLE_COLUMNS = text(
    "SELECT column_name FROM information_schema.columns "
    "WHERE table_schema = :schema AND table_name = :table ORDER BY ordinal_position"
)


def test_there_are_mart_models() -> None:
    assert "pull_requests" in MART_MODELS


def test_each_model_produces_exactly_its_tables_columns(warehouse: WarehouseResource) -> None:
    differences: dict[str, dict[str, list[str]]] = {}
    with warehouse.connect() as conn:
        for name in MART_MODELS:
            table_columns = [
                row[0] for row in conn.execute(_TABLE_COLUMNS, {"schema": MART_SCHEMA, "table": name})
            ]
            if not table_columns:
                differences[name] = {"no table analytics." + name: []}
                continue
            # the model's output columns, without running it (LIMIT 0 plans and describes)
            result = conn.execute(text(f"SELECT * FROM (\n{render_model(name)}\n) AS model LIMIT 0"))  # noqa: S608
            model_columns = list(result.keys())
            only_model = sorted(set(model_columns) - set(table_columns))
            only_table = sorted(set(table_columns) - set(model_columns))
            duplicated = sorted({c for c in model_columns if model_columns.count(c) > 1})
            if only_model or only_table or duplicated:
                differences[name] = {
                    "model columns missing from the table": only_model,
                    "table columns the model does not produce": only_table,
                    "columns the model produces twice": duplicated,
                }
    assert not differences, differences
