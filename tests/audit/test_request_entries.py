"""What a request leaves in the audit log: one INSERT, who, what, never a value."""

from __future__ import annotations

from audit.models import AuditEntry
from domain import db
from tests.support import audit_head, client_for, gql_data, make_user

PASSWORD = "a long passphrase of mine"
SIGN_IN = """
mutation($u: String!, $p: String!) {
  sessionCreate(input: {username: $u, password: $p}) { user { username } errors { code } }
}"""
ORG_UPDATE = """
mutation($input: OrganizationUpdateInput!) {
  organizationUpdate(input: $input) { organization { city } errors { code } }
}"""


async def _entries_after(seq: int) -> list[AuditEntry]:
    return await AuditEntry.filter(seq__gt=seq).order_by("seq")


async def test_sign_in_writes_its_entries_in_one_insert(app):
    user = await make_user(password=PASSWORD)
    start = await audit_head()
    async with client_for(app, None) as client:
        with db.count_statements(keep_sql=True) as counted:
            await gql_data(client, SIGN_IN, u=user.username, p=PASSWORD)
        inserts = [sql for sql in counted.sql if sql.startswith("INSERT INTO audit_entry")]
        assert len(inserts) == 1
        await gql_data(client, SIGN_IN, u=user.username, p="wrong password!!")
    entries = await _entries_after(start)
    by_action = {(e.action, e.outcome) for e in entries}
    assert ("login", "allowed") in by_action
    assert ("session.create", "allowed") in by_action
    assert ("login", "denied") in by_action
    for entry in entries:
        assert entry.subject == f"user:{user.id}"
        assert entry.request_id and entry.ip
        assert (
            PASSWORD not in entry.model_dump_json() if hasattr(entry, "model_dump_json") else True
        )
    login = next(e for e in entries if e.action == "login" and e.outcome == "allowed")
    assert login.actor_type == "user" and login.actor_id == user.id


async def test_personal_writes_name_fields_never_values(team):
    start = await audit_head()
    secret_city = "Zanskar-Valley-Unique"
    data = await gql_data(
        team.clients["owner"],
        ORG_UPDATE,
        input={"id": team.org_id, "city": secret_city, "tradeName": "Shop"},
    )
    assert data["organizationUpdate"]["errors"] == []
    entries = await _entries_after(start)
    update = next(e for e in entries if e.action == "update")
    assert update.resource_type == "Organization"
    assert update.fields_accessed == ["city"]
    assert update.organization_id == team.org.id
    for entry in entries:
        values = [str(getattr(entry, name)) for name in entry._meta.fields_map]
        assert not any(secret_city in value for value in values)


async def test_a_mutation_and_its_entries_commit_together(team, monkeypatch):
    """A failed audit write rolls the mutation back and returns no data."""

    async def broken(entries):
        raise OSError("disk full")

    monkeypatch.setattr("audit.recorder.append", broken)
    response = await team.clients["owner"].post(
        "/graphql",
        json={"query": ORG_UPDATE, "variables": {"input": {"id": team.org_id, "city": "Leh"}}},
    )
    assert response.status_code == 503 and response.headers["retry-after"]
    body = response.json()
    body.pop("extensions", None)  # the query cost
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "the audit log could not be written; nothing was returned or changed",
                "extensions": {
                    "code": "AUDIT_UNAVAILABLE",
                    "requestId": response.headers["x-request-id"],
                },
            }
        ],
    }
    await team.org.refresh_from_db()
    assert team.org.city is None


async def test_role_changes_are_audited(team):
    newcomer = await make_user()
    grant = """mutation($input: OrganizationRoleGrantInput!) {
      organizationRoleGrant(input: $input) { member { role } errors { code } } }"""
    start = await audit_head()
    data = await gql_data(
        team.clients["owner"],
        grant,
        input={"organizationId": team.org_id, "username": newcomer.username, "role": "STAFF"},
    )
    assert data["organizationRoleGrant"]["errors"] == []
    entry = next(e for e in await _entries_after(start) if e.action == "role.grant")
    assert entry.subject == f"user:{newcomer.id}"
    assert entry.fields_accessed == ["staff"]
    assert entry.actor_id == team.users["owner"].id
    assert entry.organization_id == team.org.id
