"""The database filter and the per-object decision come from one policy: they agree on every row.

For every persona (each organization role, each platform role, partner tokens with several
scope sets) and every resource, the rows the filter returns are exactly the rows whose
per-object decision says "readable", over the table as the suite left it (the demo data and
whatever else the tests wrote).

Rows of an organization are checked for every organization a persona belongs to and for
``FOREIGN_SAMPLE`` others drawn at random each run; rows of no organization all. By this
test's turn the suite has made hundreds of organizations, each a decision key of its own for
every organization-scoped table (an Oso evaluation each, per persona): all of them took four
minutes a backend. The policy compares an organization only with the principal's own
(``actor.organization_ids``), so to it every foreign organization is alike; the sample still
catches a filter that lets one through.
"""

from __future__ import annotations

import random

from tortoise.expressions import Q

from audit.models import AuditEntry
from authz import policy
from authz.decisions import Decisions
from authz.resources import INPUTS, ROW_MODELS
from domain.accounts.models import Organization
from tests.authz.conftest import TOKEN_SCOPES

FOREIGN_SAMPLE = 40

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


def _in_organizations(model: type, organizations: set[int]) -> Q:
    """Rows of ``model`` in ``organizations`` or in none (every row of a model without one)."""
    if "organization_id" not in INPUTS[model].attributes:
        return Q()
    column = INPUTS[model].column(model, "organization_id")
    if column == "id":
        return Q(id__in=organizations)
    return Q(**{f"{column}__in": organizations}) | Q(**{f"{column}__isnull": True})


async def test_filter_and_decision_agree_on_every_row(demo):
    mine = {org for principal in demo.principals.values() for org in principal.org_roles}
    foreign = sorted(set(await Organization.all().values_list("id", flat=True)) - mine)
    chosen = mine | set(random.sample(foreign, min(FOREIGN_SAMPLE, len(foreign))))
    scope = {model: _in_organizations(model, chosen) for model in ROW_MODELS}
    # Each table is read once and decided for every persona. Nothing writes meanwhile.
    tables = {model: await model.filter(scope[model]) for model in ROW_MODELS}
    for persona in PERSONAS:
        principal = demo.principals[persona]
        decisions = Decisions(principal)
        for model, rows in tables.items():
            pk = model._meta.pk_attr
            query = policy.readable_query(principal, model).filter(scope[model])
            filtered = set(await query.values_list(pk, flat=True))
            decided = {row.pk for row in rows if decisions.on(row).readable}
            assert filtered == decided, (persona, model.__name__, sorted(chosen))
        # the audit log's "list" rows (searches without read_every_match) agree too
        listed = policy.readable_query(principal, AuditEntry, action="list")
        filtered = set(await listed.filter(scope[AuditEntry]).values_list("seq", flat=True))
        decided = {row.seq for row in tables[AuditEntry] if decisions.allows("list", row)}
        assert filtered == decided, persona


async def test_the_demo_gives_every_persona_something_to_see(demo):
    """Guards the test above against agreeing on empty sets only."""
    from domain.orders.models import Order

    for persona in ("owner", "staff", "viewer", "token:orders"):
        query = policy.readable_query(demo.principals[persona], Order)
        assert await query.filter(organization_id=demo.org.id).count() == 18
    agent = policy.readable_query(demo.principals["support_agent"], Order)
    assert await agent.count() >= 3  # the granted buyer's orders
