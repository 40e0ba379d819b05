"""The chain's encoder writes exactly the bytes the chain has always hashed (the reference
below: the dict of chained fields through one `json.JSONEncoder`), for any value an entry can
hold, an entry at a time and a column at a time."""

from __future__ import annotations

import hashlib
import json
import random
from datetime import UTC, datetime, timedelta, timezone
from enum import IntEnum

import pytest

from audit.chain import (
    CHAINED,
    FIELDS,
    GENESIS,
    OPTIONAL,
    Encoded,
    canonical,
    chain_hashes,
    column_hashes,
    entry_hash,
)
from audit.models import Outcome

_REFERENCE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_canonical(entry: dict) -> bytes:
    content = {}
    for name in CHAINED:
        value = entry.get(name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat(timespec="microseconds")
        content[name] = value
    return _REFERENCE.encode(content).encode()


def reference_hash(prev_hash: str, entry: dict) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + reference_canonical(entry)).hexdigest()


class Level(IntEnum):
    HIGH = 2


class Moment(datetime):
    pass


CONTROL = "".join(map(chr, range(0x20))) + "\x7f"
ODD_TEXT = [
    "",
    "plain",
    'quote " and \\ backslash \\" \\\\',
    CONTROL,
    "é ü ß Ω",
    "日本語のテキスト",
    "🙂 \U0001d11e astral",
    "\u2028\u2029 line separators",
    "\ufeff bom \u200b zero width",
    "</script><!--",
    "%s %d %(name)s %%",
    "{}[]:,",
    "null",
    " leading and trailing ",
]
TIMES = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2024, 2, 29, 12, 0, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=timezone(-timedelta(hours=23, minutes=59))),
    Moment(2026, 6, 1, 8, 30, tzinfo=UTC),
    datetime(2026, 6, 1, 8, 30),  # naive: local time, as before
]
VALUES = [
    None,
    True,
    False,
    0,
    -1,
    2**63 - 1,
    -(2**63),
    10**40,
    Level.HIGH,
    1.5,
    -0.0,
    1e300,
    float("nan"),
    float("inf"),
    Outcome.DENIED,
    *ODD_TEXT,
    *TIMES,
    [],
    (),
    ["email", "name"],
    ("city", "line1"),
    [None, 1, "x", [2, [3]], True],
    {"b": 1, "a": [1, {"d": None, "c": "é\n"}]},
    {},
]
BASE = {
    "seq": 7,
    "occurred_at": datetime(2026, 5, 31, 4, 36, 25, 500000, tzinfo=UTC),
    "request_id": "0000000000000000000000000007a120",
    "actor_type": "user",
    "actor_id": 5,
    "on_behalf_of": None,
    "organization_id": 1,
    "action": "read",
    "resource_type": "CustomerAddress",
    "resource_id": "79546",
    "fields_accessed": ["city", "line1", "postal_code"],
    "subject": "customer:1",
    "outcome": "allowed",
    "justification": None,
    "ip": "127.0.0.1",
    "user_agent": "mandi-bench",
}


def _columns(entries: list[dict]) -> list[list]:
    return [[entry.get(name) for entry in entries] for name in FIELDS]


def _assert_hashes(entries: list[dict]) -> None:
    prevs = [f"{n:064x}" for n in range(len(entries))]
    expected = [reference_hash(prev, entry) for prev, entry in zip(prevs, entries, strict=True)]
    assert [entry_hash(prev, e) for prev, e in zip(prevs, entries, strict=True)] == expected
    assert column_hashes(prevs, _columns(entries)) == expected
    _assert_chained(entries)


def _assert_chained(entries: list[dict]) -> None:
    """The writer's form: consecutive entries, each chained to the hash before it."""
    expected, prev = [], GENESIS
    for entry in entries:
        prev = entry_hash(prev, entry)
        expected.append(prev)
    columns = {name: [entry.get(name) for entry in entries] for name in (*FIELDS, OPTIONAL)}
    assert chain_hashes(GENESIS, columns) == expected
    without_detail = {name: column for name, column in columns.items() if name != OPTIONAL}
    if all(entry.get(OPTIONAL) is None for entry in entries):
        assert chain_hashes(GENESIS, without_detail) == expected


def test_chained_entries_with_and_without_detail():
    details = [None, {"ids": [1, 2]}, None, {"count": 3, "minute": "2026-12-02T09:00"}, None]
    entries = [{**BASE, "seq": n, OPTIONAL: detail} for n, detail in enumerate(details)]
    _assert_chained(entries)
    _assert_chained([{**BASE, OPTIONAL: {"ids": []}}])  # an empty detail is still set
    assert entry_hash(GENESIS, {**BASE, OPTIONAL: None}) == reference_hash(GENESIS, BASE)


def test_recurring_values_that_compare_equal_are_written_apart():
    # the column encoder remembers recurring values; equal is not the same text
    mixed = [-0.0, 0.0, True, 1, 1.0, False, 0, [0.0], [-0.0], ["a"], ("a",)]
    entries = [{**BASE, "justification": value} for value in mixed]
    _assert_hashes(entries)
    moments = [datetime(2026, 6, 1, 8, 30, tzinfo=UTC), *TIMES, TIMES[0], TIMES[2]]
    _assert_hashes([{**BASE, "occurred_at": moment} for moment in moments])


def test_fields_sorted_as_the_encoder_sorts_them():
    assert list(json.loads(canonical(BASE))) == list(FIELDS)
    assert set(FIELDS) == set(CHAINED)


@pytest.mark.parametrize("name", FIELDS)
def test_every_value_in_every_field(name):
    entries = [{**BASE, name: value} for value in VALUES]
    for entry in entries:
        assert canonical(entry) == reference_canonical(entry), entry[name]
    _assert_hashes(entries)  # a column of mixed types
    for value in VALUES:
        _assert_hashes([{**BASE, name: value}] * 3)  # a column of one value


def test_columns_of_one_type():
    texts = [{**BASE, "subject": text, "ip": None} for text in ODD_TEXT]
    numbers = [{**BASE, "actor_id": n, "seq": n} for n in (0, -1, 2**63 - 1, 10**40)]
    flags = [{**BASE, "actor_id": flag} for flag in (True, False)]
    text_subclass = [{**BASE, "outcome": outcome} for outcome in Outcome]
    for entries in (texts, numbers, flags, text_subclass):
        _assert_hashes(entries)


def test_a_field_missing_from_the_entry_is_null():
    entry = {k: v for k, v in BASE.items() if k != "ip"}
    assert canonical(entry) == reference_canonical(entry)
    _assert_hashes([entry, {**BASE, "ip": None}])


def test_random_entries():
    rng = random.Random(20261129)  # noqa: S311 - repeatable test values, not secrets
    alphabet = [*CONTROL, '"', "\\", "/", "%", "é", "日", "🙂", "\u2028", "\ufeff", "a", "Z", " "]

    def value():
        kind = rng.randrange(6)
        if kind == 0:
            return None
        if kind == 1:
            return rng.randrange(-(2**63), 2**63)
        if kind == 2:
            return [value() for _ in range(rng.randrange(3))]
        return "".join(rng.choice(alphabet) for _ in range(rng.randrange(12)))

    entries = [{name: value() for name in CHAINED} for _ in range(2000)]
    for entry in entries[:200]:
        assert canonical(entry) == reference_canonical(entry)
    _assert_hashes(entries)
    for name in FIELDS:  # and columns where the rest is one type
        _assert_hashes([{**BASE, name: entry[name]} for entry in entries[:300]])


def test_a_recurring_value_encoded_once_is_written_the_same():
    for value in VALUES:
        entry = {**BASE, "fields_accessed": value}
        assert entry_hash(GENESIS, {**entry, "fields_accessed": Encoded(value)}) == (
            reference_hash(GENESIS, entry)
        )


@pytest.mark.parametrize("value", [object(), {1, 2}, b"bytes", "\ud800", {(1, 2): "key"}])
def test_what_the_encoder_refused_is_still_refused(value):
    entry = {**BASE, "justification": value}
    with pytest.raises(Exception) as expected:
        reference_canonical(entry)
    with pytest.raises(expected.type):
        canonical(entry)
    with pytest.raises(expected.type):
        column_hashes([GENESIS], _columns([entry]))


def test_detail_is_chained_only_when_set():
    """Entries written before ``detail`` existed hash as they always did; a set detail is part
    of the canonical JSON, in sorted place."""
    assert entry_hash(GENESIS, {**BASE, OPTIONAL: None}) == reference_hash(GENESIS, BASE)
    for detail in ({"count": 3, "minute": "2026-12-01T10:00Z"}, {"ids": [1, 5, 9]}, {}, []):
        entry = {**BASE, OPTIONAL: detail}
        content = json.loads(canonical(entry))
        assert list(content) == sorted([*CHAINED, OPTIONAL]) and content[OPTIONAL] == detail
        reference = _REFERENCE.encode(
            {**json.loads(reference_canonical(BASE)), OPTIONAL: detail}
        ).encode()
        assert canonical(entry) == reference
        assert entry_hash(GENESIS, entry) != entry_hash(GENESIS, BASE)
