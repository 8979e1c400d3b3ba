"""`dexxy_bi` reads every table of `analytics`, present and future, and nothing of `raw`, `staging`,
`processing` or `ops` (payloads, tokens, the LLM cache and sync state stay private), and writes nowhere."""

import pytest
from psycopg2 import errors
from sqlalchemy import Connection, exc, text

from resources.bi_login import BI_ROLE
from resources.warehouse import WarehouseResource

PRIVATE_SCHEMAS = ("raw", "staging", "processing", "ops")
_RELATIONS = text(
    "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class AS c "
    "JOIN pg_namespace AS n ON n.oid = c.relnamespace "
    "WHERE n.nspname = ANY(:schemas) AND c.relkind IN ('r', 'v', 'm', 'p', 'f') ORDER BY 1"
)


def relations(conn: Connection, *schemas: str) -> list[str]:
    return list(conn.execute(_RELATIONS, {"schemas": list(schemas)}).scalars())


def privilege(conn: Connection, relation: str, kind: str) -> bool:
    return conn.execute(
        text("SELECT has_table_privilege(:role, CAST(:rel AS regclass), :kind)"),
        {"role": BI_ROLE, "rel": relation, "kind": kind},
    ).scalar_one()


def test_bi_role_reads_analytics_only(warehouse: WarehouseResource) -> None:
    with warehouse.begin() as conn:  # tables added later, as other migrations and marts will
        conn.exec_driver_sql("CREATE TABLE analytics.added_later (id int)")
        conn.exec_driver_sql("CREATE VIEW analytics.added_later_view AS SELECT 1 AS one")
        conn.exec_driver_sql("CREATE TABLE staging.added_later (id int)")
    with warehouse.connect() as conn:
        private = relations(conn, *PRIVATE_SCHEMAS)
        public = relations(conn, "analytics")
        assert {r.split(".")[0] for r in private} == set(PRIVATE_SCHEMAS)
        added = {"analytics.added_later", "analytics.added_later_view"}
        assert {"analytics.pull_requests", *added} <= set(public)
        assert [
            s
            for s in PRIVATE_SCHEMAS
            if conn.execute(
                text("SELECT has_schema_privilege(:role, :schema, 'USAGE')"), {"role": BI_ROLE, "schema": s}
            ).scalar_one()
        ] == []
        assert [r for r in private if privilege(conn, r, "SELECT")] == []
        assert [r for r in public if not privilege(conn, r, "SELECT")] == []
        writes = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
        assert [r for r in public + private for k in writes if privilege(conn, r, k)] == []


def test_bi_role_is_refused_each_private_schema(warehouse: WarehouseResource) -> None:
    refused = []
    with warehouse.connect() as conn:
        with conn.begin():
            first = {schema: relations(conn, schema)[0] for schema in PRIVATE_SCHEMAS}
        with conn.begin():
            conn.exec_driver_sql(f"SET LOCAL ROLE {BI_ROLE}")
            assert conn.exec_driver_sql("SELECT count(*) FROM analytics.pull_requests").scalar_one() == 0
        for relation in first.values():
            with conn.begin(), pytest.raises(exc.ProgrammingError) as error:
                conn.exec_driver_sql(f"SET LOCAL ROLE {BI_ROLE}")
                conn.exec_driver_sql(f"SELECT * FROM {relation} LIMIT 1")  # noqa: S608 - a catalogue name
            if isinstance(error.value.orig, errors.InsufficientPrivilege):
                refused.append(relation)
    assert refused == list(first.values())
