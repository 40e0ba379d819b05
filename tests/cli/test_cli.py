"""The ``mandi`` command on a fresh SQLite file: migrate, seed the demo twice, sign in."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

MANDI = str(Path(sys.executable).parent / "mandi")
TABLES = (
    "organization",
    "user_account",
    "membership",
    "product",
    "warehouse",
    "stock_level",
    "customer_order",
    "ticket",
)
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
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


# Signs in through the GraphQL endpoint of the app `mandi serve` runs, in a process of its own.
# Not through `mandi serve` itself: its requests cannot see the Tortoise context its lifespan
# task opened (init_db without Tortoise's global fallback), so every query there fails.
SIGN_IN_SCRIPT = """
import asyncio, json, sys
import httpx
from api.app import create_app
from domain import db
from domain.settings import Settings

async def main():
    settings = Settings.from_env()
    await db.init_db(settings.database_url)
    try:
        transport = httpx.ASGITransport(app=create_app(settings, manage_db=False))
        headers = {"X-Requested-With": "cli-test"}
        async with httpx.AsyncClient(
            transport=transport, base_url="http://127.0.0.1", headers=headers
        ) as client:
            for query in sys.argv[1:]:
                response = await client.post("/graphql", json={"query": query})
                print(json.dumps(response.json()))
    finally:
        await db.close_db()

asyncio.run(main())
"""


def test_migrate_seed_twice_then_a_demo_user_signs_in(tmp_path):
    path = tmp_path / "fresh" / "mandi.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite://{path}", "MANDI_ENV": "development"}
    env["MANDI_AUDIT_WITNESS"] = str(tmp_path / "witness")  # its own database, its own witness

    assert "migrations applied" in _mandi(env, "migrate")
    assert "demo data loaded" in _mandi(env, "seed-demo", "--if-empty")
    seeded = _counts(path)
    assert seeded == {
        "organization": 1,
        "user_account": 9,
        "membership": 5,
        "product": 12,
        "warehouse": 2,
        "stock_level": 24,
        "customer_order": 18,
        "ticket": 2,
    }
    assert "nothing changed" in _mandi(env, "seed-demo", "--if-empty")
    assert _counts(path) == seeded

    answers = subprocess.run(  # noqa: S603 - this interpreter
        [sys.executable, "-c", SIGN_IN_SCRIPT, SIGN_IN, "{ orders { totalCount } }"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert answers.returncode == 0, answers.stderr
    signed_in, orders = (json.loads(line) for line in answers.stdout.splitlines())
    assert signed_in["data"]["sessionCreate"] == {"user": {"username": "owner"}, "errors": []}
    assert orders["data"] == {"orders": {"totalCount": 18}}
