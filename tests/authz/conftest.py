"""Fixtures for authorization tests: the demo data with a principal for every persona."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest_asyncio

from authz.principal import Principal, load_user_principal
from domain.accounts.auth_models import LoginEvent, LoginOutcome
from domain.accounts.models import Organization, OrgRole, User, WebSession
from domain.crypto.fields import lookup
from domain.demo import DEMO_GSTIN, seed_demo
from domain.orders.models import Customer, CustomerAddress, Order
from domain.privacy.models import AccessGrant, GrantSubject
from domain.support.models import Ticket, TicketMessage

# demo order n goes to buyer n % 6 along route n % 6 (domain/demo.py)
PLACED_ORDER, SHIPPED_ORDER, DELIVERED_ORDER = "DEMO-40000", "DEMO-40003", "DEMO-40004"
GRANTED_USER = "viewer"  # the support agent holds an open grant on this demo user...
GRANTED_ORDER = SHIPPED_ORDER  # ...and on the buyer of this order

TOKEN_SCOPES: dict[str, tuple[OrgRole, frozenset[str]]] = {
    "token:orders": (OrgRole.OWNER, frozenset({"orders:read"})),
    "token:orders+contact": (
        OrgRole.MANAGER,
        frozenset({"orders:read", "orders.buyer_contact:read"}),
    ),
    "token:orders+contact by staff": (
        OrgRole.STAFF,
        frozenset({"orders:read", "orders.buyer_contact:read"}),
    ),
    "token:catalog+inventory": (OrgRole.OWNER, frozenset({"catalog:read", "inventory:read"})),
    "token:tickets": (OrgRole.VIEWER, frozenset({"tickets:read"})),
}


@dataclass
class Demo:
    org: Organization
    users: dict[str, User]
    principals: dict[str, Principal] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)

    def user_of(self, persona: str) -> User:
        """The person behind a persona (a token's creator)."""
        if persona.startswith("token:"):
            role = TOKEN_SCOPES[persona][0]
            return self.users[role.value]
        return self.users[persona.replace("_", "-")]


async def _order(org: Organization, external_id: str) -> Order:
    return await Order.get(organization_id=org.id, external_order_id=external_id)


async def _ensure_records(user: User) -> None:
    """A web session and a sign-in event for the user (idempotent)."""
    if not await WebSession.filter(user_id=user.id).exists():
        now = datetime.now(UTC)
        await WebSession.create(
            user=user,
            token_hash=f"{user.id:064d}",
            ip="192.0.2.1",
            user_agent="demo",
            last_seen_at=now,
            expires_at=now + timedelta(days=1),
        )
    if not await LoginEvent.filter(user_id=user.id).exists():
        await LoginEvent.create(user=user, outcome=LoginOutcome.SUCCESS, ip="192.0.2.1")


async def _ensure_grant(agent: User, kind: GrantSubject, subject_id: int, org_id: Any) -> None:
    open_grant = AccessGrant.filter(
        grantee_id=agent.id,
        subject_kind=kind,
        subject_id=subject_id,
        revoked_at=None,
        expires_at__gt=datetime.now(UTC) + timedelta(hours=1),
    )
    if not await open_grant.exists():
        await AccessGrant.create(
            grantee=agent,
            subject_kind=kind,
            subject_id=subject_id,
            organization_id=org_id,
            justification="demo: helping with the buyer's shipment question",
            created_by=agent,
            expires_at=datetime.now(UTC) + timedelta(hours=8),
        )


@pytest_asyncio.fixture
async def demo(backend) -> Demo:
    """The demo data (loaded once per database) and a principal for every persona."""
    by_gstin = Organization.filter(gstin_index=lookup(Organization, "gstin", DEMO_GSTIN))
    if not await by_gstin.exists():
        await seed_demo()
    org = await by_gstin.get()
    names = [r.value for r in OrgRole] + [
        "platform-admin",
        "support-agent",
        "security-reviewer",
        "privacy-officer",
    ]
    indexes = [lookup(User, "username", name) for name in names]
    users = {u.username: u for u in await User.filter(username_index__in=indexes)}
    for user in users.values():
        await _ensure_records(user)
    placed, shipped, delivered = [
        await _order(org, x) for x in (PLACED_ORDER, SHIPPED_ORDER, DELIVERED_ORDER)
    ]
    agent = users["support-agent"]
    await _ensure_grant(agent, GrantSubject.USER, users[GRANTED_USER].id, None)
    await _ensure_grant(agent, GrantSubject.CUSTOMER, shipped.customer_id, org.id)
    current = Demo(org=org, users=users)
    for name in names:
        current.principals[name.replace("-", "_")] = await load_user_principal(users[name])
    for persona, (role, scopes) in TOKEN_SCOPES.items():
        current.principals[persona] = Principal(
            kind="token",
            user_id=users[role.value].id,
            org_roles={org.id: role},
            scopes=scopes,
        )
    ticket = await Ticket.filter(organization_id=org.id).order_by("id").first()
    current.objects = {
        "organization": org,
        "customer": await Customer.get(id=placed.customer_id),
        "granted_customer": await Customer.get(id=shipped.customer_id),
        "address": await CustomerAddress.filter(customer_id=placed.customer_id).first(),
        "granted_address": await CustomerAddress.filter(customer_id=shipped.customer_id).first(),
        "order_awaiting": placed,
        "order_done": delivered,
        "granted_order": shipped,
        "ticket": ticket,
        "message": await TicketMessage.filter(ticket_id=ticket.id).first(),
    }
    return current
