"""Sealing rows written in bulk outside the ORM (the benchmark's COPY): the same values, keys,
associated data and blind indexes the models write."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.crypto import at_rest, keys, keystore, sealing
from domain.crypto.fields import BlindIndexField, new_row_uid
from domain.personal import declaration


async def make_subject_keys(kind: str, subject_ids: list[Any]) -> dict[str, tuple[str, AESGCM]]:
    """A data key for each subject that has none, inserted in batches; every subject's key."""
    wrapper = keys.kek()
    conn = keystore._conn()
    now = datetime.now(UTC).isoformat()
    found: dict[str, tuple[str, AESGCM]] = {}
    for start in range(0, len(subject_ids), 1000):
        chunk = [str(s) for s in subject_ids[start : start + 1000]]
        rows = []
        for subject in chunk:
            key_id = keystore.secrets.token_hex(8)
            material = AESGCM.generate_key(bit_length=256)
            kek_id, wrapped = wrapper.wrap(material, context=keystore._context(key_id))
            rows.append([key_id, kind, subject, kek_id, wrapped.hex(), now])
        await conn.execute_many(
            keystore._sql(
                "INSERT INTO data_key (key_id, subject_kind, subject_id, kek_id, wrapped, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
            ),
            rows,
        )
        marks = ", ".join("?" * len(chunk))
        _, stored = await conn.execute_query(
            keystore._sql(
                "SELECT key_id, subject_id, kek_id, wrapped FROM data_key "  # noqa: S608
                f"WHERE subject_kind = ? AND subject_id IN ({marks})"
            ),
            [kind, *chunk],
        )
        for row in stored:
            context = keystore._context(row["key_id"])
            material = wrapper.unwrap(row["kek_id"], bytes.fromhex(row["wrapped"]), context=context)
            found[row["subject_id"]] = (row["key_id"], AESGCM(material))
    return found


class BulkSealer:
    """Seal ``model`` rows given as dicts of clear values by attribute name."""

    def __init__(self, model: type, subject_keys: dict[str, tuple[str, AESGCM]]) -> None:
        meta = model._meta  # type: ignore[attr-defined]
        decl = declaration(model)
        assert decl is not None and decl.subject is not None
        self.table = meta.db_table
        self.via = decl.subject.via
        self.spec = at_rest.sealed_fields(model)
        self.indexes = [
            (f.source_field or name, f.source)
            for name, f in meta.fields_map.items()
            if isinstance(f, BlindIndexField)
        ]
        self.keys = subject_keys

    def columns(self) -> list[str]:
        """The columns ``seal`` fills, in its order."""
        return ["row_uid", *(c for _, c, _ in self.spec), *(c for c, _ in self.indexes)]

    def seal(self, values: dict[str, Any]) -> list[Any]:
        key_id, aes = self.keys[str(values[self.via])]
        uid = new_row_uid()
        out: list[Any] = [uid]
        for attr, column, _ in self.spec:
            clear = values.get(attr)
            if clear is None:
                out.append(None)
                continue
            text = clear.isoformat() if isinstance(clear, datetime) else str(clear)
            out.append(sealing.seal(aes, key_id, text, sealing.aad(self.table, column, uid)))
        for _, source in self.indexes:
            clear = values.get(source)
            out.append(sealing.blind_index(self.table, source, None if clear is None else clear))
        return out
