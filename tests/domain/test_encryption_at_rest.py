"""Personal data at rest: every declared field is sealed, the raw database holds no personal
value, ciphertexts are bound to their row, and shredding a key reaches copies of the data."""

from __future__ import annotations

import asyncio
import re
from asyncio.subprocess import DEVNULL, PIPE

import asyncpg
import pytest
from tortoise import connections

from domain import db
from domain.accounts.models import Organization
from domain.crypto import at_rest, sealing
from domain.crypto.erasure import shred_subject
from domain.crypto.fields import SealedField, lookup
from domain.demo import DEMO_GSTIN, seed_demo
from domain.orders.models import Customer, Order
from domain.orders.services import find_customer, orders_of_buyer
from domain.personal import declaration, personal_fields
from tests.support import make_order_for_test, seed_order


def test_every_declared_field_is_sealed_or_says_why(backend):
    for model_name, field_name, _ in personal_fields(db.models()):
        model = db.models()[model_name]
        decl = declaration(model)
        assert decl is not None
        sealed = isinstance(model._meta.fields_map[field_name], SealedField)
        reason = decl.unsealed.get(field_name, "")
        assert sealed != bool(reason), (
            f"{model_name}.{field_name} must be a SealedField, or say in its declaration's "
            "`unsealed` why it is stored otherwise (and not both)"
        )
    for model_name, model in db.models().items():
        decl = declaration(model)
        for name, f in model._meta.fields_map.items():
            if isinstance(f, SealedField):
                assert decl is not None and name in decl.fields, f"{model_name}.{name} undeclared"


async def _clear_personal_values() -> set[str]:
    """Every sealed personal value in the database, decrypted through the models."""
    values: set[str] = set()
    for model in db.models().values():
        spec = at_rest.sealed_fields(model)
        if not spec:
            continue
        for row in await model.all():
            for attr, _, _ in spec:
                if not sealing.is_sealed(row.__dict__.get(attr)):
                    continue  # stored in clear on purpose (erasure's placeholders: Cleartext)
                value = getattr(row, attr)
                if value is not None:
                    values.add(value.isoformat() if hasattr(value, "isoformat") else str(value))
    return values


async def _raw_text(backend) -> str:
    """Everything the database holds, as its raw bytes (SQLite) or every cell (PostgreSQL)."""
    if backend.kind == "sqlite":
        await connections.get("default").execute_query("PRAGMA wal_checkpoint(TRUNCATE)")
        # Read by another process: closing a file this process opened would drop every POSIX
        # lock SQLite holds on it here, and other processes would then reset the WAL under us.
        chunks = []
        for suffix in ("", "-wal"):
            reader = await asyncio.create_subprocess_exec(
                "cat",
                backend.name + suffix,
                stdout=PIPE,
                stderr=DEVNULL,  # no -wal: nothing
            )
            raw, _ = await reader.communicate()
            chunks.append(raw.decode("latin-1"))
        return "\n".join(chunks)
    con = await asyncpg.connect(backend.url)
    try:
        tables = await con.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        cells = []
        for (table,) in tables:
            for row in await con.fetch(f'SELECT * FROM "{table}"'):
                cells.extend(str(value) for value in row.values())
        return "\n".join(cells)
    finally:
        await con.close()


async def _public_cells() -> list[str]:
    """The values of every column that is not sealed (role names, warehouse cities...)."""
    cells = []
    conn = connections.get("default")
    for model in db.models().values():
        sealed = {column for _, column, _ in at_rest.sealed_fields(model)}
        _, rows = await conn.execute_query(f'SELECT * FROM "{model._meta.db_table}"')
        for row in rows:
            cells.extend(str(row[k]) for k in row.keys() if k not in sealed)  # noqa: SIM118
    return cells


def _occurs(value: str, raw: str) -> bool:
    """Whether a personal value is in the raw text. A value of digits only (a postal code) must
    stand alone: any six digits occur by chance inside timestamps ("04:35:21.560025"), and inside
    the long tokens the database is full of (hex digests, UUIDs, base64url ciphertexts), some of
    them in rows since deleted, which no current cell shows. A run of 32 or more token characters
    around the digits is such a token; a postal code stored in clear next to other text is not."""
    if not value.isdigit():
        return value in raw
    for match in re.finditer(rf"(?<![0-9.:]){value}(?![0-9])", raw):
        start, end = match.span()
        while start > 0 and _TOKEN.match(raw[start - 1]):
            start -= 1
        while end < len(raw) and _TOKEN.match(raw[end]):
            end += 1
        if end - start < 32:
            return True
    return False


_TOKEN = re.compile(r"[A-Za-z0-9_-]")


async def test_demo_personal_values_are_nowhere_in_the_raw_database(backend):
    by_gstin = Organization.filter(gstin_index=lookup(Organization, "gstin", DEMO_GSTIN))
    if not await by_gstin.exists():  # once per database (the authz tests load it too)
        await seed_demo()
    personal = {v for v in await _clear_personal_values() if len(v) >= 6}
    assert {"aarav@example.com", "Aarav Sharma"} <= personal  # the demo's buyers are there
    # A personal value that is also a public one (the username "manager" and the role
    # "manager", a buyer's city and a warehouse's) cannot be told apart in raw bytes.
    public = "\0".join(await _public_cells())  # "in any cell", as one search in C
    personal = {v for v in personal if v not in public}
    assert {"aarav@example.com", "Aarav Sharma", "+919810000001", "12 MG Road"} <= personal
    raw = await _raw_text(backend)
    leaked = sorted(v for v in personal if _occurs(v, raw))
    assert not leaked, f"{len(leaked)} personal values in clear, e.g. {leaked[:3]}"


async def _raw_rows(table: str, key: str, value: int) -> list[dict]:
    _, rows = await connections.get("default").execute_query(
        f'SELECT * FROM "{table}" WHERE "{key}" = {int(value)}'
    )
    return [dict(row) for row in rows]


async def test_shredding_a_customer_makes_a_copy_taken_before_unreadable(backend):
    order = await make_order_for_test(buyer_email="shred-me@example.test")
    other = await make_order_for_test(buyer_email="keep-me@example.test")
    # The backup: the raw rows of both buyers, as any copy of the database holds them.
    backup = {
        "customer": await _raw_rows("customer", "id", order.customer_id),
        "customer_order": await _raw_rows("customer_order", "id", order.id),
        "customer_address": await _raw_rows("customer_address", "customer_id", order.customer_id),
    }
    kept = (await _raw_rows("customer", "id", other.customer_id))[0]
    assert all(sealing.is_sealed(backup["customer"][0][c]) for c in ("name", "email"))
    assert await at_rest.open_raw("customer", "email", kept["row_uid"], kept["email"]) == (
        "keep-me@example.test"
    )
    before = backup["customer"][0]
    assert await at_rest.open_raw("customer", "email", before["row_uid"], before["email"]) == (
        "shred-me@example.test"
    )

    assert await shred_subject("customer", order.customer_id) == 1

    for table, rows in backup.items():
        model = next(m for m in db.models().values() if m._meta.db_table == table)
        for row in rows:
            for _, column, _ in at_rest.sealed_fields(model):
                if row[column] is not None:
                    assert (
                        await at_rest.open_raw(table, column, row["row_uid"], row[column]) is None
                    )
    assert await at_rest.open_raw("customer", "email", kept["row_uid"], kept["email"]) == (
        "keep-me@example.test"
    )
    assert (await Customer.get(id=order.customer_id)).email is None
    assert (await Order.get(id=order.id)).shipping_line1 is None
    assert (await Customer.get(id=other.customer_id)).email == "keep-me@example.test"


async def test_a_sealed_value_moved_to_another_row_does_not_open(backend):
    first = await make_order_for_test(buyer_email="first@example.test")
    second = await make_order_for_test(buyer_email="second@example.test")
    a = (await _raw_rows("customer_order", "id", first.id))[0]
    b = (await _raw_rows("customer_order", "id", second.id))[0]
    with pytest.raises(sealing.Undecryptable):
        await at_rest.open_raw(
            "customer_order", "shipping_line1", b["row_uid"], a["shipping_line1"]
        )
    with pytest.raises(sealing.Undecryptable):  # same row, another column
        await at_rest.open_raw("customer_order", "shipping_city", a["row_uid"], a["shipping_line1"])


async def test_concurrent_imports_make_one_customer_per_organization_and_email(backend):
    first = await make_order_for_test(buyer_email="once@example.test")
    org = first.organization_id
    email = "Twice@Example.test"
    orders = await asyncio.gather(
        *(seed_order(org, [("SKU-1", 1, "10.00")], email=email) for _ in range(4))
    )
    assert len({o.customer_id for o in orders}) == 1
    index = lookup(Customer, "email", email.lower())
    assert await Customer.filter(organization_id=org, email_index=index).count() == 1
    found = await find_customer(organization_id=org, email="twice@example.TEST")
    assert found is not None and found.id == orders[0].customer_id
    buyer_orders = await orders_of_buyer(organization_id=org, email=email)
    assert sorted(o.id for o in buyer_orders) == sorted(o.id for o in orders)
