"""Helpers for tests: GraphQL calls, named personas in fresh organizations, valid GSTINs."""

from __future__ import annotations

import asyncio
import random
import string
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx

from domain.accounts.models import Organization, OrgRole, PlatformRole, PlatformRoleGrant, User
from domain.accounts.services import add_member, create_organization, create_user
from domain.accounts.sessions import create_session
from domain.validation import gstin_check_char


@dataclass(frozen=True)
class Backend:
    kind: str
    url: str
    name: str


def unique(prefix: str = "t") -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def random_gstin() -> str:
    rng = random.SystemRandom()
    letters = string.ascii_uppercase
    body = (
        f"{rng.randint(1, 37):02d}"
        + "".join(rng.choice(letters) for _ in range(5))
        + "".join(rng.choice(string.digits) for _ in range(4))
        + rng.choice(letters)
        + rng.choice("123456789")
        + "Z"
    )
    return body + gstin_check_char(body)


async def gql(client: httpx.AsyncClient, query: str, **variables: Any) -> dict:
    """POST a GraphQL operation; returns the decoded body (data and errors)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    return response.json()


async def gql_data(client: httpx.AsyncClient, query: str, **variables: Any) -> dict:
    """Like ``gql`` but asserts there were no errors."""
    body = await gql(client, query, **variables)
    assert "errors" not in body, body.get("errors")
    return body["data"]


def error_codes(body: dict) -> list[str]:
    return [e.get("extensions", {}).get("code") for e in body.get("errors", [])]


async def make_user(username: str | None = None, *, password: str | None = None) -> User:
    name = username or unique("u")
    return await create_user(
        username=name,
        email=f"{name}@example.test",
        full_name=f"Person {name}",
        password=password,
        country="IN",
        adult_attested=True,
        phone="+919800000000",
    )


def client_for(app: Any, token: str | None) -> httpx.AsyncClient:
    """A browser-like client: same-site (it sends X-Requested-With), with a session cookie."""
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"X-Requested-With": "mandi-tests"},
    )
    if token:
        client.cookies.set("mandi_session", token)
    return client


@dataclass
class Team:
    """An organization with one signed-in user per organization role."""

    org: Organization
    users: dict[str, User] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    @property
    def org_id(self) -> str:
        from api import ids

        return ids.encode("Organization", self.org.id)

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def signed_in(app: Any, user: User) -> httpx.AsyncClient:
    new = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    return client_for(app, new.token)


async def make_team(app: Any, roles: tuple[OrgRole, ...] = tuple(OrgRole)) -> Team:
    org = await create_organization(legal_name=unique("Org "), gstin=random_gstin())
    team = Team(org=org)
    for role in roles:
        user = await make_user()
        await add_member(user=user, organization=org, role=role)
        team.users[role.value] = user
        team.clients[role.value] = await signed_in(app, user)
    return team


async def make_platform_user(app: Any, role: PlatformRole) -> tuple[User, httpx.AsyncClient]:
    user = await make_user()
    await PlatformRoleGrant.create(user=user, role=role)
    return user, await signed_in(app, user)


PRODUCT_INPUT = {
    "sku": "SKU-1",
    "title": "Assam tea",
    "price": "349.00",
    "hsnCode": "0902",
    "gstRate": "5",
}


def product_input(org_id: str, **overrides: Any) -> dict:
    return {"organizationId": org_id, **PRODUCT_INPUT, **overrides}


def money(value: str) -> Decimal:
    return Decimal(value)


# --- seeding through the domain services, and snapshots for "writes nothing" ---------------------


def gid(type_name: str, pk: int) -> str:
    from api import ids

    return ids.encode(type_name, pk)


async def seed_product(organization_id: int, sku: str = "SKU-1", price: str = "100.00") -> Any:
    from domain.catalog.services import create_product

    return await create_product(
        organization_id=organization_id,
        sku=sku,
        title=f"Product {sku}",
        price=Decimal(price),
        hsn_code="0902",
        gst_rate=Decimal("5"),
    )


async def seed_warehouse(organization_id: int, code: str = "WH-1") -> Any:
    from domain.inventory.services import create_warehouse

    return await create_warehouse(organization_id=organization_id, code=code, name=f"Store {code}")


async def seed_stock(product: Any, warehouse: Any, quantity: int) -> None:
    from domain.inventory.models import MovementReason
    from domain.inventory.services import adjust_stock

    await adjust_stock(
        product=product,
        warehouse=warehouse,
        delta=quantity,
        reason=MovementReason.RECEIPT,
        actor_id=None,
    )


async def seed_order(
    organization_id: int,
    lines: list[tuple[str, int, str]],
    *,
    external_id: str | None = None,
    email: str | None = None,
    city: str = "Pune",
) -> Any:
    """Import an order through the domain service; ``lines`` are (sku, quantity, unit price)."""
    from domain.marketplaces.models import Marketplace
    from domain.orders.services import AddressInput, BuyerInput, LineInput, import_order

    name = unique("Buyer ")
    return (
        await import_order(
            organization_id=organization_id,
            marketplace=Marketplace.AMAZON,
            external_order_id=external_id or unique("EXT-"),
            buyer=BuyerInput(name=name, email=email or f"{unique('b')}@example.test"),
            shipping=AddressInput(
                name=name, line1="1 Main Road", city=city, postal_code="411001", country="IN"
            ),
            lines=[LineInput(sku=s, quantity=q, unit_price=Decimal(p)) for s, q, p in lines],
        )
    ).order


async def make_order_for_test(*, buyer_email: str) -> Any:
    """An order of a fresh organization, imported through the domain service."""
    organization = await create_organization(legal_name=unique("Org "), gstin=random_gstin())
    await seed_product(organization.id, sku="SKU-1")
    return await seed_order(organization.id, [("SKU-1", 1, "10.00")], email=buyer_email)


async def tickets_titled(subject: str) -> int:
    """How many tickets have this subject (sealed: compared after decryption, not in SQL)."""
    from domain.support.models import Ticket

    return sum(ticket.subject == subject for ticket in await Ticket.all())


async def seed_ticket(organization_id: int, user_id: int, subject: str = "Help") -> Any:
    from domain.support.services import open_ticket

    ticket, _ = await open_ticket(
        organization_id=organization_id, user_id=user_id, subject=subject, body="Please help."
    )
    return ticket


BUSINESS_MODELS = (
    "Organization",
    "Membership",
    "Product",
    "Warehouse",
    "StockLevel",
    "InventoryMovement",
    "MarketplaceConnection",
    "Listing",
    "Customer",
    "CustomerAddress",
    "Order",
    "OrderLine",
    "OrderStatusChange",
    "Ticket",
    "TicketMessage",
)


async def business_state(organization_id: int) -> dict[str, Any]:
    """Row counts of every business table and every row of one organization, to compare."""
    from domain.db import models

    registered = models()
    state: dict[str, Any] = {}
    for name in BUSINESS_MODELS:
        model = registered[name]
        state[f"{name}.count"] = await model.all().count()
        own = {"id": organization_id} if name == "Organization" else {}
        if "organization" in model._meta.fk_fields:
            own = {"organization_id": organization_id}
        if own:
            state[name] = await model.filter(**own).order_by("id").values()
    return state


# --- GraphQL documents of the mutations, and the bad-input check ---------------------------------

PRODUCT_CREATE = """mutation($input: ProductCreateInput!) {
  productCreate(input: $input) { product { id } errors { code field message } } }"""
PRODUCT_UPDATE = """mutation($input: ProductUpdateInput!) {
  productUpdate(input: $input) { product { id } errors { code field message } } }"""
PRODUCT_ARCHIVE = """mutation($id: ID!) {
  productArchive(id: $id) { product { id } errors { code field message } } }"""
WAREHOUSE_CREATE = """mutation($input: WarehouseCreateInput!) {
  warehouseCreate(input: $input) { warehouse { id } errors { code field message } } }"""
STOCK_ADJUST = """mutation($input: StockAdjustInput!) {
  stockAdjust(input: $input) {
    stock { onHand reserved available } movement { id delta onHandAfter } replayed
    errors { code field message } } }"""
ORDER_IMPORT = """mutation($input: OrderImportInput!) {
  orderImport(input: $input) {
    order { id status total currency customer { id name email } lines { sku quantity unitPrice } }
    errors { code field message } } }"""
ORDER_TRANSITION = """mutation($id: ID!, $toStatus: OrderStatus!) {
  orderTransition(id: $id, toStatus: $toStatus) {
    order { id status nextStatuses } errors { code field message } } }"""
TICKET_OPEN = """mutation($input: TicketOpenInput!) {
  ticketOpen(input: $input) { ticket { id status } errors { code field message } } }"""
TICKET_REPLY = """mutation($id: ID!, $body: String!) {
  ticketReply(id: $id, body: $body) { ticket { id status } errors { code field message } } }"""
TICKET_CLOSE = """mutation($id: ID!) {
  ticketClose(id: $id) { ticket { id status } errors { code field message } } }"""
ORGANIZATION_CREATE = """mutation($input: OrganizationCreateInput!) {
  organizationCreate(input: $input) { organization { id } errors { code field message } } }"""
ORGANIZATION_UPDATE = """mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { id } errors { code field message } } }"""

TOP_LEVEL_CODES = frozenset({"BAD_USER_INPUT", "GRAPHQL_VALIDATION_FAILED"})


@dataclass(frozen=True)
class BadInput:
    """A mutation call that must fail with ``code`` (at ``field``) and write nothing.

    ``variables`` builds the call's variables from the test's world; a code in TOP_LEVEL_CODES is
    expected as a top-level error's ``extensions.code``, any other in the payload's ``errors``.
    """

    name: str
    document: str
    variables: Any
    code: str
    field: str | None = None
    role: str = "manager"

    @property
    def mutation(self) -> str:
        return self.document.split("{", 2)[1].split("(")[0].strip()


async def assert_rejected(world: Any, case: BadInput) -> None:
    before = await business_state(world.org_pk)
    body = await gql(world.team.clients[case.role], case.document, **case.variables(world))
    if case.code in TOP_LEVEL_CODES:
        assert (body.get("data") or {}).get(case.mutation) is None, body
        assert error_codes(body) == [case.code], body
    else:
        assert "errors" not in body, body["errors"]
        payload = body["data"][case.mutation]
        got = [(e["code"], e["field"]) for e in payload["errors"]]
        assert got == [(case.code, case.field)], payload["errors"]
        assert all(payload[k] is None for k in payload if k not in {"errors", "replayed"})
    assert await business_state(world.org_pk) == before


def bad_gstin_check_digit() -> str:
    valid = random_gstin()
    wrong = "0" if valid[-1] != "0" else "1"
    return valid[:-1] + wrong


# --- partner tokens and platform roles for authorization tests ------------------------------------


def bearer_client(app: Any, secret: str) -> httpx.AsyncClient:
    """A partner's client: a bearer token, no cookie."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


async def issue_token(team: Team, role: str, scopes: list[str]) -> str:
    """The secret of a live partner token of the team's organization, created by ``role``."""
    from domain.accounts import tokens

    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=team.users[role],
        name=unique("token "),
        scopes=scopes,
        known_scopes=set(scopes),
        days=1,
    )
    return issued.secret


def token_secret_part(secret: str) -> str:
    """The part of ``mandi_pt_<prefix>_<secret>`` that is never stored. It is URL-safe base64,
    so it may itself contain ``_``: split at the prefix's end, never at the last ``_``."""
    from domain.accounts.tokens import TOKEN_PREFIX

    hidden = secret.removeprefix(TOKEN_PREFIX).partition("_")[2]
    assert len(hidden) >= 40, "not a partner token secret"
    return hidden


async def audit_head() -> int:
    """The newest audit entry's sequence number (0 for an empty log): what a test's own
    entries come after."""
    from audit.models import AuditEntry

    last = await AuditEntry.all().order_by("-seq").first()
    return last.seq if last else 0


async def clear_of_checkpoint(n: int) -> None:
    """Make sure the next ``n`` audit entries fall between two automatic checkpoints.

    Every ``CHECKPOINT_EVERY``-th entry is signed (and witnessed) as it is written, and the tests
    of a process share one log: where the next multiple falls depends on what ran before. A test
    whose ``n`` entries would reach it gets filler entries up to it first (the multiple is then a
    filler's, the test's entries the next ``n``), so it never meets a checkpoint it did not
    make."""
    from audit.recorder import Actor, AuditBuffer
    from audit.writer import CHECKPOINT_EVERY

    assert 0 < n < CHECKPOINT_EVERY, n
    head = await audit_head()
    if (head + n) // CHECKPOINT_EVERY == head // CHECKPOINT_EVERY:
        return
    buffer = AuditBuffer(Actor(type="system", request_id="filler"))
    for number in range(CHECKPOINT_EVERY - head % CHECKPOINT_EVERY):
        buffer.note("read", "Filler", number)
    await buffer.flush()
    assert await audit_head() % CHECKPOINT_EVERY == 0


TOTP_STEP = 30  # seconds (domain/accounts/mfa.py)


async def clear_of_totp_step_edge(margin: float = 3.0) -> None:
    """Wait into the next 30-second TOTP step when fewer than ``margin`` seconds of this one
    are left. The server accepts the codes of the previous, current and next step of the moment
    it checks one: a code computed at the very end of a step and checked just after the next one
    began is one step older than the test meant (a "previous step" code is then refused). Call
    it just before computing the codes a test sends at once."""
    left = TOTP_STEP - time.time() % TOTP_STEP
    if left < margin:
        await asyncio.sleep(left + 0.05)


SERVER_START_SECONDS = 60


async def first_answer(
    process: asyncio.subprocess.Process,
    base: str,
    path: str = "/healthz",
    *,
    seconds: float = SERVER_START_SECONDS,
) -> httpx.Response:
    """The first answer to ``GET base + path`` of a server ``process`` just started, asked
    until it comes on a monotonic deadline of ``seconds``. Starting `mandi serve` (importing the
    app, migrations checked, the lifespan) takes a second on a quiet machine and many more on a
    loaded CI one: a deadline of a few seconds failed at random. A server that exits first
    fails the wait at once."""
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(base_url=base) as client:
        while True:
            if process.returncode is not None:
                raise AssertionError(f"the server exited ({process.returncode}) before answering")
            try:
                return await client.get(path)
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"the server did not answer {path} in {seconds:.0f} s")
            await asyncio.sleep(0.05)
