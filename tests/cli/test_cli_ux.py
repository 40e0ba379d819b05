"""The ``mandi`` command as a script and a person meet it: ``--version``, quiet output, one-line
errors (no traceback) for a database that is not migrated or cannot be reached, and progress
bars on stderr only (when stderr is a terminal, or with ``--progress``).

Each test runs the console script in a process of its own against a fresh, empty database of
the backend under test."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

import pytest

from domain.demo import SEED_STEPS
from tests.fresh_db import empty_database_env

MANDI = str(Path(sys.executable).parent / "mandi")


@pytest.fixture
def env(backend, tmp_path) -> Iterator[dict[str, str]]:
    with empty_database_env(backend, tmp_path) as environment:
        yield environment


def _run(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own console script
        [MANDI, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def _ok(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    done = _run(env, *args)
    assert done.returncode == 0, done.stderr
    return done


def test_version_comes_from_the_package_metadata():
    done = subprocess.run(  # noqa: S603 - our own console script
        [MANDI, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0
    assert done.stdout == f"mandi {metadata.version('mandi')}\n"


@pytest.mark.parametrize(
    "command",
    [
        ["seed-demo"],
        ["create-admin", "root", "root@example.com"],
        ["audit", "verify"],
        ["audit", "export", "--since", "2020-01-01", "--until", "2030-01-01", "--out", "x.jsonl"],
        ["audit", "checkpoint"],
        ["worker", "--once"],
        ["serve"],
    ],
    ids=lambda command: "-".join(command[:2]),
)
def test_a_database_not_migrated_is_named_in_one_line(env, tmp_path, command):
    env["MANDI_ADMIN_PASSWORD"] = "a long enough password 1"
    done = _run(env, *command, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: the database ")
    assert "is not migrated" in lines[0] and "run `mandi migrate` first" in lines[0]
    assert "Traceback" not in done.stdout + done.stderr


def test_a_partly_migrated_database_is_not_migrated_either(env, backend):
    """One migration short (the newest one forgotten from the record) still counts."""
    _ok(env, "migrate")
    newest = sorted(p.stem for p in Path("migrations").glob("0*.py"))[-1]
    forget = f"DELETE FROM tortoise_migrations WHERE name = '{newest}'"
    if backend.kind == "sqlite":
        import sqlite3

        with sqlite3.connect(env["DATABASE_URL"].removeprefix("sqlite://")) as conn:
            conn.execute(forget)
    else:
        import asyncpg

        async def run() -> None:
            conn = await asyncpg.connect(env["DATABASE_URL"])
            try:
                await conn.execute(forget)
            finally:
                await conn.close()

        asyncio.run(run())
    done = _run(env, "seed-demo")
    assert done.returncode == 2
    assert f"(1 migrations not applied, from {newest})" in done.stderr


@pytest.mark.parametrize("command", [["migrate"], ["seed-demo"], ["audit", "verify"]])
def test_an_unreachable_database_is_one_line_without_its_password(env, command):
    env["DATABASE_URL"] = "postgres://mandi:s3cret-pw@127.0.0.1:9/mandi"  # discard port
    env["MANDI_MIGRATE_DATABASE_URL"] = env["DATABASE_URL"]
    done = _run(env, *command)
    assert done.returncode == 3, done.stderr
    assert done.stderr.startswith(
        "error: cannot reach the database postgres://mandi:***@127.0.0.1:9/mandi: "
    )
    assert len(done.stderr.splitlines()) == 1
    assert "s3cret-pw" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_quiet_by_default_for_scripts_and_verbose_on_request(env):
    migrated = _ok(env, "migrate")
    assert (migrated.stdout, migrated.stderr) == ("migrations applied\n", "")
    seeded = _ok(env, "seed-demo", "--if-empty")
    # No ORM lines, no progress bar (stderr is a pipe here), nothing but the result.
    assert (seeded.stdout, seeded.stderr) == ("demo data loaded\n", "")
    verified = _ok(env, "audit", "verify")
    assert verified.stderr == ""
    assert verified.stdout.endswith("chain verifies\n")
    # The ORM's INFO lines are still there for whoever asks.
    loud = _ok(env, "--verbose", "seed-demo", "--if-empty")
    assert "Tortoise-ORM shutdown" in loud.stderr
    assert loud.stdout == "demo data already present; nothing changed\n"


def _bar(stderr: str, desc: str) -> str:
    """The bar's last state (tqdm rewrites the line with carriage returns)."""
    states = [s for s in re.split(r"[\r\n]", stderr) if s.startswith(f"{desc}:")]
    assert states, stderr
    return states[-1]


def test_progress_bars_go_to_stderr_when_asked(env, tmp_path):
    _ok(env, "migrate")
    seeded = _ok(env, "--progress", "seed-demo")
    assert seeded.stdout == "demo data loaded\n"
    assert f"| {SEED_STEPS}/{SEED_STEPS} [" in _bar(seeded.stderr, "seed demo data")

    for _ in range(3):  # each verify appends its own audit.verify entry
        _ok(env, "audit", "verify")
    verified = _ok(env, "--progress", "audit", "verify")
    assert "entries: 3 " in verified.stdout and verified.stdout.endswith("chain verifies\n")
    assert "| 3/3 [" in _bar(verified.stderr, "verify")

    _ok(env, "audit", "checkpoint")  # an export needs a signed checkpoint to verify
    out = tmp_path / "log.jsonl"
    exported = _ok(
        env, "--progress", "audit", "export", "--since", "2020-01-01", "--until", "2100-01-01",
        "--out", str(out),
    )  # fmt: skip
    assert exported.stdout == f"exported 4 entries to {out}\n"
    assert "| 4/4 [" in _bar(exported.stderr, "export")
    assert "\r" not in out.read_text()  # the bar never reaches the file
    offline = _ok(env, "--progress", "audit", "verify", "--file", str(out))
    assert offline.stdout.endswith("chain verifies\n")
    assert "| 4/4 [" in _bar(offline.stderr, "verify")

    quiet = _ok(env, "--no-progress", "audit", "verify")
    assert quiet.stderr == ""


def test_a_terminal_gets_the_bar_without_asking(env):
    """stderr on a pseudo-terminal: the bar shows; stdout (a pipe) stays the plain result."""
    _ok(env, "migrate")
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # 100 wide
    process = subprocess.Popen(  # noqa: S603 - our own console script
        [MANDI, "seed-demo"], env=env, stdout=subprocess.PIPE, stderr=secondary, text=True
    )
    os.close(secondary)
    chunks = []
    try:
        while True:  # read while it runs: a full terminal buffer would block the bar
            try:
                chunk = os.read(primary, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(primary)
    stdout, _ = process.communicate(timeout=120)
    assert process.returncode == 0
    assert stdout == "demo data loaded\n"
    assert f"| {SEED_STEPS}/{SEED_STEPS} [" in _bar(b"".join(chunks).decode(), "seed demo data")
