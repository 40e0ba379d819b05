"""Writes go through the guard and name exactly the fields they wrote; reads under an access grant
carry its justification to the data subject."""

from __future__ import annotations

import httpx

from audit.models import AuditEntry
from domain.accounts import tokens
from domain.accounts.models import PlatformRole, User
from domain.orders.models import CustomerAddress
from tests.support import audit_head, gid, gql_data, make_platform_user, seed_order, seed_product

IMPORT = """mutation($input: OrderImportInput!) {
  orderImport(input: $input) { order { id } errors { code field } } }"""
TICKET = """mutation($input: TicketOpenInput!) {
  ticketOpen(input: $input) { ticket { id } errors { code } } }"""


def _order_input(team, email: str | None, external: str, **shipping) -> dict:
    buyer = {"name": "Asha Rao", **({"email": email} if email else {})}
    return {
        "organizationId": team.org_id,
        "marketplace": "AMAZON",
        "externalOrderId": external,
        "customer": buyer,
        "shippingAddress": {
            "name": "Asha Rao",
            "line1": "9 Lake View",
            "city": "Kochi",
            "postalCode": "682001",
            "country": "IN",
            **shipping,
        },
        "lines": [{"sku": "SKU-W", "quantity": 1, "unitPrice": "10.00"}],
    }


async def _token(app, team, scopes: list[str]) -> httpx.AsyncClient:
    issued = await tokens.issue(
        organization_id=team.org.id,
        creator=await User.get(id=team.users["owner"].id),
        name="shop sync",
        scopes=scopes,
        known_scopes=set(scopes),
        days=1,
    )
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {issued.secret}"},
    )


async def test_an_import_records_exactly_the_fields_it_wrote(team):
    await seed_product(team.org.id, "SKU-W")
    start = await audit_head()
    body = await gql_data(
        team.clients["manager"], IMPORT, input=_order_input(team, "asha@example.test", "W-1")
    )
    assert body["orderImport"]["errors"] == []
    writes = {
        e.resource_type: e.fields_accessed
        for e in await AuditEntry.filter(seq__gt=start, action="create")
    }
    assert writes["Order"] == [
        "shipping_city",
        "shipping_country",
        "shipping_line1",
        "shipping_name",
        "shipping_postal_code",
    ]
    assert writes["Customer"] == ["email", "name"]
    assert writes["CustomerAddress"] == ["city", "country", "line1", "postal_code"]


async def test_a_token_without_buyer_contact_cannot_learn_or_extend_a_buyer(app, team):
    await seed_product(team.org.id, "SKU-W")
    known = await seed_order(team.org.id, [("SKU-W", 1, "10.00")], email="known@example.test")
    addresses = await CustomerAddress.filter(customer_id=known.customer_id).count()
    async with await _token(app, team, ["orders:write", "orders:read"]) as partner:
        answers = [
            await gql_data(partner, IMPORT, input=_order_input(team, email, f"T-{n}"))
            for n, email in enumerate(["known@example.test", "nobody@example.test"])
        ]
        # the same answer whether the buyer exists or not, and nothing merged into them
        assert answers[0] == answers[1]
        assert answers[0]["orderImport"]["errors"] == [{"code": "FORBIDDEN", "field": "email"}]
        assert await CustomerAddress.filter(customer_id=known.customer_id).count() == addresses
        # without an email nothing is looked up: a new buyer is created
        fresh = await gql_data(partner, IMPORT, input=_order_input(team, None, "T-3"))
        assert fresh["orderImport"]["errors"] == []
    async with await _token(
        app, team, ["orders:write", "orders:read", "orders.buyer_contact:read"]
    ) as full:
        merged = await gql_data(full, IMPORT, input=_order_input(team, "known@example.test", "T-4"))
        assert merged["orderImport"]["errors"] == []
    assert await CustomerAddress.filter(customer_id=known.customer_id).count() == addresses + 1


async def test_opening_a_ticket_records_its_first_message(team):
    start = await audit_head()
    body = await gql_data(
        team.clients["staff"],
        TICKET,
        input={"organizationId": team.org_id, "subject": "Payout", "body": "When is my payout?"},
    )
    assert body["ticketOpen"]["errors"] == []
    writes = {
        e.resource_type: e.fields_accessed
        for e in await AuditEntry.filter(seq__gt=start, action="create")
    }
    assert writes == {"Ticket": ["subject"], "TicketMessage": ["body"]}


GRANT = """mutation($input: AccessGrantCreateInput!) {
  accessGrantCreate(input: $input) { errors { code } } }"""


async def test_reads_under_a_grant_carry_its_justification(app, team):
    why = "ticket 5150: the buyer asks where the parcel is"
    await seed_product(team.org.id, "SKU-W")
    order = await seed_order(team.org.id, [("SKU-W", 1, "10.00")])
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    async with agent:
        subject = {"subjectKind": "CUSTOMER", "subjectId": gid("Customer", order.customer_id)}
        made = await gql_data(agent, GRANT, input={**subject, "justification": why})
        assert made["accessGrantCreate"]["errors"] == []
        start = await audit_head()
        data = await gql_data(
            agent,
            "query($id: ID!) { order(id: $id) { shippingName customer { email } } }",
            id=gid("Order", order.id),
        )
        assert data["order"]["customer"]["email"] is not None
    reads = await AuditEntry.filter(seq__gt=start, action="read").order_by("seq")
    assert {e.resource_type for e in reads} == {"Order", "Customer"}
    assert {e.justification for e in reads} == {why}


async def test_a_person_sees_support_access_as_support_and_why(app, team):
    why = "ticket 5151: the owner cannot sign in and asked us to check their account"
    owner = team.users["owner"]
    _, agent = await make_platform_user(app, PlatformRole.SUPPORT_AGENT)
    async with agent:
        subject = {"subjectKind": "USER", "subjectId": gid("User", owner.id)}
        made = await gql_data(agent, GRANT, input={**subject, "justification": why})
        assert made["accessGrantCreate"]["errors"] == []
    query = "{ viewer { dataAccessLog { nodes { actorKind actorRole action purpose } } } }"
    log = (await gql_data(team.clients["owner"], query))["viewer"]["dataAccessLog"]["nodes"]
    assert {
        "actorKind": "person",
        "actorRole": "support",
        "action": "access_grant.create",
        "purpose": why,
    } in log
