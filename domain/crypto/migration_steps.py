"""The steps of migration 0005 that are code, kept here so the migration stays declarative."""

from __future__ import annotations

from typing import Any

from tortoise.migrations import operations as ops

from domain.crypto import backfill, keystore


async def seal_existing_rows(apps: Any, schema_editor: Any) -> None:
    """Seal every value written in clear before encryption (batched; a rerun resumes)."""
    from domain import db

    opened = not keystore.is_open()
    # the migration's connection says where the database (and so the key store) is
    await db.start_encryption(_database_url(schema_editor.client))
    try:
        await backfill.seal_all(db.models())
    finally:
        if opened:
            await keystore.close_store()


def _database_url(client: Any) -> str:
    client = getattr(client, "_parent", client)  # the connection under the transaction
    if client.capabilities.dialect == "sqlite":
        return f"sqlite://{client.filename}"
    user, host, port, name = client.user, client.host, client.port, client.database
    password = f":{client.password}" if client.password else ""
    return f"postgres://{user}{password}@{host}:{port}/{name}"


async def check_foreign_keys(apps: Any, schema_editor: Any) -> None:
    """SQLite rebuilt tables with foreign keys off (``tortoise_config(migrating=True)``):
    refuse to commit if any reference was broken."""
    if schema_editor.client.capabilities.dialect == "sqlite":
        _, broken = await schema_editor.client.execute_query("PRAGMA foreign_key_check")
        if broken:
            raise RuntimeError(f"{len(broken)} broken foreign keys after the migration")


class AlterFieldType(ops.AlterField):
    """An ``AlterField`` that changes the column's type (Tortoise refuses to guess how): used
    for a moment that becomes sealed text. PostgreSQL casts with ``USING col::text``; SQLite
    rebuilds the table."""

    async def database_forward(
        self, app_label: str, old_state: Any, new_state: Any, state_editor: Any = None
    ) -> None:
        if not state_editor:
            return
        old_model = old_state.apps.get_model(f"{app_label}.{self.model_name}")
        new_model = new_state.apps.get_model(f"{app_label}.{self.model_name}")
        old_field = old_model._meta.fields_map[self.name]
        new_field = new_model._meta.fields_map[self.name]
        await state_editor._alter_field(new_model, old_field, new_field)


_indexes: list[tuple[str, str]] = []
_constraints: list[tuple[str, tuple[str, ...]]] = []


async def remember_indexes(apps: Any, schema_editor: Any) -> None:
    """SQLite: note the indexes and unique constraints, which Tortoise's table rebuild does not
    carry over."""
    _indexes.clear()
    _constraints.clear()
    if schema_editor.client.capabilities.dialect != "sqlite":
        return
    client = schema_editor.client
    _, rows = await client.execute_query(
        "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index'"
    )
    for row in rows:
        if row["sql"] is not None:
            _indexes.append((row["name"], row["sql"]))
        else:  # a table's UNIQUE (a, b, ...) constraint
            _, cols = await client.execute_query(f'PRAGMA index_info("{row["name"]}")')
            if len(cols) > 1:
                _constraints.append((row["tbl_name"], tuple(c["name"] for c in cols)))


async def restore_indexes(apps: Any, schema_editor: Any) -> None:
    """SQLite: recreate the indexes and unique constraints noted before the rebuilds."""
    if schema_editor.client.capabilities.dialect != "sqlite":
        return
    client = schema_editor.client
    _, rows = await client.execute_query("SELECT name FROM sqlite_master WHERE type = 'index'")
    present = {row["name"] for row in rows}
    for name, sql in _indexes:
        if name not in present:
            await client.execute_query(sql)
    for table, columns in _constraints:
        _, listed = await client.execute_query(f'PRAGMA index_list("{table}")')
        shapes = set()
        for index in listed:
            _, cols = await client.execute_query(f'PRAGMA index_info("{index["name"]}")')
            shapes.add((tuple(c["name"] for c in cols), bool(index["unique"])))
        if (columns, True) not in shapes:
            quoted = ", ".join(f'"{c}"' for c in columns)
            await client.execute_query(
                f'CREATE UNIQUE INDEX "uid_{table}_{"_".join(columns)}" ON "{table}" ({quoted})'
            )
