"""The baseline: the W1 and W3 queries served by bare Strawberry + Tortoise.

Same database, same Tortoise models, same page shape (count + keyset page, newest first), same
DataLoader batching and parse/validation caches as Mandi, and nothing else: no principal, no
authorization, no audit. ``python -m bench.baseline.app`` serves it on PORT (default 8001).
"""

import base64
import contextlib
import os
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any, Generic, TypeVar

import strawberry
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from strawberry.asgi import GraphQL
from strawberry.dataloader import DataLoader
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.types import Info

from domain import db
from domain.catalog import models as catalog
from domain.inventory import models as inventory
from domain.orders import models as orders

T = TypeVar("T")
OrderStatus = strawberry.enum(orders.OrderStatus, name="OrderStatus")


def gid(kind: str, pk: int) -> strawberry.ID:
    return strawberry.ID(base64.urlsafe_b64encode(f"{kind}:{pk}".encode()).decode().rstrip("="))


def org_pk(global_id: strawberry.ID) -> int:
    raw = base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).decode()
    return int(raw.partition(":")[2])


def by_id(model: Any) -> DataLoader:
    async def load(keys: list[int]) -> list[Any]:
        rows = {row.pk: row for row in await model.filter(pk__in=set(keys))}
        return [rows.get(k) for k in keys]

    return DataLoader(load_fn=load)


def children(model: Any, parent: str) -> DataLoader:
    async def load(keys: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in await model.filter(**{f"{parent}__in": set(keys)}).order_by("id"):
            grouped[getattr(row, parent)].append(row)
        return [grouped.get(k, []) for k in keys]

    return DataLoader(load_fn=load)


@strawberry.type
class Warehouse:
    code: str
    name: str

    @strawberry.field
    def id(self) -> strawberry.ID:
        return gid("Warehouse", self.id)  # type: ignore[attr-defined]


@strawberry.type
class StockLevel:
    on_hand: int
    reserved: int

    @strawberry.field
    def available(self) -> int:
        return self.on_hand - self.reserved

    @strawberry.field
    async def warehouse(self, info: Info) -> Warehouse:
        return await info.context["warehouse"].load(self.warehouse_id)  # type: ignore[attr-defined]


@strawberry.type
class Product:
    sku: str
    title: str
    price: Decimal
    currency: str

    @strawberry.field
    def id(self) -> strawberry.ID:
        return gid("Product", self.id)  # type: ignore[attr-defined]

    @strawberry.field
    async def stock(self, info: Info) -> list[StockLevel]:
        return await info.context["product_stock"].load(self.id)  # type: ignore[attr-defined]


@strawberry.type
class Customer:
    name: str | None
    email: str | None
    phone: str | None


@strawberry.type
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal

    @strawberry.field
    async def product(self, info: Info) -> Product | None:
        if self.product_id is None:  # type: ignore[attr-defined]
            return None
        return await info.context["product"].load(self.product_id)  # type: ignore[attr-defined]


@strawberry.type
class Order:
    status: OrderStatus  # type: ignore[valid-type]
    total: Decimal
    placed_at: datetime
    shipping_name: str | None
    shipping_city: str | None
    shipping_postal_code: str | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return gid("Order", self.id)  # type: ignore[attr-defined]

    @strawberry.field
    async def customer(self, info: Info) -> Customer:
        return await info.context["customer"].load(self.customer_id)  # type: ignore[attr-defined]

    @strawberry.field
    async def lines(self, info: Info) -> list[OrderLine]:
        return await info.context["order_lines"].load(self.id)  # type: ignore[attr-defined]


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    total_count: int


async def page(query: Any, first: int) -> Connection:
    total = await query.count()
    rows = await query.order_by("-id").limit(first + 1)
    edges = [Edge(cursor=gid("c", row.id), node=row) for row in rows[:first]]
    end = edges[-1].cursor if edges else None
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(rows) > first, end_cursor=end),
        total_count=total,
    )


@strawberry.type
class Query:
    @strawberry.field
    async def orders(self, organization_id: strawberry.ID, first: int = 20) -> Connection[Order]:
        return await page(orders.Order.filter(organization_id=org_pk(organization_id)), first)

    @strawberry.field
    async def products(
        self, organization_id: strawberry.ID | None = None, first: int = 20
    ) -> Connection[Product]:
        query = catalog.Product.filter(archived=False)
        if organization_id is not None:
            query = query.filter(organization_id=org_pk(organization_id))
        return await page(query, first)


class BaselineGraphQL(GraphQL):
    async def get_context(self, request: Request, response: Response) -> dict[str, Any]:  # type: ignore[override]
        return {
            "customer": by_id(orders.Customer),
            "product": by_id(catalog.Product),
            "warehouse": by_id(inventory.Warehouse),
            "order_lines": children(orders.OrderLine, "order_id"),
            "product_stock": children(inventory.StockLevel, "product_id"),
        }


schema = strawberry.Schema(
    query=Query,
    extensions=[lambda: ParserCache(maxsize=256), lambda: ValidationCache(maxsize=256)],
)


def create_app(database_url: str) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        await db.init_db(database_url)
        try:
            yield
        finally:
            await db.close_db()

    graphql = BaselineGraphQL(schema, graphql_ide=None)
    return Starlette(routes=[Route("/graphql", graphql, methods=["POST"])], lifespan=lifespan)


if __name__ == "__main__":
    from api.gc_tuning import tune_for_serving

    app = create_app(os.environ["DATABASE_URL"])
    tune_for_serving()  # the same collector settings as `mandi serve`: only the guards differ
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ.get("PORT", "8001")), log_level="info")
