"""Partner tokens: created once with a secret, scoped, bounded by the creator's rights."""

from __future__ import annotations

from datetime import timedelta

import httpx

from audit.models import AuditEntry
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import Membership, OrgRole
from domain.accounts.sessions import now
from domain.orders.models import Order
from tests.support import (
    audit_head,
    error_codes,
    gql,
    gql_data,
    product_input,
    seed_product,
    token_secret_part,
    unique,
)

CREATE = """
mutation($input: PartnerTokenCreateInput!) {
  partnerTokenCreate(input: $input) {
    secret token { id prefix scopes createdBy { username } } errors { code field }
  }
}"""
REVOKE = """
mutation($id: ID!) { partnerTokenRevoke(id: $id) { token { revokedAt } errors { code } } }"""
CHANGE = "mutation($p: String!) { passwordChange(newPassword: $p) { ok errors { code } } }"
PRODUCTS = "{ products { totalCount } }"
PRODUCT_CREATE = """
mutation($input: ProductCreateInput!) {
  productCreate(input: $input) { product { sku } errors { code } }
}"""


def bearer(app, secret: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://mandi.test",
        headers={"Authorization": f"Bearer {secret}"},
    )


async def _create(team, role="owner", scopes=("catalog:read",), days=30) -> dict:
    data = await gql_data(
        team.clients[role],
        CREATE,
        input={
            "organizationId": team.org_id,
            "name": "ERP sync",
            "scopes": list(scopes),
            "expiresInDays": days,
        },
    )
    return data["partnerTokenCreate"]


async def test_owner_creates_a_token_and_a_partner_uses_it(app, team):
    payload = await _create(team, scopes=("catalog:read", "catalog:write"))
    assert payload["errors"] == []
    secret = payload["secret"]
    assert secret.startswith("mandi_pt_")
    stored = await PartnerToken.get(prefix=payload["token"]["prefix"])
    assert token_secret_part(secret) not in stored.secret_hash
    async with bearer(app, secret) as partner:
        assert (await gql_data(partner, PRODUCTS))["products"]["totalCount"] == 0
        made = await gql_data(partner, PRODUCT_CREATE, input=product_input(team.org_id))
        assert made["productCreate"]["errors"] == []
        listed = await gql_data(
            team.clients["admin"],
            "query($o: ID!) { partnerTokens(organizationId: $o) { nodes { prefix lastUsedAt } } }",
            o=team.org_id,
        )
        assert listed["partnerTokens"]["nodes"][0]["lastUsedAt"] is not None


async def test_only_owners_and_admins_create_tokens(team):
    for role in ("manager", "staff", "viewer"):
        payload = await _create(team, role=role)
        assert payload["errors"] == [{"code": "FORBIDDEN", "field": None}], role
    assert await PartnerToken.filter(organization_id=team.org.id).count() == 0


async def test_bad_token_requests_are_refused(team):
    assert (await _create(team, scopes=("catalog:read", "root")))["errors"][0]["field"] == "scopes"
    assert (await _create(team, days=400))["errors"][0]["field"] == "expiresInDays"
    assert (await _create(team, scopes=()))["errors"][0]["field"] == "scopes"


async def test_revoked_expired_and_garbage_tokens_get_401(app, team):
    revoked = await _create(team)
    expired = await _create(team)
    data = await gql_data(team.clients["admin"], REVOKE, id=revoked["token"]["id"])
    assert data["partnerTokenRevoke"]["token"]["revokedAt"] is not None
    await PartnerToken.filter(prefix=expired["token"]["prefix"]).update(
        expires_at=now() - timedelta(seconds=1)
    )
    wrong_secret = expired["secret"][:-4] + "AAAA"
    for secret in (revoked["secret"], expired["secret"], wrong_secret, "garbage", "mandi_pt_x_y"):
        async with bearer(app, secret) as partner:
            response = await partner.post("/graphql", json={"query": PRODUCTS})
            assert response.status_code == 401
            assert error_codes(response.json()) == ["UNAUTHENTICATED"]


async def test_a_token_never_outlives_its_creators_rights(app, team):
    payload = await _create(team, role="admin", scopes=("catalog:read", "catalog:write"))
    admin = team.users["admin"]
    async with bearer(app, payload["secret"]) as partner:
        await Membership.filter(user_id=admin.id, organization_id=team.org.id).update(
            role=OrgRole.VIEWER
        )
        demoted = await gql_data(partner, PRODUCT_CREATE, input=product_input(team.org_id))
        assert demoted["productCreate"]["errors"] == [{"code": "FORBIDDEN"}]
        await Membership.filter(user_id=admin.id, organization_id=team.org.id).delete()
        response = await partner.post("/graphql", json={"query": PRODUCTS})
        assert response.status_code == 401


async def test_a_token_cannot_manage_accounts_or_tokens(app, team):
    payload = await _create(team, scopes=("catalog:read",))
    async with bearer(app, payload["secret"]) as partner:
        body = await gql(
            partner,
            CREATE,
            input={
                "organizationId": team.org_id,
                "name": "x",
                "scopes": ["catalog:read"],
            },
        )
        assert body["data"]["partnerTokenCreate"]["errors"][0]["code"] == "FORBIDDEN"
        body = await gql(partner, CHANGE, p="a long new passphrase")
        assert body["data"]["passwordChange"]["errors"] == [{"code": "FORBIDDEN"}]


async def test_token_creation_needs_step_up(team):
    from domain.accounts.models import WebSession

    owner = team.users["owner"]
    await WebSession.filter(user_id=owner.id).update(reauthenticated_at=now() - timedelta(hours=1))
    payload = await _create(team)
    assert payload["errors"] == [{"code": "STEP_UP_REQUIRED", "field": None}]


async def test_revoking_a_token_records_who_revoked_which_token_never_the_secret(team):
    made = await _create(team)
    data = await gql_data(team.clients["admin"], REVOKE, id=made["token"]["id"])
    assert data["partnerTokenRevoke"]["errors"] == []
    stored = await PartnerToken.get(prefix=made["token"]["prefix"])
    entries = await AuditEntry.filter(action="token.revoke", resource_id=str(stored.id))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.actor_type, entry.actor_id) == ("user", team.users["admin"].id)
    assert entry.organization_id == team.org.id
    assert entry.resource_type == "PartnerToken"
    assert entry.detail == {"reason": "partnerTokenRevoke"}
    secret = token_secret_part(made["secret"])
    row = {k: v for k, v in vars(entry).items() if not k.startswith("_")}
    assert secret not in repr(row) and stored.secret_hash not in repr(row)


async def test_a_token_refused_because_the_role_changed_meanwhile_is_a_denied_entry(
    team, monkeypatch
):
    """The creator's role or session ended between the decision and the insert (a removal or
    a password change at the same moment): CONFLICT, no token, and a denied entry."""
    from domain.accounts import tokens
    from domain.errors import Conflict

    async def gone(*_args):
        raise Conflict("your role in this organization just changed; try again", field=None)

    monkeypatch.setattr(tokens, "_still_entitled", gone)
    start = await audit_head()
    payload = await _create(team, role="admin")
    assert payload["errors"] == [{"code": "CONFLICT", "field": None}] and payload["token"] is None
    assert not await PartnerToken.filter(created_by_id=team.users["admin"].id).exists()
    [entry] = await AuditEntry.filter(seq__gt=start, outcome="denied")
    assert (entry.action, entry.resource_type, entry.actor_id) == (
        "manage_tokens",
        "Organization",
        team.users["admin"].id,
    )


async def test_a_write_only_tokens_import_is_applied_and_says_so(app, team):
    """orders:write without orders:read: the order is made, and its answer is FORBIDDEN "applied,
    but you may not read it", not NOT_FOUND (which read as a failed write, and a retry then got
    CONFLICT "already imported")."""
    await seed_product(team.org.id, sku="SKU-1")
    payload = await _create(team, scopes=("orders:write",))
    document = """mutation($input: OrderImportInput!) {
      orderImport(input: $input) { order { id status } errors { code field } } }"""
    given = {
        "organizationId": team.org_id,
        "marketplace": "DIRECT",
        "externalOrderId": unique("W-"),
        "customer": {"name": "Zed"},
        "shippingAddress": {
            "name": "Zed",
            "line1": "1 Main Road",
            "city": "Pune",
            "postalCode": "411001",
            "country": "IN",
        },
        "lines": [{"sku": "SKU-1", "quantity": 1, "unitPrice": "10.00"}],
    }
    async with bearer(app, payload["secret"]) as partner:
        body = await gql(partner, document, input=given)
    assert body["data"]["orderImport"] == {"order": None, "errors": []}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "the change was applied, but you may not read this Order"
    assert error["path"] == ["orderImport", "order"]
    assert await Order.filter(
        organization_id=team.org.id, external_order_id=given["externalOrderId"]
    ).exists()
