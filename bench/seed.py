# ruff: noqa: S311 -- reproducible benchmark data, not security
"""Seed a benchmark database: people through the domain services, volume by bulk COPY.

Organizations, users, memberships, platform roles and warehouses go through the same domain
services the API uses (a handful of rows). Products, stock, customers, addresses, orders, lines
and the audit log (a valid hash chain with signed checkpoints, built with audit/chain.py) go in
with PostgreSQL COPY through asyncpg, in chunks, with progress on stderr.

Sessions and the partner token are made by ``credentials`` on every run (they expire), through
the domain services, so their hashes are real.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import asyncpg

from api import ids
from audit import signing
from audit.chain import GENESIS, STORED, entry_hash
from audit.writer import CHECKPOINT_EVERY

CHUNK = 50_000


@dataclass(frozen=True)
class Volume:
    name: str
    organizations: int
    products: int
    customers: int
    orders: int
    audit_entries: int


VOLUMES = {
    "full": Volume("full", 5, 10_000, 50_000, 100_000, 1_000_000),
    "tenth": Volume("tenth", 5, 1_000, 5_000, 10_000, 100_000),
    "small": Volume("small", 5, 500, 1_000, 2_000, 20_000),
}
STATUSES = (
    ["placed"] * 15
    + ["paid"] * 15
    + ["packed"] * 10
    + ["shipped"] * 20
    + ["delivered"] * 30
    + ["cancelled"] * 5
    + ["returned"] * 5
)
CITIES = ["Bengaluru", "Mumbai", "Pune", "Chennai", "Kolkata", "Delhi", "Jaipur", "Lucknow"]
# The benchmark's "hot" data subject (W5) has the same number of entries at every volume, so
# comparing volumes shows what the size of the log costs, not the size of one person's history.
HOT_ENTRIES = 2_000


def progress(label: str, done: int, total: int, started: float) -> None:
    rate = done / max(time.perf_counter() - started, 1e-9)
    print(f"\r  {label}: {done:,}/{total:,} ({rate:,.0f} rows/s)", end="", file=sys.stderr)
    if done >= total:
        print(file=sys.stderr)


async def copy(
    conn: asyncpg.Connection,
    table: str,
    columns: list[str],
    rows: Iterator[tuple[Any, ...]],
    total: int,
) -> None:
    started = time.perf_counter()
    done = 0
    chunk: list[tuple[Any, ...]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            await conn.copy_records_to_table(table, records=chunk, columns=columns)
            done += len(chunk)
            chunk = []
            progress(table, done, total, started)
    if chunk:
        await conn.copy_records_to_table(table, records=chunk, columns=columns)
        done += len(chunk)
    progress(table, done, total, started)


async def people(volume: Volume) -> dict[str, Any]:
    """Organizations, users with roles and warehouses, through the domain services."""
    from domain.accounts.models import OrgRole, PlatformRole, PlatformRoleGrant
    from domain.accounts.services import add_member, create_organization, create_user
    from domain.inventory.services import create_warehouse

    async def user(name: str) -> Any:
        return await create_user(
            username=name,
            email=f"{name}@bench.mandi.test",
            full_name=f"Bench {name}",
            password=None,
            country="IN",
            adult_attested=True,
        )

    orgs, warehouses = [], {}
    for n in range(volume.organizations):
        org = await create_organization(legal_name=f"Bench Seller {n + 1}", city="Pune")
        orgs.append(org.id)
        warehouses[org.id] = [
            (await create_warehouse(organization_id=org.id, code=f"WH-{k}", name=f"Store {k}")).id
            for k in (1, 2)
        ]
        for role in (OrgRole.OWNER, OrgRole.MANAGER, OrgRole.STAFF):
            member = await user(f"bench-{role.value}-{n + 1}")
            await add_member(user=member, organization=org, role=role)
    reviewer = await user("bench-security-reviewer")
    await PlatformRoleGrant.create(user=reviewer, role=PlatformRole.SECURITY_REVIEWER)
    return {"organizations": orgs, "warehouses": warehouses}


def _products(volume: Volume, orgs: list[int], now: datetime) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(1)
    for pid in range(1, volume.products + 1):
        org = orgs[(pid - 1) % len(orgs)]
        price = Decimal(rng.randint(50, 5000)).quantize(Decimal("0.01"))
        yield (
            pid,
            org,
            f"SKU-{pid:06d}",
            f"Product {pid}",
            "",
            price,
            "INR",
            "0902",
            Decimal("5"),
            False,
            now,
            now,
        )


def _stock(
    volume: Volume, orgs: list[int], warehouses: dict[int, list[int]], now: datetime
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(2)
    sid = 0
    for pid in range(1, volume.products + 1):
        org = orgs[(pid - 1) % len(orgs)]
        for wid in warehouses[org]:
            sid += 1
            yield (sid, org, pid, wid, rng.randint(100, 10_000), rng.randint(0, 50), now)


# Personal values go in sealed, as the models write them (domain/crypto/bulk.py).
def _customers(
    volume: Volume, orgs: list[int], now: datetime, sealer: Any
) -> Iterator[tuple[Any, ...]]:
    for cid in range(1, volume.customers + 1):
        org = orgs[(cid - 1) % len(orgs)]
        clear = {"id": cid, "name": f"Buyer {cid}", "email": f"buyer{cid}@example.test"}
        clear["phone"] = f"+9198{cid:08d}"
        yield (cid, org, now, *sealer.seal(clear))


def _addresses(volume: Volume, orgs: list[int], sealer: Any) -> Iterator[tuple[Any, ...]]:
    for cid in range(1, volume.customers + 1):
        org = orgs[(cid - 1) % len(orgs)]
        clear = {
            "customer_id": cid,
            "line1": f"{cid} Main Road",
            "city": CITIES[cid % len(CITIES)],
            "postal_code": "411001",
            "country": "IN",
        }
        yield (cid, org, cid, *sealer.seal(clear))


def _orders_and_lines(
    volume: Volume, orgs: list[int], now: datetime, sealer: Any
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    rng = random.Random(3)
    per_org_products = volume.products // len(orgs)
    per_org_customers = volume.customers // len(orgs)
    orders, lines = [], []
    line_id = 0
    start = now - timedelta(days=365)
    step = timedelta(days=365) / volume.orders
    for oid in range(1, volume.orders + 1):
        k = (oid - 1) % len(orgs)
        org = orgs[k]
        customer = k + 1 + len(orgs) * rng.randrange(per_org_customers)
        total = Decimal("0")
        for _ in range(rng.randint(1, 4)):
            line_id += 1
            pid = k + 1 + len(orgs) * rng.randrange(per_org_products)
            price = Decimal(rng.randint(50, 5000)).quantize(Decimal("0.01"))
            quantity = rng.randint(1, 3)
            total += price * quantity
            lines.append(
                (line_id, org, oid, pid, f"SKU-{pid:06d}", f"Product {pid}", quantity, price)
            )
        city = CITIES[customer % len(CITIES)]
        placed = start + step * oid
        orders.append(
            (
                oid,
                org,
                ["amazon", "flipkart", "ebay"][oid % 3],
                f"BENCH-{oid:08d}",
                customer,
                rng.choice(STATUSES),
                "INR",
                total,
                placed,
                placed,
                *sealer.seal(
                    {
                        "customer_id": customer,
                        "shipping_name": f"Buyer {customer}",
                        "shipping_phone": f"+9198{customer:08d}",
                        "shipping_line1": f"{customer} Main Road",
                        "shipping_city": city,
                        "shipping_postal_code": "411001",
                        "shipping_country": "IN",
                    }
                ),
            )
        )
    return orders, lines


_READS = [
    ("Order", ["shipping_city", "shipping_name", "shipping_phone"]),
    ("Customer", ["email", "name", "phone"]),
    ("CustomerAddress", ["city", "line1", "postal_code"]),
]


def hot_subject() -> str:
    """The data subject W5 filters by: one buyer of the first organization."""
    return "customer:1"


def hot_subject_id() -> str:
    """``hot_subject`` as the API names it: the Customer's global id."""
    return ids.encode("Customer", int(hot_subject().partition(":")[2]))


def _audit(
    volume: Volume, orgs: list[int], now: datetime, checkpoints: list[tuple[Any, ...]]
) -> Iterator[tuple[Any, ...]]:
    rng = random.Random(4)
    prev = GENESIS
    start = now - timedelta(days=365)
    step = timedelta(days=365) / volume.audit_entries
    key_id = signing.key_id()
    hot_every = volume.audit_entries // HOT_ENTRIES
    for seq in range(1, volume.audit_entries + 1):
        customer = 1 if seq % hot_every == 0 else rng.randint(2, volume.customers)
        org = orgs[(customer - 1) % len(orgs)]
        resource, fields = _READS[seq % len(_READS)]
        outcome = "denied" if seq % 17 == 0 else "allowed"
        row = {
            "seq": seq,
            "occurred_at": (start + step * seq).replace(microsecond=(seq * 7919) % 1_000_000),
            "request_id": f"{seq:032x}",
            "actor_type": "user",
            "actor_id": rng.randint(1, 16),
            "on_behalf_of": None,
            "organization_id": org,
            "action": "read",
            "resource_type": resource,
            "resource_id": str(rng.randint(1, volume.orders)),
            "fields_accessed": fields,
            "subject": f"customer:{customer}",
            "outcome": outcome,
            "justification": None,
            "ip": "127.0.0.1",
            "user_agent": "mandi-bench",
            "prev_hash": prev,
        }
        row["hash"] = prev = entry_hash(prev, row)
        if seq % CHECKPOINT_EVERY == 0:
            checkpoints.append((seq, prev, now, key_id, signing.sign(seq, prev)))
        yield tuple(json.dumps(row[c]) if c == "fields_accessed" else row.get(c) for c in STORED)


async def bulk(conn: asyncpg.Connection, volume: Volume, made: dict[str, Any]) -> None:
    from domain.crypto.bulk import BulkSealer, make_subject_keys
    from domain.orders.models import Customer, CustomerAddress, Order

    orgs, warehouses = made["organizations"], made["warehouses"]
    now = datetime.now(UTC)
    print("  customer data keys", file=sys.stderr)
    subject_keys = await make_subject_keys("customer", list(range(1, volume.customers + 1)))
    customers = BulkSealer(Customer, subject_keys)
    addresses = BulkSealer(CustomerAddress, subject_keys)
    order_sealer = BulkSealer(Order, subject_keys)
    await copy(
        conn,
        "product",
        [
            "id",
            "organization_id",
            "sku",
            "title",
            "description",
            "price",
            "currency",
            "hsn_code",
            "gst_rate",
            "archived",
            "created_at",
            "updated_at",
        ],
        _products(volume, orgs, now),
        volume.products,
    )
    await copy(
        conn,
        "stock_level",
        [
            "id",
            "organization_id",
            "product_id",
            "warehouse_id",
            "on_hand",
            "reserved",
            "updated_at",
        ],
        _stock(volume, orgs, warehouses, now),
        volume.products * 2,
    )
    await copy(
        conn,
        "customer",
        ["id", "organization_id", "created_at", *customers.columns()],
        _customers(volume, orgs, now, customers),
        volume.customers,
    )
    await copy(
        conn,
        "customer_address",
        [
            "id",
            "organization_id",
            "customer_id",
            *addresses.columns(),
        ],
        _addresses(volume, orgs, addresses),
        volume.customers,
    )
    orders, lines = _orders_and_lines(volume, orgs, now, order_sealer)
    await copy(
        conn,
        "customer_order",
        [
            "id",
            "organization_id",
            "marketplace",
            "external_order_id",
            "customer_id",
            "status",
            "currency",
            "total",
            "placed_at",
            "updated_at",
            *order_sealer.columns(),
        ],
        iter(orders),
        len(orders),
    )
    await copy(
        conn,
        "order_line",
        [
            "id",
            "organization_id",
            "order_id",
            "product_id",
            "sku",
            "title",
            "quantity",
            "unit_price",
        ],
        iter(lines),
        len(lines),
    )
    checkpoints: list[tuple[Any, ...]] = []
    await copy(
        conn,
        "audit_entry",
        STORED,
        _audit(volume, orgs, now, checkpoints),
        volume.audit_entries,
    )
    await conn.copy_records_to_table(
        "audit_checkpoint",
        records=checkpoints,
        columns=["seq", "head_hash", "created_at", "key_id", "signature"],
    )
    for table in ("product", "stock_level", "customer", "customer_address"):
        await conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")  # noqa: S608
    for table in ("customer_order", "order_line"):
        await conn.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")  # noqa: S608
    await conn.execute("SELECT setval('audit_entry_seq_seq', (SELECT max(seq) FROM audit_entry))")
    # VACUUM too: it sets the hint bits and visibility map that the first reads of freshly
    # copied rows would otherwise write during the measurement.
    print("  vacuum analyze", file=sys.stderr)
    await conn.execute("VACUUM ANALYZE")


async def seed(database_url: str, volume: Volume) -> None:
    """Fill an empty, migrated database with ``volume``."""
    from domain import db

    started = time.perf_counter()
    await db.init_db(database_url)
    conn = await asyncpg.connect(database_url)
    try:
        made = await people(volume)
        await bulk(conn, volume, made)
        await conn.execute(
            "CREATE TABLE IF NOT EXISTS bench_seeded (volume text, seconds float, at timestamptz)"
        )
        await conn.execute(
            "INSERT INTO bench_seeded VALUES ($1, $2, now())",
            volume.name,
            time.perf_counter() - started,
        )
    finally:
        await conn.close()
        await db.close_db()
    print(f"  seeded {volume.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(seed(sys.argv[1], VOLUMES[sys.argv[2]]))
