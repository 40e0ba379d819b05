"""The committed migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

import sqlite3
import uuid

import asyncpg
from tortoise import Tortoise, connections
from tortoise.migrations.autodetector import MigrationAutodetector
from tortoise.utils import get_schema_sql

from domain import db
from tests.conftest import PG_ADMIN_URL


async def test_models_have_no_unmigrated_changes(backend):
    config = db.tortoise_config(backend.url)
    writers = await MigrationAutodetector(Tortoise.apps, config["apps"]).changes()
    assert not writers, "models changed without a migration: run `make migrations`"


def _sqlite_shape(con: sqlite3.Connection) -> dict:
    shape = {}
    tables = con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND name NOT LIKE 'tortoise_%'"
    ).fetchall()
    for (table,) in tables:
        columns = {
            row[1]: (row[2].upper(), bool(row[3]), row[5])
            for row in con.execute(f'PRAGMA table_info("{table}")')
        }
        indexes = {
            (*(c[2] for c in con.execute(f'PRAGMA index_info("{ix[1]}")')), bool(ix[2]))
            for ix in con.execute(f'PRAGMA index_list("{table}")')
            if not ix[4]  # partial indexes are made by RunPython; models cannot declare them
        }
        fks = con.execute(f'PRAGMA foreign_key_list("{table}")')
        foreign = {(fk[3], fk[2], fk[4], fk[6]) for fk in fks}
        shape[table] = (columns, indexes, foreign)
    return shape


_PG_COLUMNS = """
SELECT table_name, column_name, data_type, is_nullable, character_maximum_length,
       numeric_precision, numeric_scale
FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT LIKE 'tortoise_%'
"""
_PG_INDEXES = """
SELECT t.relname, array_agg(a.attname ORDER BY k.ord), ix.indisunique
FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
CROSS JOIN LATERAL unnest(ix.indkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
WHERE t.relname NOT LIKE 'tortoise_%' AND ix.indpred IS NULL
GROUP BY t.relname, ix.indexrelid, ix.indisunique
"""
_PG_FOREIGN = """
SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' AND connamespace = 'public'::regnamespace
"""


async def _pg_shape(url: str) -> dict:
    con = await asyncpg.connect(url)
    try:
        shape: dict = {}
        for row in await con.fetch(_PG_COLUMNS):
            shape.setdefault(row[0], [{}, set(), set()])[0][row[1]] = tuple(row[2:])
        for row in await con.fetch(_PG_INDEXES):
            shape[row[0]][1].add((*row[1], row[2]))
        for row in await con.fetch(_PG_FOREIGN):
            shape[row[0]][2].add(row[1])
        return {table: tuple(parts) for table, parts in shape.items()}
    finally:
        await con.close()


async def test_migrated_schema_equals_model_schema(backend, tmp_path):
    model_sql = get_schema_sql(connections.get("default"), safe=False)
    if backend.kind == "sqlite":
        fresh = sqlite3.connect(tmp_path / "models.sqlite3")
        fresh.executescript(model_sql)
        migrated = sqlite3.connect(backend.name)
        try:
            expected = _sqlite_shape(fresh)
            assert len(expected) == len(db.models())
            assert _sqlite_shape(migrated) == expected
        finally:
            fresh.close()
            migrated.close()
        return
    name = f"mandi_shape_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG_ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        fresh_url = backend.url.rsplit("/", 1)[0] + f"/{name}"
        fresh = await asyncpg.connect(fresh_url)
        try:
            await fresh.execute(model_sql)
        finally:
            await fresh.close()
        expected = await _pg_shape(fresh_url)
        assert len(expected) == len(db.models())
        assert await _pg_shape(backend.url) == expected
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
