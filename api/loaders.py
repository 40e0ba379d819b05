"""Per-request DataLoaders: every relation a list can reach is fetched in one query per level."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from api.child_pages import child_pages


def by_id(model: type[Model]) -> DataLoader[int, Any]:
    async def load(ids: list[int]) -> list[Any]:
        rows = {row.pk: row for row in await model.filter(pk__in=set(ids))}
        return [rows.get(i) for i in ids]

    return DataLoader(load_fn=load)


def children(model: type[Model], parent_field: str, order: str = "id") -> DataLoader[int, list]:
    """Each parent's rows, all of them: only lists whose length a domain rule bounds when they
    are written are plain lists (``api.cost.LIST_BOUNDS`` says which rule); the others are
    connections (``api.child_pages``)."""

    async def load(parent_ids: list[int]) -> list[list[Any]]:
        grouped: dict[int, list[Any]] = defaultdict(list)
        rows = await model.filter(**{f"{parent_field}__in": set(parent_ids)}).order_by(order)
        for row in rows:
            grouped[getattr(row, parent_field)].append(row)
        return [grouped.get(i, []) for i in parent_ids]

    return DataLoader(load_fn=load)


class Loaders:
    """Loaders are made lazily, by name, the first time a request needs them."""

    def __init__(self, factories: dict[str, Callable[[], DataLoader]]) -> None:
        self._factories = factories

    def __getattr__(self, name: str) -> DataLoader:
        # Only the first use of a name comes here: the loader is then an attribute of its own,
        # found by a plain look-up (every object of a page asks for its loader).
        try:
            factory = self._factories[name]
        except KeyError:
            raise AttributeError(name) from None
        loader = factory()
        setattr(self, name, loader)
        return loader


def sync_counts() -> DataLoader[int, dict[str, int]]:
    """Each connection's number of sync jobs by status, in one grouped query."""
    from tortoise.functions import Count

    from domain.marketplaces.sync_models import SyncJob

    async def load(ids: list[int]) -> list[dict[str, int]]:
        counts: dict[int, dict[str, int]] = defaultdict(dict)
        rows = (
            await SyncJob.filter(connection_id__in=set(ids))
            .annotate(n=Count("id"))
            .group_by("connection_id", "status")
            .values("connection_id", "status", "n")
        )
        for row in rows:
            counts[row["connection_id"]][str(row["status"])] = row["n"]
        return [counts.get(i, {}) for i in ids]

    return DataLoader(load_fn=load)


def last_report() -> DataLoader[int, dict | None]:
    """Each connection's latest performance report (the result of its last report pull)."""
    from domain.marketplaces.sync_models import JobKind, JobStatus, SyncJob

    async def load(ids: list[int]) -> list[dict | None]:
        rows = await SyncJob.filter(
            connection_id__in=set(ids), kind=JobKind.PULL_REPORT, status=JobStatus.SUCCEEDED
        ).order_by("id")
        latest = {row.connection_id: row.payload.get("result") for row in rows}
        return [latest.get(i) for i in ids]

    return DataLoader(load_fn=load)


def request_loaders() -> Loaders:
    from domain.accounts.models import Organization, User
    from domain.catalog.models import Product
    from domain.inventory.models import StockLevel, Warehouse
    from domain.marketplaces.models import Listing, MarketplaceConnection
    from domain.orders.models import Customer, CustomerAddress, OrderLine, OrderStatusChange
    from domain.support.models import TicketMessage

    return Loaders(
        {
            "organization": lambda: by_id(Organization),
            "user": lambda: by_id(User),
            "product": lambda: by_id(Product),
            "warehouse": lambda: by_id(Warehouse),
            "customer": lambda: by_id(Customer),
            "connection": lambda: by_id(MarketplaceConnection),
            "order_lines": lambda: children(OrderLine, "order_id"),
            "order_history": lambda: child_pages(OrderStatusChange, "order_id"),
            "customer_addresses": lambda: child_pages(CustomerAddress, "customer_id"),
            "product_stock": lambda: children(StockLevel, "product_id"),
            "product_listings": lambda: children(Listing, "product_id"),
            "ticket_messages": lambda: child_pages(TicketMessage, "ticket_id"),
            "sync_counts": sync_counts,
            "last_report": last_report,
        }
    )
