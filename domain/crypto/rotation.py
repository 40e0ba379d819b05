"""Key rotation and the key report.

Rotating the KEK: start every process with the new key as ``MANDI_DATA_KEY`` and the old one as
``MANDI_DATA_KEY_PREVIOUS`` (both unwrap), run ``mandi keys rotate`` (it re-wraps each data key
under the new KEK, a batch per transaction, skipping those already done: rerun it after an
interruption, or twice, safely), then drop ``MANDI_DATA_KEY_PREVIOUS``. Values are not
re-encrypted: their data keys do not change, only the key that wraps them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tortoise import connections

from domain.crypto import at_rest, keys, keystore

BATCH = 500


async def pending_rewrap() -> int:
    current = keys.kek().current_id
    _, rows = await keystore._conn().execute_query(
        keystore._sql("SELECT count(*) AS n FROM data_key WHERE kek_id <> ?"), [current]
    )
    return int(rows[0]["n"])


async def rewrap(progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
    """Re-wrap every data key not yet under the current KEK; returns how many were."""
    wrapper = keys.kek()
    current = wrapper.current_id
    done = 0
    while True:
        async with keystore._conn()._in_transaction() as conn:
            _, rows = await conn.execute_query(
                keystore._sql(
                    "SELECT key_id, kek_id, wrapped FROM data_key WHERE kek_id <> ? "  # noqa: S608
                    f"ORDER BY key_id LIMIT {int(batch)}"
                ),
                [current],
            )
            for row in rows:
                context = keystore._context(row["key_id"])
                material = wrapper.unwrap(
                    row["kek_id"], bytes.fromhex(row["wrapped"]), context=context
                )
                kek_id, wrapped = wrapper.wrap(material, context=context)
                await conn.execute_query(
                    keystore._sql(
                        "UPDATE data_key SET kek_id = ?, wrapped = ? "
                        "WHERE key_id = ? AND kek_id = ?"
                    ),
                    [kek_id, wrapped.hex(), row["key_id"], row["kek_id"]],
                )
        if not rows:
            return done
        done += len(rows)
        if progress:
            progress(len(rows))


@dataclass
class Report:
    keys_by_kek: Counter = field(default_factory=Counter)
    keys_by_kind: Counter = field(default_factory=Counter)
    values_by_kek: Counter = field(default_factory=Counter)
    values_by_table: Counter = field(default_factory=Counter)
    pending_rows: Counter = field(default_factory=Counter)
    current_kek: str = ""


async def status(models: dict[str, type]) -> Report:
    """How many data keys each KEK wraps, and how many sealed values use them."""
    report = Report(current_kek=keys.kek().current_id)
    _, rows = await keystore._conn().execute_query(
        "SELECT key_id, kek_id, subject_kind FROM data_key"
    )
    kek_of = {row["key_id"]: row["kek_id"] for row in rows}
    for row in rows:
        report.keys_by_kek[row["kek_id"]] += 1
        report.keys_by_kind[row["subject_kind"] or "(unbound)"] += 1
    default = connections.get("default")
    start = len("m1.") + 1
    for model in models.values():
        spec = at_rest.sealed_fields(model)
        if not spec:
            continue
        table = model._meta.db_table  # type: ignore[attr-defined]
        _, pending = await default.execute_query(
            f'SELECT count(*) AS n FROM "{table}" WHERE "row_uid" IS NULL'  # noqa: S608
        )
        if pending[0]["n"]:
            report.pending_rows[table] = int(pending[0]["n"])
        for _, column, _ in spec:
            _, counts = await default.execute_query(
                f'SELECT substr("{column}", {start}, 16) AS k, count(*) AS n FROM "{table}" '  # noqa: S608
                f"WHERE \"{column}\" LIKE 'm1.%' GROUP BY k"
            )
            for row in counts:
                report.values_by_table[table] += int(row["n"])
                report.values_by_kek[kek_of.get(row["k"], "(destroyed)")] += int(row["n"])
    return report
