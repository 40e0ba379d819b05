"""Mutations: productCreate, productUpdate, productArchive."""

from __future__ import annotations

from decimal import Decimal

import strawberry
from strawberry.types import Info

from api.access import authorize, get_readable
from api.catalog.types import Product
from api.errors import MutationError
from api.payloads import payload
from domain.accounts.models import Organization
from domain.catalog import models, services


@strawberry.input
class ProductCreateInput:
    organization_id: strawberry.ID
    sku: str
    title: str
    price: Decimal
    hsn_code: str
    gst_rate: Decimal
    description: str = ""
    currency: str = "INR"


@strawberry.input(description="Only the fields given are changed.")
class ProductUpdateInput:
    id: strawberry.ID
    title: str | None = None
    description: str | None = None
    price: Decimal | None = None
    hsn_code: str | None = None
    gst_rate: Decimal | None = None


@strawberry.type
class ProductPayload:
    product: Product | None
    errors: list[MutationError]


@strawberry.type
class CatalogMutations:
    @strawberry.mutation(
        description="Create a product in an organization; its SKU must be new there "
        "(else CONFLICT)."
    )
    @payload(ProductPayload)
    async def product_create(self, info: Info, input: ProductCreateInput) -> models.Product:
        org = await get_readable(
            info.context, Organization, input.organization_id, field="organizationId"
        )
        authorize(info.context, "create_product", org)
        return await services.create_product(
            organization_id=org.id,
            sku=input.sku,
            title=input.title,
            price=input.price,
            hsn_code=input.hsn_code,
            gst_rate=input.gst_rate,
            description=input.description,
            currency=input.currency,
        )

    @strawberry.mutation(description="Change a product (ARCHIVED once archived).")
    @payload(ProductPayload)
    async def product_update(self, info: Info, input: ProductUpdateInput) -> models.Product:
        product = await get_readable(info.context, models.Product, input.id)
        authorize(info.context, "update", product)
        return await services.update_product(
            product=product,
            title=input.title,
            description=input.description,
            price=input.price,
            hsn_code=input.hsn_code,
            gst_rate=input.gst_rate,
        )

    @strawberry.mutation(
        description="Archive a product: it stays readable, no longer changes or receives stock."
    )
    @payload(ProductPayload)
    async def product_archive(self, info: Info, id: strawberry.ID) -> models.Product:
        product = await get_readable(info.context, models.Product, id)
        authorize(info.context, "archive", product)
        return await services.archive_product(product=product)
