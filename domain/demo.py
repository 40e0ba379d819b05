"""Demo data for local use: one organization, a user for every role, catalogue, stock, orders.

The demo password is public (it is in the README); never load demo data into a real deployment.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from tortoise.transactions import in_transaction

from domain.accounts.models import Organization, OrgRole, PlatformRole, PlatformRoleGrant
from domain.accounts.services import add_member, create_organization, create_user
from domain.catalog.services import create_product
from domain.inventory.models import MovementReason
from domain.inventory.services import adjust_stock, create_warehouse
from domain.marketplaces.models import Listing, ListingStatus, Marketplace, MarketplaceConnection
from domain.orders.models import OrderStatus
from domain.orders.services import (
    AddressInput,
    BuyerInput,
    LineInput,
    import_order,
    transition_order,
)
from domain.progress import Progress
from domain.support.services import open_ticket, reply_ticket

DEMO_PASSWORD = "mandi-demo-only"  # noqa: S105 - public, local demo credential
DEMO_GSTIN = "29AAGCB7383J1Z4"
ORG_USERS = [(role.value, role) for role in OrgRole]
PLATFORM_USERS = [(role.value.replace("_", "-"), role) for role in PlatformRole]

_PRODUCTS = [
    ("TEA-ASSAM-250", "Assam tea, 250 g", "349.00", "0902", "5"),
    ("TEA-DARJ-100", "Darjeeling first flush, 100 g", "499.00", "0902", "5"),
    ("SPICE-CARD-50", "Green cardamom, 50 g", "225.00", "0908", "5"),
    ("SPICE-SAFF-1", "Kashmiri saffron, 1 g", "399.00", "0910", "5"),
    ("HONEY-WILD-500", "Wild forest honey, 500 g", "450.00", "0409", "0"),
    ("GHEE-A2-500", "A2 cow ghee, 500 ml", "799.00", "0405", "12"),
    ("SOAP-NEEM-3", "Neem soap, pack of 3", "210.00", "3401", "18"),
    ("BAG-JUTE-L", "Jute tote bag, large", "299.00", "4202", "12"),
    ("MUG-BLUE-POT", "Blue pottery mug", "549.00", "6912", "12"),
    ("SHAWL-PASH", "Pashmina shawl", "4999.00", "6214", "5"),
    ("INCENSE-SAND", "Sandalwood incense, 40 sticks", "149.00", "3307", "5"),
    ("DIARY-HANDMADE", "Handmade paper diary", "399.00", "4820", "12"),
]
_BUYERS = [
    ("Aarav Sharma", "aarav@example.com", "+919810000001", "12 MG Road", "Bengaluru", "560001"),
    ("Diya Patel", "diya@example.com", "+919810000002", "4 Ring Road", "Ahmedabad", "380001"),
    ("Kabir Singh", "kabir@example.com", "+919810000003", "88 Park Street", "Kolkata", "700016"),
    ("Meera Iyer", "meera@example.com", "+919810000004", "7 Anna Salai", "Chennai", "600002"),
    ("Rohan Gupta", "rohan@example.com", "+919810000005", "21 Linking Road", "Mumbai", "400050"),
    ("Sara Khan", "sara@example.com", None, "3 Hazratganj", "Lucknow", "226001"),
]
_ROUTES = [
    [],
    [OrderStatus.PAID],
    [OrderStatus.PAID, OrderStatus.PACKED],
    [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED],
    [OrderStatus.PAID, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED],
    [OrderStatus.CANCELLED],
]


_ORDERS = 18
_TICKETS = 2
# Records seed_demo creates, for a progress bar: users, products, stock levels (a product in
# each of two warehouses), listings (on two marketplaces), orders, tickets.
SEED_STEPS = len(ORG_USERS) + len(PLATFORM_USERS) + 5 * len(_PRODUCTS) + _ORDERS + _TICKETS


async def seed_demo(*, if_empty: bool = False, progress: Progress | None = None) -> bool:
    """Load the demo data; with ``if_empty``, only into an empty database. True if loaded.
    ``progress`` is told of each record made (``SEED_STEPS`` in all)."""
    if if_empty and await Organization.exists():
        return False
    step = progress or (lambda n: None)
    rng = random.Random(7)  # noqa: S311 - reproducible demo data, not security
    async with in_transaction():
        org = await create_organization(
            legal_name="Bharat Crafts Private Limited",
            trade_name="Bharat Crafts",
            gstin=DEMO_GSTIN,
            address_line1="5 Residency Road",
            city="Bengaluru",
            state="Karnataka",
            postal_code="560025",
            country="IN",
        )
        users = {}
        for username, role in ORG_USERS:
            user = await _demo_user(username)
            await add_member(user=user, organization=org, role=role)
            users[username] = user
            step(1)
        for username, platform_role in PLATFORM_USERS:
            user = await _demo_user(username)
            await PlatformRoleGrant.create(user=user, role=platform_role)
            step(1)
        products = []
        for sku, title, price, hsn, rate in _PRODUCTS:
            product = await create_product(
                organization_id=org.id,
                sku=sku,
                title=title,
                price=Decimal(price),
                hsn_code=hsn,
                gst_rate=Decimal(rate),
                description=f"{title}, sourced from small producers.",
            )
            products.append(product)
            step(1)
        warehouses = [
            await create_warehouse(
                organization_id=org.id, code="BLR-1", name="Bengaluru", city="Bengaluru"
            ),
            await create_warehouse(
                organization_id=org.id, code="DEL-1", name="Delhi", city="New Delhi"
            ),
        ]
        for product in products:
            for warehouse in warehouses:
                await adjust_stock(
                    product=product,
                    warehouse=warehouse,
                    delta=rng.randint(20, 200),
                    reason=MovementReason.RECEIPT,
                    actor_id=users["manager"].id,
                )
                step(1)
        connections = {}
        for marketplace, seller_id in [
            (Marketplace.AMAZON, "A1DEMO7SELLER"),
            (Marketplace.FLIPKART, "FK-DEMO-42"),
            (Marketplace.EBAY, "bharatcrafts-demo"),
        ]:
            connections[marketplace] = await MarketplaceConnection.create(
                organization=org, marketplace=marketplace, seller_id=seller_id
            )
        for i, product in enumerate(products):
            for marketplace in (Marketplace.AMAZON, Marketplace.FLIPKART):
                await Listing.create(
                    organization=org,
                    product=product,
                    connection=connections[marketplace],
                    external_id=f"{marketplace.value[:2].upper()}-{1000 + i}",
                    price=product.price,
                    status=ListingStatus.ACTIVE,
                )
                step(1)
        start = datetime.now(UTC) - timedelta(days=30)
        for n in range(_ORDERS):
            name, email, phone, line1, city, pin = _BUYERS[n % len(_BUYERS)]
            picks = rng.sample(products, k=rng.randint(1, 3))
            order = (
                await import_order(
                    organization_id=org.id,
                    marketplace=[Marketplace.AMAZON, Marketplace.FLIPKART][n % 2],
                    external_order_id=f"DEMO-{40000 + n}",
                    buyer=BuyerInput(name=name, email=email, phone=phone),
                    shipping=AddressInput(
                        name=name,
                        line1=line1,
                        city=city,
                        postal_code=pin,
                        country="IN",
                        phone=phone,
                    ),
                    lines=[
                        LineInput(sku=p.sku, quantity=rng.randint(1, 3), unit_price=p.price)
                        for p in picks
                    ],
                    placed_at=start + timedelta(days=n * 1.5),
                )
            ).order
            for status in _ROUTES[n % len(_ROUTES)]:
                order = await transition_order(
                    order=order, to_status=status, actor_id=users["staff"].id
                )
            step(1)
        ticket, _ = await open_ticket(
            organization_id=org.id,
            user_id=users["owner"].id,
            subject="Flipkart listings stopped syncing",
            body="Since yesterday our Flipkart prices are not updating. Can you check?",
        )
        await reply_ticket(
            ticket=ticket,
            user_id=users["manager"].id,
            body="It affects all SKUs starting with TEA-.",
            by_support=False,
        )
        step(1)
        await open_ticket(
            organization_id=org.id,
            user_id=users["manager"].id,
            subject="How do I export last month's orders?",
            body="We need a CSV of all delivered orders for our accountant.",
        )
        step(1)
    return True


async def _demo_user(username: str):
    return await create_user(
        username=username,
        email=f"{username}@demo.mandi.test",
        full_name=f"Demo {username.replace('-', ' ').title()}",
        password=DEMO_PASSWORD,
        country="IN",
        adult_attested=True,
    )
