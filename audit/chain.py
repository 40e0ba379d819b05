"""The hash chain: each entry's hash covers its content and the previous entry's hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from json.encoder import encode_basestring
from operator import attrgetter
from typing import Any

GENESIS = "0" * 64

# The entry content the chain covers, in order. Changing this list breaks old chains.
CHAINED = (
    "seq",
    "occurred_at",
    "request_id",
    "actor_type",
    "actor_id",
    "on_behalf_of",
    "organization_id",
    "action",
    "resource_type",
    "resource_id",
    "fields_accessed",
    "subject",
    "outcome",
    "justification",
    "ip",
    "user_agent",
)

# Chained only when set: an entry without it hashes exactly as before the field existed, so
# older entries verify unchanged. ``detail`` holds an entry's structured facts (a refusal
# summary's count and minute, the entries whose network details were read).
OPTIONAL = "detail"

# The columns of a stored entry: its chained content, then the links.
STORED = (*CHAINED, OPTIONAL, "prev_hash", "hash")

# The chained fields in the order the canonical JSON lists them (sorted).
FIELDS = tuple(sorted(CHAINED))
_FIELDS_WITH = tuple(sorted((*CHAINED, OPTIONAL)))

# The canonical bytes are this encoder's output for the dict of chained fields, datetimes as
# UTC ISO text. `_TEMPLATE` writes the same object a value at a time (the encoder's set-up on
# every call and the dict cost more than the JSON); an entry's hash covers `_PREIMAGE`.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
_TEMPLATE = "{" + ",".join(f"{encode_basestring(name)}:%s" for name in FIELDS) + "}"
_PREIMAGE = "%s\n" + _TEMPLATE  # the previous entry's hash, a newline, the canonical JSON
_TEMPLATE_WITH = "{" + ",".join(f"{encode_basestring(name)}:%s" for name in _FIELDS_WITH) + "}"
_PREIMAGE_WITH = "%s\n" + _TEMPLATE_WITH


class Encoded:
    """A value its reader already encoded (to encode a recurring value once); written as is."""

    __slots__ = ("json",)

    def __init__(self, value: Any) -> None:
        self.json = encode(value)


# The commonest types, written as the encoder writes them: a column of one of them is encoded
# without a Python call per value.
_EXACT: dict[type, Callable[[Any], str]] = {
    str: encode_basestring,
    int: int.__repr__,
    type(None): lambda _: "null",
    Encoded: attrgetter("json"),
}


def timestamp(value: datetime) -> str:
    """A datetime as the chain writes it (verify reads it from PostgreSQL as text)."""
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def encode(value: Any) -> str:
    """One value as `_ENCODER` writes it inside the entry's object."""
    write = _EXACT.get(type(value))
    if write is not None:
        return write(value)
    if isinstance(value, datetime):
        return encode_basestring(timestamp(value))
    return _ENCODER.encode(value)


def _encoded(entry: dict[str, Any]) -> tuple[str, list[str]]:
    """The template for the entry and its chained values, encoded, in the template's order."""
    get = entry.get
    if get(OPTIONAL) is None:
        return _PREIMAGE, [encode(get(name)) for name in FIELDS]
    return _PREIMAGE_WITH, [encode(get(name)) for name in _FIELDS_WITH]


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes hashed for an entry: its chained fields as sorted, compact JSON (``detail``
    only when set)."""
    preimage, values = _encoded(entry)
    return (preimage.removeprefix("%s\n") % tuple(values)).encode()


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """sha256 of ``prev_hash``, a newline and `canonical(entry)`, in hex."""
    preimage, values = _encoded(entry)
    return hashlib.sha256((preimage % (prev_hash, *values)).encode()).hexdigest()


def column_hashes(prev_hashes: Sequence[str], columns: Sequence[Sequence[Any]]) -> list[str]:
    """`entry_hash` of many entries without ``detail``, given as their ``prev_hash`` values and
    one column of values per field in `FIELDS` order."""
    encoded = [_encode_column(column) for column in columns]
    sha256 = hashlib.sha256
    return [
        sha256((_PREIMAGE % row).encode()).hexdigest()
        for row in zip(prev_hashes, *encoded, strict=True)
    ]


def chain_hashes(prev_hash: str, columns: Mapping[str, Sequence[Any]]) -> list[str]:
    """`entry_hash` of consecutive entries, each chained to the one before it and the first to
    ``prev_hash``, given one column per chained field (and optionally ``detail``)."""
    details = columns.get(OPTIONAL)
    with_detail = details is not None and any(detail is not None for detail in details)
    names = _FIELDS_WITH if with_detail else FIELDS
    rows = zip(*[_encode_column(columns[name]) for name in names], strict=True)
    sha256 = hashlib.sha256
    found: list[str] = []
    prev = prev_hash
    if not with_detail:
        for row in rows:
            prev = sha256((_PREIMAGE % (prev, *row)).encode()).hexdigest()
            found.append(prev)
        return found
    at = _FIELDS_WITH.index(OPTIONAL)
    assert details is not None
    for row, detail in zip(rows, details, strict=True):
        if detail is None:  # hashed as an entry without the field
            preimage = _PREIMAGE % (prev, *row[:at], *row[at + 1 :])
        else:
            preimage = _PREIMAGE_WITH % (prev, *row)
        prev = sha256(preimage.encode()).hexdigest()
        found.append(prev)
    return found


def one_value(column: Sequence[Any]) -> bool:
    """Whether every value of a (non-empty) column is the same value of the same type
    (``1 == True``: one value, but not one encoding)."""
    first = column[0]
    return column.count(first) == len(column) and len(set(map(type, column))) == 1


def _encode_column(column: Sequence[Any]) -> list[str]:
    if column and type(column[0]) in _EXACT and one_value(column):
        return [_EXACT[type(column[0])](column[0])] * len(column)  # a value the entries share
    try:
        return list(map(encode_basestring, column))  # any str as the encoder writes it; else raises
    except TypeError:
        kinds = set(map(type, column))
        write = _EXACT.get(kinds.pop()) if len(kinds) == 1 else None
        if write is not None:
            return list(map(write, column))
        return list(map(_recurring(), column))


def _recurring() -> Callable[[Any], str]:
    """`encode`, remembering the values a request's entries repeat (its moment, the names of
    the fields read); other values are encoded each time (``-0.0 == 0.0``, ``True == 1``)."""
    memo: dict[Any, str] = {}

    def write(value: Any) -> str:
        kind = type(value)
        if kind is datetime:
            key: Any = value
        elif (kind is list or kind is tuple) and all(type(item) is str for item in value):
            key = (kind, *value)
        else:
            return encode(value)
        found = memo.get(key)
        if found is None:
            found = memo[key] = encode(value)
        return found

    return write
