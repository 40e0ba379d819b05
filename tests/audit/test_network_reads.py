"""Reading the actors' network details (ip, userAgent) of audit entries is itself one entry per
request, naming every entry read, not one entry per entry read."""

from __future__ import annotations

import secrets

from audit.models import AuditEntry
from audit.recorder import Actor, AuditBuffer
from audit.verify import verify_database
from domain.accounts.models import PlatformRole
from tests.support import gid, gql_data, make_platform_user

READ = """query($f: AuditFilter) { auditEntries(filter: $f, first: 50) {
  edges { node { seq action %s } } } }"""


async def _head() -> int:
    last = await AuditEntry.all().order_by("-seq").first()
    return last.seq if last else 0


async def test_reading_network_details_is_one_entry_naming_the_entries_read(app):
    actor_id = 10**8 + secrets.randbelow(10**8)
    buffer = AuditBuffer(Actor(type="user", id=actor_id, ip="198.51.100.4", user_agent="curl"))
    for n in range(7):
        buffer.note("read", "Customer", n, fields=["email"], subject=f"customer:{n}")
    await buffer.flush()
    reviewer_user, reviewer = await make_platform_user(app, PlatformRole.SECURITY_REVIEWER)
    condition = {"actorType": "user", "actorId": gid("User", actor_id)}
    async with reviewer:
        start = await _head()
        data = await gql_data(reviewer, READ % "ip userAgent", f=condition)
        nodes = [edge["node"] for edge in data["auditEntries"]["edges"]]
        assert len(nodes) == 7 and {n["ip"] for n in nodes} == {"198.51.100.4"}
        after_network = await _head()
        await gql_data(reviewer, READ % "", f=condition)
    mine = await AuditEntry.filter(seq__gt=start, actor_id=reviewer_user.id).order_by("seq")
    network = [e for e in mine if e.action == "read" and e.resource_type == "AuditEntry"]
    [entry] = network
    assert entry.seq <= after_network
    assert entry.fields_accessed == ["ip", "user_agent"]
    assert entry.detail == {"ids": sorted(int(n["seq"]) for n in nodes)}
    assert entry.resource_id is None and entry.subject is None
    assert [e.action for e in mine].count("audit.read") == 2  # each query of the log, once
    report = await verify_database()
    assert report.ok, report.problems
