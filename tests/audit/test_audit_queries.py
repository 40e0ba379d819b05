"""Reviewers reconstruct every access to a person's data; others see only what they may."""

from __future__ import annotations

from api import ids
from audit.recorder import Actor, AuditBuffer
from domain.accounts.models import PlatformRole
from domain.orders.services import AddressInput, BuyerInput, LineInput, import_order
from tests.support import error_codes, gid, gql, gql_data, make_platform_user, make_team, unique

ORDERS = "{ orders(first: 5) { edges { node { id shippingName customer { email } } } } }"
AUDIT = """
query($f: AuditFilter) {
  auditEntries(filter: $f, first: 50) {
    totalCount
    edges { node { seq actorType actorId action resourceType fields subject outcome ip } }
  }
}"""


async def _order_with_buyer(team):
    from decimal import Decimal

    from domain.catalog.services import create_product

    await create_product(
        organization_id=team.org.id,
        sku="A-1",
        title="Tea",
        price=Decimal("10"),
        hsn_code="0902",
        gst_rate=Decimal("5"),
    )
    email = f"{unique('b')}@example.test"
    return (
        await import_order(
            organization_id=team.org.id,
            marketplace="amazon",
            external_order_id=unique("E"),
            buyer=BuyerInput(name="Buyer Person", email=email),
            shipping=AddressInput(
                name="Buyer Person", line1="1 Road", city="Pune", postal_code="411001", country="IN"
            ),
            lines=[LineInput(sku="A-1", quantity=1, unit_price=Decimal("10"))],
        )
    ).order


async def test_a_reviewer_reconstructs_every_access_to_a_customer(app, team):
    order = await _order_with_buyer(team)
    subject = gid("Customer", order.customer_id)
    await gql_data(team.clients["manager"], ORDERS)
    staff_view = await gql(team.clients["staff"], ORDERS)
    viewer_view = await gql(team.clients["viewer"], ORDERS)
    assert "FORBIDDEN" in error_codes(viewer_view)

    _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    async with reviewer:
        data = await gql_data(reviewer, AUDIT, f={"subject": subject})
    entries = [e["node"] for e in data["auditEntries"]["edges"]]
    by_actor = {}
    for entry in entries:
        by_actor.setdefault((entry["actorId"], entry["outcome"]), set()).update(entry["fields"])
        assert entry["subject"] == subject and entry["ip"]
    manager, staff, viewer = (gid("User", team.users[r].id) for r in ("manager", "staff", "viewer"))
    assert {"email", "shipping_name"} <= by_actor[(manager, "allowed")]
    assert "shipping_name" in by_actor[(staff, "allowed")], staff_view
    assert {"email", "shipping_name"} <= by_actor[(viewer, "denied")]
    assert not any("example.test" in str(e) for e in entries)


async def test_owners_see_their_organization_only_and_no_actor_addresses(app, team):
    await _order_with_buyer(team)
    await gql_data(team.clients["manager"], ORDERS)
    other = await make_team(app)
    try:
        await gql_data(other.clients["manager"], "{ products { totalCount } }")
        body = await gql(team.clients["owner"], AUDIT, f={})
        nodes = [e["node"] for e in body["data"]["auditEntries"]["edges"]]
        assert nodes and all(n["ip"] is None for n in nodes)
        assert set(error_codes(body)) == {"FORBIDDEN"}
        org_filter = {"organizationId": other.org_id}
        mine_only = await gql(team.clients["owner"], AUDIT, f=org_filter)
        assert mine_only["data"]["auditEntries"]["totalCount"] == 0
    finally:
        await other.close()


async def test_members_without_rights_may_not_search(team):
    for role in ("admin", "manager", "staff", "viewer"):
        body = await gql(team.clients[role], AUDIT, f={})
        assert error_codes(body) == ["FORBIDDEN"], role


async def test_privacy_officers_search_by_subject_and_reads_are_audited(app, team):
    order = await _order_with_buyer(team)
    subject = gid("Customer", order.customer_id)
    await gql_data(team.clients["manager"], ORDERS)
    officer_user, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    async with officer:
        body = await gql(officer, AUDIT, f={})
        assert error_codes(body) == ["FORBIDDEN"]
        data = await gql_data(
            officer,
            "query($f: AuditFilter) { auditEntries(filter: $f) { edges { node { subject } } } }",
            f={"subject": subject},
        )
        assert data["auditEntries"]["edges"]
        _, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
        async with reviewer:
            reads = await gql_data(
                reviewer, AUDIT, f={"action": "audit.read", "actorId": gid("User", officer_user.id)}
            )
    fields = [e["node"]["fields"] for e in reads["auditEntries"]["edges"]]
    assert ["subject"] in fields


async def test_a_person_sees_who_accessed_their_data(team):
    owner = team.users["owner"]
    buffer = AuditBuffer(Actor(type="user", id=team.users["admin"].id, ip="198.51.100.7"))
    buffer.note(
        "read",
        "User",
        owner.id,
        fields=["email"],
        subject=f"user:{owner.id}",
        organization_id=team.org.id,
        justification=None,
    )
    await buffer.flush()
    query = """{ viewer { dataAccessLog {
      nodes { actorKind action fields organizationName outcome } } } }"""
    data = await gql_data(team.clients["owner"], query)
    log = data["viewer"]["dataAccessLog"]["nodes"]
    assert log[0] == {
        "actorKind": "person",
        "action": "read",
        "fields": ["email"],
        "organizationName": team.org.legal_name,
        "outcome": "allowed",
    }
    assert all("session" not in e["action"] for e in log), "own actions are not listed"
    assert ids.encode("Organization", team.org.id)


async def test_two_searches_in_one_request_are_two_entries(app, team):
    """Two subjects searched in one request (aliases) each leave their own audit.read, so each
    person's access log shows the search of their data."""
    from audit.models import AuditEntry
    from tests.support import seed_order, seed_product

    await seed_product(team.org.id, "T-1")
    first = await seed_order(team.org.id, [("T-1", 1, "1.00")])
    second = await seed_order(team.org.id, [("T-1", 1, "1.00")])
    subjects = [gid("Customer", first.customer_id), gid("Customer", second.customer_id)]
    officer_user, officer = await make_platform_user(app, PlatformRole.PRIVACY_OFFICER)
    async with officer:
        await gql_data(
            officer,
            """query($x: ID!, $y: ID!) { a: auditEntries(filter: {subject: $x}) { totalCount }
              b: auditEntries(filter: {subject: $y}) { totalCount } }""",
            x=subjects[0],
            y=subjects[1],
        )
    reads = await AuditEntry.filter(action="audit.read", actor_id=officer_user.id)
    assert sorted(e.subject for e in reads) == sorted(
        [f"customer:{first.customer_id}", f"customer:{second.customer_id}"]
    )
