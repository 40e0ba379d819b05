"""Stock adjustments: atomic under concurrency, never below reserved, idempotent by key."""

from __future__ import annotations

import asyncio

from domain.accounts.models import OrgRole
from domain.inventory.models import InventoryMovement, StockLevel
from tests.support import STOCK_ADJUST, gid, gql_data, make_team, seed_product, seed_warehouse

CONCURRENT = 20
MOVEMENTS = """query($id: ID!, $first: Int) {
  inventoryMovements(productId: $id, first: $first) {
    totalCount edges { node { id delta onHandAfter reason } } } }"""


def _adjust(world, delta, **extra):
    return {
        "input": {
            "productId": gid("Product", world.product.id),
            "warehouseId": gid("Warehouse", world.warehouse.id),
            "delta": delta,
            "reason": "SALE" if delta < 0 else "RECEIPT",
            **extra,
        }
    }


async def _stock(world) -> StockLevel:
    return await StockLevel.get(product_id=world.product.id, warehouse_id=world.warehouse.id)


async def test_adjustment_moves_stock_and_writes_the_ledger(world):
    manager = world.team.clients["manager"]
    data = await gql_data(manager, STOCK_ADJUST, **_adjust(world, 5, note="truck 7"))
    payload = data["stockAdjust"]
    assert payload["errors"] == []
    assert payload["stock"] == {"onHand": 15, "reserved": 0, "available": 15}
    assert (payload["movement"]["delta"], payload["movement"]["onHandAfter"]) == (5, 15)
    assert payload["replayed"] is False

    ledger = await gql_data(manager, MOVEMENTS, id=gid("Product", world.product.id))
    deltas = [e["node"]["delta"] for e in ledger["inventoryMovements"]["edges"]]
    assert deltas == [5, 10]
    assert ledger["inventoryMovements"]["totalCount"] == 2


async def test_concurrent_decrements_never_oversell(world):
    manager = world.team.clients["manager"]
    calls = [gql_data(manager, STOCK_ADJUST, **_adjust(world, -1)) for _ in range(CONCURRENT)]
    results = [r["stockAdjust"] for r in await asyncio.gather(*calls)]

    applied = [r for r in results if not r["errors"]]
    refused = [r["errors"][0]["code"] for r in results if r["errors"]]
    assert len(applied) == 10
    assert refused == ["INSUFFICIENT_STOCK"] * 10
    assert sorted(r["movement"]["onHandAfter"] for r in applied) == list(range(10))
    assert (await _stock(world)).on_hand == 0
    negative = InventoryMovement.filter(product_id=world.product.id, delta__lt=0)
    assert await negative.count() == 10


async def test_stock_never_drops_below_reserved(world):
    await StockLevel.filter(product_id=world.product.id).update(reserved=4)
    manager = world.team.clients["manager"]
    data = await gql_data(manager, STOCK_ADJUST, **_adjust(world, -7))
    assert data["stockAdjust"]["errors"][0]["code"] == "INSUFFICIENT_STOCK"
    data = await gql_data(manager, STOCK_ADJUST, **_adjust(world, -6))
    assert data["stockAdjust"]["stock"] == {"onHand": 4, "reserved": 4, "available": 0}


async def test_same_idempotency_key_applies_once(world):
    manager = world.team.clients["manager"]
    first = (await gql_data(manager, STOCK_ADJUST, **_adjust(world, -3, idempotencyKey="k-1")))[
        "stockAdjust"
    ]
    again = (await gql_data(manager, STOCK_ADJUST, **_adjust(world, -3, idempotencyKey="k-1")))[
        "stockAdjust"
    ]
    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["movement"]["id"] == first["movement"]["id"]
    assert again["stock"]["onHand"] == 7
    assert (await _stock(world)).on_hand == 7
    assert await InventoryMovement.filter(product_id=world.product.id).count() == 2


async def test_same_key_for_another_adjustment_is_a_conflict(world):
    manager = world.team.clients["manager"]
    await gql_data(manager, STOCK_ADJUST, **_adjust(world, -3, idempotencyKey="k-2"))
    for other in (
        _adjust(world, -4, idempotencyKey="k-2"),
        _adjust(world, 3, idempotencyKey="k-2"),
    ):
        data = await gql_data(manager, STOCK_ADJUST, **other)
        assert [(e["code"], e["field"]) for e in data["stockAdjust"]["errors"]] == [
            ("CONFLICT", "idempotencyKey")
        ]
    assert (await _stock(world)).on_hand == 7


async def test_concurrent_requests_with_one_key_apply_once(world):
    manager = world.team.clients["manager"]
    calls = [
        gql_data(manager, STOCK_ADJUST, **_adjust(world, -2, idempotencyKey="k-3"))
        for _ in range(8)
    ]
    results = [r["stockAdjust"] for r in await asyncio.gather(*calls)]
    assert all(r["errors"] == [] for r in results), results
    assert [r["replayed"] for r in results].count(False) == 1
    assert len({r["movement"]["id"] for r in results}) == 1
    assert (await _stock(world)).on_hand == 8
    assert (
        await InventoryMovement.filter(organization_id=world.org_pk, idempotency_key="k-3").count()
        == 1
    )


async def test_keys_are_per_organization(world, app):
    other = await make_team(app, roles=(OrgRole.MANAGER,))
    product = await seed_product(other.org.id)
    warehouse = await seed_warehouse(other.org.id)
    variables = {
        "input": {
            "productId": gid("Product", product.id),
            "warehouseId": gid("Warehouse", warehouse.id),
            "delta": 4,
            "reason": "RECEIPT",
            "idempotencyKey": "shared",
        }
    }
    mine = _adjust(world, 4, idempotencyKey="shared")
    await gql_data(world.team.clients["manager"], STOCK_ADJUST, **mine)
    data = await gql_data(other.clients["manager"], STOCK_ADJUST, **variables)
    assert data["stockAdjust"]["replayed"] is False
    assert data["stockAdjust"]["stock"]["onHand"] == 4
    await other.close()
