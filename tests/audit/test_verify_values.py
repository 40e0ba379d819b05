"""Verify reads every value back as the writer hashed it: odd text verifies, PostgreSQL's
timestamp text is the chain's, and a tampered value of any kind fails its entry's hash rather
than stopping the walk."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from audit.chain import timestamp
from audit.models import AuditEntry
from audit.postgres_batch import _TIMESTAMP
from audit.verify import verify_database
from audit.writer import append
from tests.audit.tamper import mark, triggers_dropped
from tests.audit.test_canonical import ODD_TEXT

_STORED = [text.replace("\x00", "") for text in ODD_TEXT]  # PostgreSQL text holds no NUL


def _entry(text: str, moment: datetime | None = None) -> dict:
    return {
        "occurred_at": moment or datetime.now(UTC),
        "request_id": text[:32],
        "actor_type": "user",
        "actor_id": 3,
        "on_behalf_of": None,
        "organization_id": None,
        "action": text[:64],
        "resource_type": "Odd",
        "resource_id": text[:64],
        "fields_accessed": [text, "email"],
        "subject": text[:64],
        "outcome": "allowed",
        "justification": text,
        "ip": None,
        "user_agent": text[:300],
    }


async def test_odd_text_verifies(backend):
    await append([_entry(text) for text in _STORED])
    report = await verify_database()
    assert report.ok, report.problems


async def test_the_least_and_greatest_moments_verify(backend):
    least, greatest = datetime.min.replace(tzinfo=UTC), datetime.max.replace(tzinfo=UTC)
    await append([_entry("least", least), _entry("greatest", greatest)])
    report = await verify_database()
    assert report.ok, report.problems


_PG_TYPES = {"fields_accessed": "jsonb", "occurred_at": "timestamptz", "request_id": "text"}
TAMPERED = [
    ("fields_accessed", '{"z": 1, "a": [true, null]}', False),
    ("fields_accessed", '"email"', False),
    ("fields_accessed", "null", False),
    ("fields_accessed", "[1e300, 1.5]", False),
    ("fields_accessed", "[" + "9" * 5000 + "]", True),  # more digits than Python reads
    ("fields_accessed", "[" * 3000 + "]" * 3000, True),  # deeper than Python's recursion
    ("occurred_at", "0001-01-01 00:00:00+00 BC", True),
    ("occurred_at", "10000-01-01 00:00:00+00", True),
    ("occurred_at", "-infinity", True),  # asyncpg's least datetime: year 1
    ("request_id", 'tab\t"quoted" é🙂\u2028', False),
]


@pytest.mark.parametrize(("column", "value"), [(c, v) for c, v, pg in TAMPERED if not pg])
async def test_a_tampered_value_fails_its_hash(backend, column, value):
    await _tamper_and_verify(backend, column, value)


@pytest.mark.postgres_only  # values only PostgreSQL stores, or reads past the ORM
@pytest.mark.parametrize(("column", "value"), [(c, v) for c, v, pg in TAMPERED if pg])
async def test_a_tampered_postgres_value_fails_its_hash(backend, column, value):
    await _tamper_and_verify(backend, column, value)


async def _tamper_and_verify(backend, column: str, value: str) -> None:
    await append([_entry("target"), _entry("after")])
    target = (await AuditEntry.all().order_by("-seq").first()).seq - 1
    postgres = backend.kind == "postgres"
    read = f"{column}::text" if postgres else column
    write = f"{mark(1)}::text::{_PG_TYPES[column]}" if postgres else mark(1)
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        f"SELECT {read} AS original FROM audit_entry WHERE seq = {mark(1)}", [target]
    )
    update = f"UPDATE audit_entry SET {column} = {write} WHERE seq = {mark(2)}"
    async with triggers_dropped():
        await conn.execute_query(update, [value, target])
        report = await verify_database()
        await conn.execute_query(update, [rows[0]["original"], target])
    assert report.problems == [f"entry {target}: content does not match its hash"]
    assert (await verify_database()).ok


def _moments() -> list[datetime]:
    rng = random.Random(7)  # noqa: S311 - repeatable test values, not secrets
    start = datetime(1, 1, 2, tzinfo=UTC)
    span = int((datetime(9999, 12, 30, tzinfo=UTC) - start).total_seconds())
    offsets = [timezone(timedelta(minutes=m)) for m in (0, 330, -600, 765, -59)]
    picked = []
    for _ in range(500):
        moment = start + timedelta(seconds=rng.randrange(span), microseconds=rng.randrange(10**6))
        picked.append(moment.astimezone(rng.choice(offsets)))
    return [
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(999, 3, 4, 5, 6, 7, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2024, 2, 29, 23, 59, 59, tzinfo=timezone(timedelta(hours=5, minutes=30))),
        *picked,
    ]


@pytest.mark.postgres_only  # only PostgreSQL reads the timestamp as text
async def test_postgres_timestamp_text_is_the_chains(backend):
    select = f"SELECT {_TIMESTAMP} AS text FROM (SELECT $1::timestamptz AS occurred_at) AS t"
    outside = "SELECT {} AS text FROM (SELECT $1::text::timestamptz AS occurred_at) AS t"
    async with in_transaction() as conn:
        await conn.execute_query("SET LOCAL TimeZone = 'Pacific/Chatham'")
        for moment in _moments():
            _, rows = await conn.execute_query(select, [moment])
            assert rows[0]["text"] == timestamp(moment)
        for text, moment in [
            ("-infinity", datetime.min.replace(tzinfo=UTC)),  # as asyncpg reads them
            ("infinity", datetime.max.replace(tzinfo=UTC)),
            ("0001-01-01 00:00:00+00 BC", None),
            ("10000-01-01 00:00:00+00", None),
        ]:
            _, rows = await conn.execute_query(outside.format(_TIMESTAMP), [text])
            assert rows[0]["text"] == (moment and timestamp(moment)), text
