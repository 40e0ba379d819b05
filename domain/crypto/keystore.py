"""Per-subject data keys, wrapped by the KEK, in a key store *outside* the application database.

A person's data key lives in exactly one place: a row of ``data_key`` in the key store (an SQLite
file beside the database on the embedded default, a database of its own on PostgreSQL). Backups
and replicas of the application database therefore hold ciphertexts only; destroying the key
row (``shred``) makes every copy of that person's values unreadable. The key store is small: back
it up on a short retention, or not at all beyond the replication of the KEK's custodian.

Unwrapped keys are kept in a per-request cache (``key_scope``) and never beyond it, so a key
shredded in one process stops working in every other at their next request.
"""

from __future__ import annotations

import contextvars
import importlib
import secrets
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.backends.base.config_generator import expand_db_url

from domain.crypto import keys

CONNECTION = "keys"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS data_key (
    key_id VARCHAR(24) NOT NULL PRIMARY KEY,
    subject_kind VARCHAR(16),
    subject_id VARCHAR(64),
    kek_id VARCHAR(64) NOT NULL,
    wrapped TEXT NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS data_key_subject ON data_key (subject_kind, subject_id);
CREATE INDEX IF NOT EXISTS data_key_kek ON data_key (kek_id, key_id);
"""


@dataclass
class KeyCache:
    by_id: dict[str, AESGCM | None] = field(default_factory=dict)
    by_subject: dict[tuple[str, str], str] = field(default_factory=dict)


_scope: contextvars.ContextVar[KeyCache | None] = contextvars.ContextVar(
    "mandi_key_cache", default=None
)


@contextmanager
def key_scope() -> Iterator[KeyCache]:
    """Cache unwrapped data keys for the duration of a request (or one CLI command)."""
    cache = KeyCache()
    token = _scope.set(cache)
    try:
        yield cache
    finally:
        _scope.reset(token)


def _cache() -> KeyCache:
    # Outside a scope each call gets a throwaway cache: nothing outlives the operation.
    return _scope.get() or KeyCache()


# The key store's client is opened beside Tortoise's connections, not among them: one more
# named connection would make every unnamed ``in_transaction()`` ambiguous.
_client: BaseDBAsyncClient | None = None


def open_store(config: str | dict) -> None:
    """Point the key store at a database (a URL or a Tortoise connection dict)."""
    global _client
    conf = expand_db_url(config) if isinstance(config, str) else config
    module = importlib.import_module(conf["engine"])
    _client = module.client_class(connection_name=CONNECTION, **conf["credentials"])


def is_open() -> bool:
    return _client is not None


async def close_store() -> None:
    global _client
    if _client is not None:
        await _client.close()
        _client = None


def _conn() -> BaseDBAsyncClient:
    if _client is None:
        raise RuntimeError("the key store is not open (domain.db.init_db opens it)")
    return _client


def _sql(text: str) -> str:
    """Write ``?`` placeholders; PostgreSQL gets ``$n``."""
    if _conn().capabilities.dialect != "postgres":
        return text
    parts = text.split("?")
    return "".join(p + (f"${i}" if i < len(parts) else "") for i, p in enumerate(parts, 1))


async def ensure_schema() -> None:
    conn = _conn()
    try:  # present already (the service role may not create tables: it needs not)
        await conn.execute_query("SELECT key_id FROM data_key WHERE 1 = 0")
        return
    except Exception:  # noqa: S110 - absent, or its database is: made below
        pass
    try:
        await conn.execute_script(_SCHEMA)
    except Exception:  # the PostgreSQL key database does not exist yet: create it, then retry
        if conn.capabilities.dialect != "postgres":
            raise
        await conn.db_create()
        await conn.close()
        await conn.execute_script(_SCHEMA)


def _context(key_id: str) -> bytes:
    return f"mandi data key {key_id}".encode()


async def _insert(subject: tuple[str, str] | None) -> tuple[str, AESGCM]:
    key_id = secrets.token_hex(8)
    material = AESGCM.generate_key(bit_length=256)
    kek_id, wrapped = keys.kek().wrap(material, context=_context(key_id))
    kind, subject_id = subject if subject else (None, None)
    await _conn().execute_query(
        _sql(
            "INSERT INTO data_key (key_id, subject_kind, subject_id, kek_id, wrapped, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
        ),
        [key_id, kind, subject_id, kek_id, wrapped.hex(), datetime.now(UTC).isoformat()],
    )
    return key_id, AESGCM(material)


async def new_unbound_key() -> tuple[str, AESGCM]:
    """A key for a row whose subject id the database has not assigned yet; ``bind`` follows."""
    key_id, aes = await _insert(None)
    _cache().by_id[key_id] = aes
    return key_id, aes


async def bind(key_id: str, kind: str, subject_id: object) -> None:
    """Name the subject of a key made before its row had an id. A key already bound to that id
    belongs to a row whose insert rolled back (the key store is not in the database's
    transaction, and SQLite reuses a rolled-back id): it is set aside, unbound."""
    subject = [kind, str(subject_id)]
    conn = _conn()
    await conn.execute_query(
        _sql(
            "UPDATE data_key SET subject_kind = NULL, subject_id = NULL "
            "WHERE subject_kind = ? AND subject_id = ? AND key_id <> ?"
        ),
        [*subject, key_id],
    )
    await conn.execute_query(
        _sql("UPDATE data_key SET subject_kind = ?, subject_id = ? WHERE key_id = ?"),
        [*subject, key_id],
    )
    _cache().by_subject[(kind, str(subject_id))] = key_id


async def key_for_subject(kind: str, subject_id: object) -> tuple[str, AESGCM]:
    """The subject's data key (made on first use) and its id."""
    cache = _cache()
    subject = (kind, str(subject_id))
    if (known := cache.by_subject.get(subject)) and (aes := cache.by_id.get(known)):
        return known, aes
    found = await _select("subject_kind = ? AND subject_id = ?", list(subject))
    if not found:
        await _insert(subject)  # a concurrent insert may win: read back whichever did
        found = await _select("subject_kind = ? AND subject_id = ?", list(subject))
    key_id, aes = next(iter(found.items()))
    cache.by_subject[subject] = key_id
    return key_id, aes


async def _select(where: str, values: list) -> dict[str, AESGCM]:
    _, rows = await _conn().execute_query(
        _sql(
            "SELECT key_id, kek_id, wrapped, subject_kind, subject_id "  # noqa: S608
            f"FROM data_key WHERE {where}"
        ),
        values,
    )
    wrapper = keys.kek()
    cache = _cache()
    found = {}
    for row in rows:
        key_id = row["key_id"]
        material = wrapper.unwrap(
            row["kek_id"], bytes.fromhex(row["wrapped"]), context=_context(key_id)
        )
        found[key_id] = cache.by_id[key_id] = AESGCM(material)
        if row["subject_kind"] is not None:  # a later save for this subject needs no query
            cache.by_subject[(row["subject_kind"], row["subject_id"])] = key_id
    return found


def cached(key_id: str) -> AESGCM | None:
    return _cache().by_id.get(key_id)


async def load(key_ids: Iterable[str]) -> dict[str, AESGCM | None]:
    """The keys with these ids, in one query for those not cached; None for a destroyed key."""
    cache = _cache()
    missing = sorted({k for k in key_ids if k not in cache.by_id})
    for start in range(0, len(missing), 500):
        chunk = missing[start : start + 500]
        found = await _select(f"key_id IN ({', '.join('?' * len(chunk))})", chunk)
        for key_id in chunk:
            cache.by_id.setdefault(key_id, found.get(key_id))
    return cache.by_id


async def shred(kind: str, subject_id: object) -> int:
    """Destroy the subject's data key(s); returns how many were destroyed."""
    conn = _conn()
    subject = [kind, str(subject_id)]
    _, rows = await conn.execute_query(
        _sql("SELECT key_id FROM data_key WHERE subject_kind = ? AND subject_id = ?"), subject
    )
    await conn.execute_query(
        _sql("DELETE FROM data_key WHERE subject_kind = ? AND subject_id = ?"), subject
    )
    cache = _cache()
    for row in rows:
        cache.by_id[row["key_id"]] = None
    cache.by_subject.pop((kind, str(subject_id)), None)
    return len(rows)


async def grant_service_role(role: str) -> None:
    """PostgreSQL: let the service role (a validated name) read and write data keys, nothing
    more; run as the key store's owner after migrating."""
    conn = _conn()
    if conn.capabilities.dialect != "postgres":
        return
    database = conn.database  # type: ignore[attr-defined]
    for statement in (
        f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"',
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT SELECT, INSERT, UPDATE, DELETE ON data_key TO "{role}"',
    ):
        await conn.execute_script(statement)
