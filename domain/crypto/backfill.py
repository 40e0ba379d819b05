"""Seal the values of rows written before encryption (the 0005 migration runs this).

A row is pending while its ``row_uid`` is NULL: its values are in clear. Each pending row gets
its row uid, its values sealed under its subject's key and its blind indexes in one UPDATE, a
batch of rows at a time; a rerun carries on with the rows still pending.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tortoise import connections

from domain.crypto import at_rest, keystore, sealing
from domain.crypto.fields import BlindIndexField, new_row_uid
from domain.personal import declaration

BATCH = 500


def _placeholders(dialect: str, count: int, start: int = 1) -> list[str]:
    return (
        [f"${i}" for i in range(start, start + count)] if dialect == "postgres" else ["?"] * count
    )


async def seal_model(model: type, progress: Callable[[int], None] | None = None) -> int:
    """Seal every pending row of ``model``; returns how many rows were sealed."""
    spec = at_rest.sealed_fields(model)
    decl = declaration(model)
    if not spec or decl is None or decl.subject is None:
        return 0
    meta = model._meta  # type: ignore[attr-defined]
    conn = connections.get("default")
    dialect = conn.capabilities.dialect
    table, pk = meta.db_table, meta.db_pk_column
    via_field = meta.fields_map[decl.subject.via]
    via = via_field.source_field or decl.subject.via
    indexes = [
        (f.source_field or name, f.source)
        for name, f in meta.fields_map.items()
        if isinstance(f, BlindIndexField)
    ]
    columns = [column for _, column, _ in spec]
    sources = {attr: column for attr, column, _ in spec}
    select = (
        f'SELECT "{pk}", "{via}", {", ".join(f"{chr(34)}{c}{chr(34)}" for c in columns)} '  # noqa: S608
        f'FROM "{table}" WHERE "row_uid" IS NULL ORDER BY "{pk}" LIMIT {BATCH}'
    )
    targets = ["row_uid", *columns, *(column for column, _ in indexes)]
    marks = _placeholders(dialect, len(targets) + 1)
    update = (
        f'UPDATE "{table}" SET '  # noqa: S608
        + ", ".join(f'"{t}" = {m}' for t, m in zip(targets, marks, strict=False))
        + f' WHERE "{pk}" = {marks[-1]}'
    )
    done = 0
    kind = decl.subject.kind.value
    while True:
        _, rows = await conn.execute_query(select)
        if not rows:
            return done
        for row in rows:
            subject = row[via]
            key_id, aes = await keystore.key_for_subject(kind, "-" if subject is None else subject)
            uid = new_row_uid()
            values: list = [uid]
            for _, column, moment in spec:
                clear = row[column]
                if clear is not None and moment:
                    clear = _moment(clear)
                values.append(
                    None
                    if clear is None
                    else sealing.seal(aes, key_id, clear, sealing.aad(table, column, uid))
                )
            for _, source in indexes:
                clear = row[sources[source]]
                values.append(sealing.blind_index(table, source, clear))
            await conn.execute_query(update, [*values, row[pk]])
        done += len(rows)
        if progress:
            progress(len(rows))


def _moment(value: object) -> str:
    """A moment as ISO-8601 text, from a native value or its text (PostgreSQL writes ``+00``)."""
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value)
    try:
        return datetime.fromisoformat(text).isoformat()
    except ValueError:
        return datetime.fromisoformat(f"{text}:00").isoformat()


async def seal_all(models: dict[str, type]) -> int:
    """Seal the pending rows of every model whose table exists. The 0008 migration runs this
    with today's models: a table made by a later migration is not there yet, and every row it
    will hold is written sealed."""
    present = await _tables()
    sealed = 0
    with keystore.key_scope():
        for model in models.values():
            if model._meta.db_table in present:  # type: ignore[attr-defined]
                sealed += await seal_model(model)
    return sealed


async def _tables() -> set[str]:
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        query = "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    _, rows = await conn.execute_query(query)
    return {row["name"] for row in rows}
