"""The witness outside the database: every checkpoint lands there, and history rewritten or cut
off by the tables' owner (triggers off, hashes recomputed, checkpoints deleted) is named by
verify from the witness alone."""

from __future__ import annotations

import asyncio
import os
import stat
from pathlib import Path

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from audit import witness
from audit.chain import GENESIS, entry_hash
from audit.models import AuditCheckpoint, AuditEntry
from audit.recorder import Actor, AuditBuffer
from audit.verify import verify_database
from audit.writer import CHECKPOINT_EVERY, checkpoint_now
from tests.audit.tamper import mark, unguarded
from tests.audit.test_audit_cli import mandi
from tests.faults.servers import Server, free_port
from tests.support import clear_of_checkpoint


async def _entries(count: int) -> list[int]:
    buffer = AuditBuffer(Actor(type="user", id=7, ip="203.0.113.7", request_id="w"))
    for n in range(count):
        buffer.note("read", "Customer", n, fields=["email"], subject=f"customer:{n}")
    await buffer.flush()
    last = await AuditEntry.all().order_by("-seq").first()
    return list(range(last.seq - count + 1, last.seq + 1))


async def _rewrite_from(seq: int) -> None:
    """Change entry ``seq`` and recompute every later link, as an attacker with the tables would."""
    conn = connections.get("default")
    before = await AuditEntry.filter(seq=seq - 1).first()
    prev = before.hash if before else GENESIS
    for row in await AuditEntry.filter(seq__gte=seq).order_by("seq").values():
        if row["seq"] == seq:
            row["outcome"] = "denied" if row["outcome"] != "denied" else "allowed"
        row["prev_hash"] = prev
        row["hash"] = prev = entry_hash(prev, row)
        await conn.execute_query(
            f"UPDATE audit_entry SET outcome = {mark(1)}, prev_hash = {mark(2)}, hash = {mark(3)} "
            f"WHERE seq = {mark(4)}",
            [row["outcome"], row["prev_hash"], row["hash"], row["seq"]],
        )


async def _restore(entries: list[dict], points: list[dict], *, from_seq: int) -> None:
    conn = connections.get("default")
    await conn.execute_query(f"DELETE FROM audit_entry WHERE seq >= {mark(1)}", [from_seq])
    await conn.execute_query("DELETE FROM audit_checkpoint")
    for row in entries:
        await AuditEntry.create(**row)
    for point in points:
        await AuditCheckpoint.create(**point)


async def _saved(from_seq: int) -> tuple[list[dict], list[dict]]:
    entries = await AuditEntry.filter(seq__gte=from_seq).order_by("seq").values()
    return entries, await AuditCheckpoint.all().order_by("id").values()


async def test_checkpoints_are_witnessed_once_committed(backend):
    head = (await _entries(1))[0]
    if short := CHECKPOINT_EVERY - head % CHECKPOINT_EVERY - 1:
        await _entries(short)
    # The next entry is the CHECKPOINT_EVERY-th: inside a transaction it is not witnessed yet.
    boundary = head + short + 1
    buffer = AuditBuffer(Actor(type="system"))
    buffer.note("read", "Customer", 1, fields=["email"])
    async with in_transaction():
        await buffer.flush()
        assert witness.configured().last_seq() < boundary
    await buffer.witness()
    [point] = [p for p in witness.configured().points() if p.seq == boundary]
    assert await AuditCheckpoint.filter(seq=boundary).exists()
    assert len(point.locator) == boundary - point.after
    mode = os.stat(Path(os.environ["MANDI_AUDIT_WITNESS"]) / f"{boundary:016d}.json").st_mode
    assert not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    report = await verify_database()
    assert report.ok and report.witnessed >= 1, report.problems


async def test_a_witness_never_takes_another_head_for_a_seen_checkpoint(backend, tmp_path):
    await _entries(2)
    await checkpoint_now()
    held = witness.configured().points()[-1]
    copy = witness.DirectoryWitness(tmp_path / "w")
    copy.publish(held)
    copy.publish(held)  # the same checkpoint again (two processes racing) is fine
    with pytest.raises(witness.WitnessConflict):
        copy.publish(witness.WitnessedCheckpoint(**{**held.__dict__, "head_hash": "0" * 64}))


async def test_rewritten_history_is_named_from_the_witness_alone(backend):
    # A witnessed checkpoint before this test's entries, whose deletion is reported too (the
    # run's other tests may have made none yet: this one can run first).
    await _entries(1)
    await checkpoint_now()
    # No 1000th entry among them: its checkpoint would be the one named.
    await clear_of_checkpoint(6)
    seqs = await _entries(6)
    await checkpoint_now()
    target = seqs[2]
    entries, points = await _saved(seqs[0])
    async with unguarded():
        await _rewrite_from(target)
        await connections.get("default").execute_query("DELETE FROM audit_checkpoint")
        report = await verify_database()
        await _restore(entries, points, from_seq=seqs[0])
    assert report.problems[0] == (
        f"entry {target}: rewritten (its hash differs from the witnessed checkpoint at entry "
        f"{seqs[-1]})"
    ), report.problems
    assert any("removed from the database (witnessed)" in p for p in report.problems[1:])
    assert (await verify_database()).ok


async def test_cutting_off_the_newest_entries_is_reported_from_the_witness(backend):
    await clear_of_checkpoint(4)  # a 1000th entry among them would be the checkpoint named
    seqs = await _entries(4)
    await checkpoint_now()
    target = seqs[1]
    entries, points = await _saved(seqs[0])
    conn = connections.get("default")
    async with unguarded():
        await conn.execute_query(f"DELETE FROM audit_entry WHERE seq >= {mark(1)}", [target])
        await conn.execute_query(f"DELETE FROM audit_checkpoint WHERE seq >= {mark(1)}", [target])
        report = await verify_database()
        code, out = await mandi(backend, "audit", "verify")
        await _restore(entries, points, from_seq=seqs[0])
    missing = (
        f"entries {target}..{seqs[-1]} are missing (the witness holds a checkpoint at entry "
        f"{seqs[-1]})"
    )
    assert report.problems[0] == missing, report.problems
    assert code == 1 and f"TAMPERED: {missing}" in out, out
    assert (await verify_database()).ok


async def test_the_server_witnesses_the_newest_entries_within_its_interval(backend):
    """Not only every 1000th entry: a running server signs and witnesses the moving head."""
    server = Server(port=free_port(), url=backend.url)
    server.extra_env["MANDI_AUDIT_CHECKPOINT_SECONDS"] = "0.3"
    await server.start()
    try:
        head = (await _entries(3))[-1]
        for _ in range(100):
            if witness.configured().last_seq() >= head:
                break
            await asyncio.sleep(0.1)
    finally:
        await server.stop()
    assert witness.configured().last_seq() >= head
    assert await AuditCheckpoint.filter(seq__gte=head).exists()
    assert (await verify_database()).ok


async def test_a_checkpoint_another_process_witnessed_is_skipped_and_chained_after(
    backend, tmp_path
):
    """The server lists the witness once and then keeps what it knows: a checkpoint another
    process witnessed in the meantime is found (not written again, no conflict) and the next
    one this process writes names it as the one before."""
    # Each round's only checkpoint is the one checkpoint_now makes: no 1000th entry among the
    # three rounds' entries (that would be one more to publish).
    await clear_of_checkpoint(6)
    await _entries(2)
    await checkpoint_now()
    mine = witness.DirectoryWitness(tmp_path / "shared")
    theirs = witness.DirectoryWitness(tmp_path / "shared")
    await witness.publish_pending(mine)
    first = mine.known_seq()
    await _entries(2)
    await checkpoint_now()
    assert await witness.publish_pending(theirs) == 1  # the other process is first
    second = theirs.last_seq()
    assert second > first and mine.known_seq() == first  # this process has not looked again
    await _entries(2)
    await checkpoint_now()
    assert await witness.publish_pending(mine) == 1  # only the newest: theirs is skipped
    points = {p.seq: p for p in mine.points()}
    newest = max(points)
    assert points[newest].after == second
    assert len(points[newest].locator) == newest - second
    assert mine.known_seq() == newest
