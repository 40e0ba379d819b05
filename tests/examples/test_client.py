"""examples/client.py, the README's way to start, against a live ``mandi serve`` with the demo
data: it signs in, pages through every order with cursors, and adjusts stock once (a retry
with the same idempotency key is replayed)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fresh_db import empty_database_env

ROOT = Path(__file__).resolve().parents[2]
MANDI = str(Path(sys.executable).parent / "mandi")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(backend, tmp_path) -> Iterator[str]:
    """``mandi migrate``, ``mandi seed-demo`` and ``mandi serve`` as make run does them."""
    with empty_database_env(backend, tmp_path) as env:
        env["PORT"] = str(port := _free_port())
        for step in (["migrate"], ["seed-demo", "--if-empty"]):
            subprocess.run([MANDI, *step], env=env, cwd=tmp_path, check=True, timeout=120)  # noqa: S603
        log = (tmp_path / "serve.log").open("w")
        process = subprocess.Popen(  # noqa: S603 - our own console script
            [MANDI, "serve"], env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "mandi serve did not come up in 60 s"
                time.sleep(0.2)
            yield f"{base}/graphql"
        finally:
            process.terminate()
            process.wait(timeout=30)
            log.close()


def _example(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - this interpreter and the example
        [sys.executable, str(ROOT / "examples" / "client.py"), "--url", url, *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_client_example_runs_against_a_live_server(server):
    done = _example(server)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "signed in as manager"
    orders = [line.split()[0] for line in lines if line.startswith("  DEMO-")]
    assert len(orders) == 18 and len(set(orders)) == 18  # every order once, across the pages
    assert "18 of 18 orders in 4 pages" in lines  # pages of 5: the cursors were followed
    received = re.fullmatch(r"received 1 of (\S+) in (\S+): (\d+) -> (\d+)", lines[-2])
    assert received, lines[-2]
    before, after = int(received[3]), int(received[4])
    assert after == before + 1
    assert lines[-1] == f"retried with the same key: replayed=True, {after}"

    # A second run is a new key: it applies again, from where the first left off.
    again = _example(server)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines()[-2].endswith(f": {after} -> {after + 1}")

    refused = _example(server, "--password", "not-the-demo-password")
    assert refused.returncode == 1
    assert refused.stderr.startswith("sign-in failed: ")
    assert "UNAUTHENTICATED" in refused.stderr and "Traceback" not in refused.stderr
