"""Fixtures for API tests: a small world of objects in one fresh organization."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest_asyncio

from domain.accounts.models import OrgRole
from domain.catalog.services import archive_product
from tests.support import (
    Team,
    make_team,
    seed_order,
    seed_product,
    seed_stock,
    seed_ticket,
    seed_warehouse,
)


@dataclass
class World:
    """An organization with an owner and a manager, and one object of every kind."""

    team: Team
    product: Any  # 10 in stock in ``warehouse``
    bare_product: Any  # never stocked
    archived_product: Any
    warehouse: Any
    order: Any  # placed
    ticket: Any  # open

    @property
    def org_pk(self) -> int:
        return self.team.org.id


@pytest_asyncio.fixture
async def world(app) -> AsyncIterator[World]:
    team = await make_team(app, roles=(OrgRole.OWNER, OrgRole.MANAGER))
    org = team.org.id
    product = await seed_product(org, "SKU-1")
    warehouse = await seed_warehouse(org)
    await seed_stock(product, warehouse, 10)
    archived = await archive_product(product=await seed_product(org, "SKU-OLD"))
    current = World(
        team=team,
        product=product,
        bare_product=await seed_product(org, "SKU-2"),
        archived_product=archived,
        warehouse=warehouse,
        order=await seed_order(org, [("SKU-1", 2, "100.00")]),
        ticket=await seed_ticket(org, team.users["manager"].id),
    )
    yield current
    await team.close()
