# ruff: noqa: S608 -- only constant column names and placeholders are formatted into SQL
"""Reading the chain on PostgreSQL for verify: rows as asyncpg returns them (no per-row
conversion), hashed a column at a time (`chain.column_hashes`)."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from tortoise import connections

from audit.chain import FIELDS, OPTIONAL, Encoded, column_hashes, entry_hash

# The timestamp as text, exactly `chain.timestamp` of the datetime asyncpg would read
# (tests/audit/test_verify_values.py): Python's datetimes hold the years 1 to 9999, and asyncpg
# writes their least and greatest as -infinity and infinity. Anything else reads as NULL, and
# the entry fails its hash.
_TIMESTAMP = """CASE
    WHEN occurred_at = '-infinity' THEN '0001-01-01T00:00:00.000000+00:00'
    WHEN occurred_at = 'infinity' THEN '9999-12-31T23:59:59.999999+00:00'
    WHEN occurred_at >= '0001-01-01T00:00:00Z' AND occurred_at < '10000-01-01T00:00:00Z'
    THEN to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
END"""
_COLUMNS = ", ".join(_TIMESTAMP if name == "occurred_at" else name for name in FIELDS)
_SELECT = (
    f"SELECT seq, prev_hash, hash, {_COLUMNS}, {OPTIONAL}::text FROM audit_entry "
    "WHERE seq > $1 ORDER BY seq LIMIT $2"
)
_FIELDS_ACCESSED = FIELDS.index("fields_accessed")


async def fetch(after: int, size: int) -> list[Any]:
    """Up to ``size`` entries after ``after``: seq, prev_hash, hash, `FIELDS` in order, then
    ``detail`` (JSON text or None)."""
    _, rows = await connections.get("default").execute_query(_SELECT, [after, size])
    return rows


def checked(rows: list[Any]) -> Iterable[tuple[int, str, str, str | None]]:
    """Each row's seq, prev_hash and hash, and the hash its content gives."""
    seqs, prev_hashes, hashes, *fields, details = zip(*rows, strict=True)
    computed: Sequence[str | None]  # None: a value that cannot be hashed (fails the check)
    try:
        fields[_FIELDS_ACCESSED] = tuple(map(_fields_accessed, fields[_FIELDS_ACCESSED]))
        computed = column_hashes(prev_hashes, fields)
    except (ValueError, RecursionError):  # a tampered value: find it entry by entry
        computed = list(map(_row_hash, rows))
    if any(detail is not None for detail in details):  # the few with a detail, one by one
        pairs = zip(computed, details, rows, strict=True)
        computed = [known if detail is None else _row_hash(row) for known, detail, row in pairs]
    return zip(seqs, prev_hashes, hashes, computed, strict=True)


def _row_hash(row: Any) -> str | None:
    entry = dict(zip(FIELDS, row[3:-1], strict=True))
    try:
        entry["fields_accessed"] = _fields_accessed(entry["fields_accessed"])
        if row[-1] is not None:
            entry[OPTIONAL] = json.loads(row[-1])
        return entry_hash(row[1], entry)
    except (ValueError, RecursionError):
        return None


@functools.lru_cache(maxsize=4096)
def _fields_accessed(text: str) -> Encoded:
    """A ``fields_accessed`` value (jsonb as text), decoded and encoded once per distinct text:
    a few values repeat a million times."""
    return Encoded(json.loads(text))
