"""The ``mandi`` command on a fresh SQLite file: migrate, seed the demo twice, sign in."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx

MANDI = str(Path(sys.executable).parent / "mandi")
TABLES = ("organization", "user_account", "membership", "product", "stock_level", "customer_order")
SIGN_IN = """mutation { sessionCreate(input: {username: "owner", password: "mandi-demo-only"}) {
  user { username } errors { code message } } }"""


def _mandi(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own console script
        [MANDI, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert server.poll() is None, "mandi serve exited"
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("mandi serve did not become ready")


def test_migrate_seed_twice_then_a_demo_user_signs_in(tmp_path):
    path = tmp_path / "fresh" / "mandi.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{path}", "MANDI_ENV": "development"}

    assert "migrations applied" in _mandi(env, "migrate")
    assert "demo data loaded" in _mandi(env, "seed-demo", "--if-empty")
    seeded = _counts(path)
    assert seeded == {
        "organization": 1,
        "user_account": 9,
        "membership": 5,
        "product": 12,
        "stock_level": 24,
        "customer_order": 18,
    }
    assert "nothing changed" in _mandi(env, "seed-demo", "--if-empty")
    assert _counts(path) == seeded

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603 - our own console script
        [MANDI, "serve"],
        env={**env, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_up(base, server)
        with httpx.Client(base_url=base, timeout=10) as client:
            body = client.post("/graphql", json={"query": SIGN_IN}).json()
            assert body["data"]["sessionCreate"] == {"user": {"username": "owner"}, "errors": []}
            body = client.post("/graphql", json={"query": "{ orders { totalCount } }"}).json()
            assert body == {"data": {"orders": {"totalCount": 18}}}
    finally:
        server.terminate()
        server.wait(timeout=10)
