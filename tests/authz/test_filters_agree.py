"""The database filter and the per-object decision come from one policy: they agree on every row.

For every persona (each organization role, each platform role, partner tokens with several
scope sets) and every resource, the rows the filter returns are exactly the rows whose
per-object decision says "readable", over the whole table (the demo data and whatever else the
tests wrote).
"""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from authz import policy
from authz.decisions import Decisions
from authz.resources import ROW_MODELS
from tests.authz.conftest import TOKEN_SCOPES

PERSONAS = [
    "owner",
    "admin",
    "manager",
    "staff",
    "viewer",
    "platform_admin",
    "support_agent",
    "security_reviewer",
    "privacy_officer",
    *TOKEN_SCOPES,
]


@pytest.mark.parametrize("persona", PERSONAS)
async def test_filter_and_decision_agree_on_every_row(demo, persona):
    principal = demo.principals[persona]
    decisions = Decisions(principal)
    for model in ROW_MODELS:
        pk = model._meta.pk_attr
        filtered = set(await policy.readable_query(principal, model).values_list(pk, flat=True))
        decided = {row.pk for row in await model.all() if decisions.on(row).readable}
        assert filtered == decided, model.__name__
    # the audit log's "list" rows (searches without read_every_match) agree too
    listed = policy.readable_query(principal, AuditEntry, action="list")
    filtered = set(await listed.values_list("seq", flat=True))
    decided = {row.seq for row in await AuditEntry.all() if decisions.allows("list", row)}
    assert filtered == decided


async def test_the_demo_gives_every_persona_something_to_see(demo):
    """Guards the test above against agreeing on empty sets only."""
    from domain.orders.models import Order

    for persona in ("owner", "staff", "viewer", "token:orders"):
        query = policy.readable_query(demo.principals[persona], Order)
        assert await query.filter(organization_id=demo.org.id).count() == 18
    agent = policy.readable_query(demo.principals["support_agent"], Order)
    assert await agent.count() >= 3  # the granted buyer's orders
