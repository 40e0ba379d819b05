# ruff: noqa: S608 -- table names come from the constant TABLES
"""Database triggers that make the audit tables append-only, per dialect."""

from __future__ import annotations

from typing import Any

TABLES = ("audit_entry", "audit_checkpoint")

_POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION mandi_refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def postgres_sql() -> list[str]:
    statements = [_POSTGRES_FUNCTION]
    for table in TABLES:
        statements += [
            f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION mandi_refuse_audit_change();",
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION mandi_refuse_audit_change();",
        ]
    return statements


def sqlite_sql() -> list[str]:
    key = {"audit_entry": "seq", "audit_checkpoint": "id"}
    statements = []
    for table in TABLES:
        statements += [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
            # INSERT OR REPLACE would delete the old row without firing the delete trigger.
            f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key[table]} = NEW.{key[table]}) "
            "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
        ]
    return statements


async def install(_apps: Any, schema_editor: Any) -> None:
    """RunPython entry point for the migration that creates the audit tables."""
    client = schema_editor.client
    dialect = client.capabilities.dialect
    statements = postgres_sql() if dialect == "postgres" else sqlite_sql()
    for statement in statements:
        await client.execute_script(statement)


# Looking up an Idempotency-Key (api/idempotency.py): a partial index holds only those entries,
# so appends of every other entry pay nothing for it.
IDEMPOTENCY_INDEX = (
    "CREATE INDEX IF NOT EXISTS audit_entry_idempotency_key "
    "ON audit_entry (actor_type, actor_id, resource_id) "
    "WHERE action = 'mutation.idempotency_key'"
)


async def install_idempotency_index(_apps: Any, schema_editor: Any) -> None:
    """RunPython entry point (the same statement on both dialects)."""
    await schema_editor.client.execute_script(IDEMPOTENCY_INDEX)
