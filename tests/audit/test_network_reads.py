"""Reading the actors' network details (ip, userAgent) of audit entries is itself one entry per
request and person, naming the entries read and exactly the fields read of them, not one entry
per entry read; the person finds it in their own access log."""

from __future__ import annotations

import secrets

from audit.models import AuditEntry
from audit.recorder import Actor, AuditBuffer
from audit.verify import verify_database
from domain.accounts.models import PlatformRole
from tests.support import audit_head, gid, gql_data, make_platform_user, make_user, signed_in

READ = """query($f: AuditFilter) { auditEntries(filter: $f, first: 50) {
  edges { node { seq action %s } } } }"""


async def test_reading_network_details_is_one_entry_naming_the_entries_read(app):
    actor_id = 10**8 + secrets.randbelow(10**8)
    buffer = AuditBuffer(Actor(type="user", id=actor_id, ip="198.51.100.4", user_agent="curl"))
    for n in range(7):
        buffer.note("read", "Customer", n, fields=["email"], subject=f"customer:{n}")
    await buffer.flush()
    reviewer_user, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    condition = {"actorType": "user", "actorId": gid("User", actor_id)}
    async with reviewer:
        start = await audit_head()
        data = await gql_data(reviewer, READ % "ip userAgent", f=condition)
        nodes = [edge["node"] for edge in data["auditEntries"]["edges"]]
        assert len(nodes) == 7 and {n["ip"] for n in nodes} == {"198.51.100.4"}
        after_network = await audit_head()
        await gql_data(reviewer, READ % "", f=condition)
    mine = await AuditEntry.filter(seq__gt=start, actor_id=reviewer_user.id).order_by("seq")
    network = [e for e in mine if e.action == "read" and e.resource_type == "AuditEntry"]
    [entry] = network
    assert entry.seq <= after_network
    assert entry.fields_accessed == ["ip", "user_agent"]
    assert entry.detail == {"ids": sorted(int(n["seq"]) for n in nodes)}
    assert entry.resource_id is None and entry.subject == f"user:{actor_id}"
    assert [e.action for e in mine].count("audit.read") == 2  # each query of the log, once
    report = await verify_database()
    assert report.ok, report.problems


async def test_each_persons_network_details_read_are_their_own_entry(app):
    people = [await make_user(), await make_user()]
    for person in people:
        buffer = AuditBuffer(Actor(type="user", id=person.id, ip="203.0.113.9", user_agent="ua"))
        buffer.note("read", "Product", 1, fields=[])
        await buffer.flush()
    token = AuditBuffer(Actor(type="token", id=people[0].id, ip="203.0.113.10"))
    token.note("read", "Product", 2, fields=[])  # a token whose id is the first person's
    await token.flush()
    reviewer_user, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    query = """query($a: AuditFilter, $b: AuditFilter, $t: AuditFilter) {
      a: auditEntries(filter: $a, first: 5) { edges { node { seq ip } } }
      b: auditEntries(filter: $b, first: 5) { edges { node { seq userAgent } } }
      t: auditEntries(filter: $t, first: 5) { edges { node { seq ip } } } }"""
    first, second = ({"actorId": gid("User", p.id)} for p in people)
    tokens = {"actorType": "token", "actorId": gid("PartnerToken", people[0].id)}
    async with reviewer:
        start = await audit_head()
        data = await gql_data(reviewer, query, a=first, b=second, t=tokens)
    seqs = {k: sorted(int(e["node"]["seq"]) for e in data[k]["edges"]) for k in "abt"}
    assert all(seqs.values()), seqs
    mine = await AuditEntry.filter(
        seq__gt=start, actor_id=reviewer_user.id, resource_type="AuditEntry"
    )
    network = {
        (e.subject, tuple(e.fields_accessed), tuple(e.detail["ids"]))
        for e in mine
        if e.action == "read"
    }
    assert network == {
        (f"user:{people[0].id}", ("ip",), tuple(seqs["a"])),
        (f"user:{people[1].id}", ("user_agent",), tuple(seqs["b"])),
        (None, ("ip",), tuple(seqs["t"])),  # a token's address is no person's
    }
    searches = sorted(
        (e.subject or "", tuple(e.fields_accessed)) for e in mine if e.action == "audit.read"
    )
    assert searches == sorted(
        [
            (f"user:{people[0].id}", ("actor_id",)),  # a search of what one person did
            (f"user:{people[1].id}", ("actor_id",)),
            ("", ("actor_id", "actor_type")),
        ]
    )
    async with await signed_in(app, people[0]) as person:
        log = await gql_data(
            person, "{ viewer { dataAccessLog { nodes { action fields outcome } } } }"
        )
    assert {"action": "read", "fields": ["ip"], "outcome": "allowed"} in log["viewer"][
        "dataAccessLog"
    ]["nodes"]
