"""Every kind of tampering is caught by verify, in the database and in an export."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest_asyncio
from tortoise import connections

from audit.chain import GENESIS, entry_hash
from audit.export import export
from audit.models import AuditEntry
from audit.recorder import Actor, AuditBuffer
from audit.verify import verify_database, verify_file
from audit.writer import checkpoint_now
from tests.audit.tamper import mark, triggers_dropped
from tests.support import clear_of_checkpoint


@pytest_asyncio.fixture
async def entries(backend) -> list[int]:
    """Five fresh entries at the head of a verifying log, past its newest checkpoint (none of
    them a 1000th entry, which would be signed as it is written)."""
    await clear_of_checkpoint(5)
    buffer = AuditBuffer(Actor(type="user", id=1, ip="203.0.113.9", request_id="t"))
    for n in range(5):
        buffer.note("read", "Customer", n, fields=["email"], subject=f"customer:{n}")
    await buffer.flush()
    report = await verify_database()
    assert report.ok, report.problems
    return [r.seq for r in await AuditEntry.all().order_by("-seq").limit(5)][::-1]


async def test_a_modified_entry_is_named(entries):
    target = entries[2]
    conn = connections.get("default")
    async with triggers_dropped():
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = 'denied' WHERE seq = {mark(1)}", [target]
        )
        report = await verify_database()
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = 'allowed' WHERE seq = {mark(1)}", [target]
        )
    assert report.problems == [f"entry {target}: content does not match its hash"]
    assert (await verify_database()).ok


async def test_a_deleted_entry_is_named(entries):
    target = entries[1]
    saved = await AuditEntry.get(seq=target)
    conn = connections.get("default")
    async with triggers_dropped():
        await conn.execute_query(f"DELETE FROM audit_entry WHERE seq = {mark(1)}", [target])
        report = await verify_database()
        await AuditEntry.create(**{f: getattr(saved, f) for f in saved._meta.fields_map})
    assert report.problems == [f"entry {target}: removed (found {target + 1})"]
    assert (await verify_database()).ok


async def test_removing_the_newest_entries_shows_against_a_kept_head(entries):
    head = await AuditEntry.get(seq=entries[-1])
    report = await verify_database(expected_head=(head.seq + 3, "f" * 64))
    assert report.problems == [
        f"entries {head.seq + 1}..{head.seq + 3} are missing (head was {head.seq + 3})"
    ]


async def test_head_zero_is_the_empty_log_and_holds_only_its_hash(entries):
    """A head kept before the first entry is 0 with the chain's start hash; any other hash at 0
    is no head this log ever had."""
    assert (await verify_database(expected_head=(0, GENESIS))).ok
    report = await verify_database(expected_head=(0, "f" * 64))
    assert report.problems == [f"head 0 is the empty log, whose hash is {GENESIS[:8]}..."]


async def test_a_rewritten_newest_entry_shows_against_a_kept_head(entries):
    """The newest entries, past the last checkpoint, rewritten with their hashes recomputed:
    only a head kept elsewhere (``mandi audit verify --head SEQ:HASH``) can tell."""
    head = await AuditEntry.get(seq=entries[-1])
    kept = (head.seq, head.hash)
    assert (await verify_database(expected_head=kept)).ok
    fields = {name: getattr(head, name) for name in head._meta.fields_map}
    rewritten = {**fields, "outcome": "denied" if head.outcome == "allowed" else "allowed"}
    new_hash = entry_hash(head.prev_hash, rewritten)
    conn = connections.get("default")
    async with triggers_dropped():
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = {mark(1)}, hash = {mark(2)} WHERE seq = {mark(3)}",
            [rewritten["outcome"], new_hash, head.seq],
        )
        unpinned, pinned = await verify_database(), await verify_database(expected_head=kept)
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = {mark(1)}, hash = {mark(2)} WHERE seq = {mark(3)}",
            [head.outcome, head.hash, head.seq],
        )
    assert unpinned.ok, unpinned.problems  # nothing signed covers it yet
    assert pinned.problems == [f"entry {head.seq}: its hash differs from the head kept earlier"]


async def _exported(tmp_path, entries) -> list[dict]:
    await checkpoint_now()
    path = tmp_path / "export.jsonl"
    now = datetime.now(UTC)
    with path.open("w") as handle:
        await export(handle, since=now - timedelta(minutes=5), until=now + timedelta(minutes=5))
    report = verify_file(str(path))
    assert report.ok, report.problems
    return [json.loads(line) for line in path.read_text().splitlines()]


def _write(tmp_path, records: list[dict]) -> str:
    path = tmp_path / "tampered.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return str(path)


def _entry_index(records: list[dict], seq: int) -> int:
    return next(i for i, r in enumerate(records) if r.get("seq") == seq and r["type"] == "entry")


async def test_export_tampering_is_caught(tmp_path, entries):
    records = await _exported(tmp_path, entries)
    a, b = entries[1], entries[2]

    modified = [dict(r) for r in records]
    modified[_entry_index(modified, a)]["fields_accessed"] = ["email", "phone"]
    assert verify_file(_write(tmp_path, modified)).problems[0] == (
        f"entry {a}: content does not match its hash"
    )

    deleted = [r for r in records if not (r["type"] == "entry" and r["seq"] == a)]
    assert verify_file(_write(tmp_path, deleted)).problems[0] == f"entry {a}: removed (found {b})"

    reordered = list(records)
    i, j = _entry_index(records, a), _entry_index(records, b)
    reordered[i], reordered[j] = reordered[j], reordered[i]
    assert verify_file(_write(tmp_path, reordered)).problems[0].startswith(f"entry {a}:")

    inserted = list(records)
    forged = dict(records[i], action="read", resource_id="999")
    inserted.insert(j, forged)
    assert not verify_file(_write(tmp_path, inserted)).ok


async def test_a_rewritten_chain_fails_its_signed_checkpoint(tmp_path, entries):
    """An attacker who inserts an entry and recomputes every later hash still cannot re-sign."""
    records = await _exported(tmp_path, entries)
    chain = [r for r in records if r["type"] == "entry"]
    at = _entry_index(records, entries[2])
    forged = dict(records[at], resource_id="forged")
    rewritten = [r for r in records if r["type"] != "entry"]
    new_entries = [*chain[: chain.index(records[at])], forged, *chain[chain.index(records[at]) :]]
    prev = new_entries[0]["prev_hash"]
    first_seq = new_entries[0]["seq"]
    for n, entry in enumerate(new_entries):
        entry = dict(entry, seq=first_seq + n, prev_hash=prev)
        entry["occurred_at"] = datetime.fromisoformat(entry["occurred_at"])
        entry["hash"] = prev = entry_hash(prev, entry)
        entry["occurred_at"] = entry["occurred_at"].isoformat(timespec="microseconds")
        new_entries[n] = entry
    header, *others = rewritten
    header = dict(header, entries=header["entries"] + 1)
    report = verify_file(_write(tmp_path, [header, *new_entries, *others]))
    assert any("checkpoint" in problem for problem in report.problems), report.problems


async def test_a_changed_or_added_detail_is_named(entries):
    """``detail`` is chained when set: adding one, or changing one, fails the entry's hash."""
    buffer = AuditBuffer(Actor(type="anonymous", ip="203.0.113.9"))
    buffer.note("token.rejected.repeated", "PartnerToken", detail={"count": 7, "minute": "x"})
    await buffer.flush()
    summary = await AuditEntry.all().order_by("-seq").first()
    assert (await verify_database()).ok
    conn = connections.get("default")
    cast = "::jsonb" if conn.capabilities.dialect == "postgres" else ""
    for seq, forged in ((summary.seq, '{"count": 1, "minute": "x"}'), (entries[0], '{"a": 1}')):
        async with triggers_dropped():
            original = (await AuditEntry.get(seq=seq)).detail
            await conn.execute_query(
                f"UPDATE audit_entry SET detail = {mark(1)}{cast} WHERE seq = {mark(2)}",
                [forged, seq],
            )
            report = await verify_database()
            await conn.execute_query(
                f"UPDATE audit_entry SET detail = {mark(1)}{cast} WHERE seq = {mark(2)}",
                [None if original is None else json.dumps(original), seq],
            )
        assert report.problems == [f"entry {seq}: content does not match its hash"]
    assert (await verify_database()).ok
