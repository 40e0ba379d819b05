"""``mandi audit ...`` against the test database, as an operator would run it."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from audit.models import AuditEntry
from audit.recorder import SYSTEM, record
from audit.writer import CHECKPOINT_EVERY

MANDI = str(Path(sys.executable).with_name("mandi"))


async def mandi(backend, *args: str) -> tuple[int, str]:
    env = {**os.environ, "DATABASE_URL": backend.url}
    process = await asyncio.create_subprocess_exec(
        MANDI,
        *args,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await process.communicate()
    return process.returncode, out.decode()


async def test_verify_export_and_verify_offline(backend, tmp_path):
    await record(SYSTEM, "test.cli", "Nothing")
    if (await AuditEntry.all().order_by("-seq").first()).seq % CHECKPOINT_EVERY == 0:
        await record(SYSTEM, "test.cli", "Nothing")  # that one was checkpointed as it was written
    code, out = await mandi(backend, "audit", "checkpoint")
    assert code == 0 and "signed head" in out
    code, out = await mandi(backend, "audit", "verify")
    assert code == 0 and "chain verifies" in out, out

    path = tmp_path / "audit.jsonl"
    now = datetime.now(UTC)
    code, out = await mandi(
        backend,
        "audit",
        "export",
        "--since",
        (now - timedelta(hours=1)).isoformat(),
        "--until",
        (now + timedelta(hours=1)).isoformat(),
        "--out",
        str(path),
    )
    assert code == 0 and "exported" in out, out
    code, key = await mandi(backend, "audit", "public-key")
    code, out = await mandi(backend, "audit", "verify", "--file", str(path), f"--public-key={key}")
    assert code == 0 and "chain verifies" in out, out

    lines = path.read_text().splitlines()
    tampered = tmp_path / "tampered.jsonl"
    tampered.write_text("\n".join(line.replace('"allowed"', '"denied"', 1) for line in lines))
    code, out = await mandi(backend, "audit", "verify", "--file", str(tampered))
    assert code == 1 and "TAMPERED: entry" in out, out


async def _export_this_hour(backend, tmp_path):
    """``mandi audit export`` of the hour around now, into ``tmp_path/audit.jsonl``."""
    path = tmp_path / "audit.jsonl"
    now = datetime.now(UTC)
    since, until = (now - timedelta(hours=1)).isoformat(), (now + timedelta(hours=1)).isoformat()
    code, _ = await mandi(
        backend, "audit", "export", "--since", since, "--until", until, "--out", str(path)
    )
    assert code == 0
    return path


async def test_verifying_a_file_that_is_no_export_says_so_without_a_traceback(backend, tmp_path):
    await record(SYSTEM, "test.cli", "Nothing")
    path = await _export_this_hour(backend, tmp_path)
    lines = path.read_text().splitlines()
    entry = next(
        i for i, line in enumerate(lines) if '"type": "entry"' in line or '"entry"' in line
    )
    broken = {
        "missing.jsonl": None,
        "not-json.jsonl": [*lines[:entry], "{not json", *lines[entry:]],
        "bad-moment.jsonl": [
            *lines[:entry],
            lines[entry].replace('"occurred_at": "', '"occurred_at": 12345, "x": "', 1),
            *lines[entry + 1 :],
        ],
        "no-seq.jsonl": [*lines[:entry], lines[entry].replace('"seq"', '"qes"', 1)],
        "no-moment.jsonl": [*lines[:entry], lines[entry].replace('"occurred_at"', '"x"', 1)],
        "empty.jsonl": [],
        "no-header.jsonl": [line for line in lines if '"header"' not in line],
        "deep.jsonl": ["[" * 100_000],
        "renamed.jsonl": [line.replace('"type": "entry"', '"type": "Entry"') for line in lines],
    }
    checkpoint = next((i for i, line in enumerate(lines) if '"checkpoint"' in line), None)
    if checkpoint is not None:  # an export within a checkpoint's reach carries it
        broken["bad-checkpoint.jsonl"] = [
            *lines[:checkpoint],
            lines[checkpoint].replace('"seq": ', '"seq": "1', 1),
            *lines[checkpoint + 1 :],
        ]
    for name, content in broken.items():
        target = tmp_path / name
        if content is not None:
            target.write_text("\n".join(content))
        code, out = await mandi(backend, "audit", "verify", "--file", str(target))
        assert code == 1, (name, out)
        assert "Traceback" not in out and "TAMPERED:" in out, (name, out)
        assert "chain does NOT verify" in out, (name, out)


async def test_verify_refuses_a_malformed_head_or_key_as_usage(backend):
    flags = ("--head=garbage", "--head=5:abc", f"--head=\u0663:{'a' * 64}", "--public-key=zz")
    for flag in (*flags, "--witness=/nonexistent"):
        code, out = await mandi(backend, "audit", "verify", flag)
        assert code == 2 and "Traceback" not in out, (flag, out)


async def test_an_export_stripped_of_its_checkpoints_or_cut_does_not_verify(backend, tmp_path):
    """Without a signed checkpoint nothing in a file is authenticated (a rewritten file would
    chain as well); a file cut at either end no longer matches its header."""
    await record(SYSTEM, "test.cli", "Nothing")
    await record(SYSTEM, "test.cli", "Nothing")
    code, _ = await mandi(backend, "audit", "checkpoint")
    path = await _export_this_hour(backend, tmp_path)
    code, out = await mandi(backend, "audit", "verify", "--file", str(path))
    assert code == 0 and "chain verifies" in out, out
    lines = path.read_text().splitlines()
    stripped = tmp_path / "stripped.jsonl"
    stripped.write_text("\n".join(line for line in lines if '"checkpoint"' not in line))
    code, out = await mandi(backend, "audit", "verify", "--file", str(stripped))
    assert code == 1 and "no signed checkpoint" in out, out
    header, *rest = lines
    entries = [line for line in rest if '"entry"' in line]
    cut = tmp_path / "cut.jsonl"
    shorter = json.loads(header) | {"entries": len(entries) - 1}
    cut.write_text("\n".join([json.dumps(shorter), *rest[1:]]))
    code, out = await mandi(backend, "audit", "verify", "--file", str(cut))
    assert code == 1 and "export says entries" in out, out
    code, out = await mandi(
        backend, "audit", "verify", "--file", str(path), "--head", f"1:{'a' * 64}"
    )
    assert code == 2, out
    empty = tmp_path / "no-witness"
    empty.mkdir()
    code, out = await mandi(backend, "audit", "verify", "--witness", str(empty))
    assert code == 1 and "holds no witnessed checkpoint" in out, out
