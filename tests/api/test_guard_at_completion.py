"""The guard decides every object where graphql-core completes it, not where a resolver says:
a resolver that returns rows it should not (here, loaders that ignore the organization) gets
them refused, over HTTP, with their denied entries."""

from __future__ import annotations

from typing import Any

import pytest
from strawberry.dataloader import DataLoader

from api import loaders
from audit.models import AuditEntry
from domain.accounts.models import OrgRole
from domain.catalog.models import Product
from domain.orders.models import Customer, OrderLine
from tests.support import audit_head, gid, gql, make_team, seed_order, seed_product

LINES = "query($id: ID!) { order(id: $id) { lines { sku product { sku } } } }"
BUYER = "query($id: ID!) { order(id: $id) { customer { email } } }"


def _always(rows: list[Any]) -> DataLoader:
    """A careless loader: whatever is asked, this row (or list of rows)."""

    async def load(keys: list[Any]) -> list[Any]:
        return [rows[0] for _ in keys]

    return DataLoader(load_fn=load)


@pytest.fixture
async def theirs(app):
    other = await make_team(app, roles=(OrgRole.OWNER,))
    await seed_product(other.org.id, "THEIRS-1")
    order = await seed_order(other.org.id, [("THEIRS-1", 2, "5.00")])
    yield other, order
    await other.close()


async def test_objects_a_resolver_should_not_return_are_not_found(team, theirs, monkeypatch):
    _, foreign = theirs
    await seed_product(team.org.id, "OURS-1")
    ours = await seed_order(team.org.id, [("OURS-1", 1, "10.00")])
    [their_line] = await OrderLine.filter(order_id=foreign.id)
    their_product = await their_line.product
    their_customer = await foreign.customer
    real = loaders.by_id
    foreign_rows = {Customer: their_customer, Product: their_product}

    def careless(model: Any) -> DataLoader:
        return _always([foreign_rows[model]]) if model in foreign_rows else real(model)

    monkeypatch.setattr(loaders, "by_id", careless)
    start = await audit_head()
    lines = await gql(team.clients["owner"], LINES, id=gid("Order", ours.id))
    assert lines["data"]["order"]["lines"] == [{"sku": "OURS-1", "product": None}]
    assert [(e["extensions"]["code"], e["path"]) for e in lines["errors"]] == [
        ("NOT_FOUND", ["order", "lines", 0, "product"])
    ]
    buyer = await gql(team.clients["owner"], BUYER, id=gid("Order", ours.id))
    assert buyer["data"]["order"] is None  # customer is non-null: the order goes with it
    assert [(e["extensions"]["code"], e["path"]) for e in buyer["errors"]] == [
        ("NOT_FOUND", ["order", "customer"])
    ]
    assert "@" not in str(buyer)  # not another organization's buyer's email
    denied = await AuditEntry.filter(seq__gt=start, outcome="denied").order_by("seq")
    assert [(e.resource_type, e.resource_id) for e in denied] == [
        ("Product", str(their_product.id)),
        ("Customer", str(their_customer.id)),
    ]
    read = await AuditEntry.filter(seq__gt=start, outcome="allowed", resource_type="Customer")
    assert read == []  # the refused buyer's email was neither returned nor noted as read


async def test_rows_of_a_list_a_resolver_should_not_return_are_dropped(team, theirs, monkeypatch):
    _, foreign = theirs
    await seed_product(team.org.id, "OURS-2")
    ours = await seed_order(team.org.id, [("OURS-2", 1, "10.00")])
    [our_line] = await OrderLine.filter(order_id=ours.id)
    [their_line] = await OrderLine.filter(order_id=foreign.id)
    real = loaders.children

    def careless(model: Any, parent_field: str, order: str = "id") -> DataLoader:
        if model is OrderLine:
            return _always([[our_line, their_line]])
        return real(model, parent_field, order)

    monkeypatch.setattr(loaders, "children", careless)
    start = await audit_head()
    query = "query($id: ID!) { order(id: $id) { lines { sku } } }"
    body = await gql(team.clients["owner"], query, id=gid("Order", ours.id))
    assert "errors" not in body
    assert body["data"]["order"]["lines"] == [{"sku": "OURS-2"}]
    denied = await AuditEntry.filter(seq__gt=start, outcome="denied").order_by("seq")
    assert [(e.resource_type, e.resource_id) for e in denied] == [("OrderLine", str(their_line.id))]
