"""What a refused abusive request costs the server: ``python -m bench.refusals``.

Small and self-contained (a temporary SQLite database, the app in process through httpx's
ASGI transport, no network, a few seconds): a signed-in viewer sends each attack of issue 11
ROUNDS times; the median and 99th-percentile server time of each is written to
bench/REFUSALS.md next to a trivial query's for scale.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

ROUNDS = 200
OUT = Path(__file__).with_name("REFUSALS.md")
NESTED = (
    "orders(first: 100) { edges { node { lines { product { stock { warehouse { name } } } } } } }"
)
HUNDRED_IDS = ", ".join(['"T3JkZXI6MQ"'] * 100)  # "Order:1", a hundred times
ATTACKS = {
    "trivial query `{ __typename }` (for scale)": ("POST", {"query": "{ __typename }"}),
    "over-cost nested lists (COST_LIMIT_EXCEEDED)": ("POST", {"query": f"{{ {NESTED} }}"}),
    "30 aliases of the nested lists (COST_LIMIT_EXCEEDED)": (
        "POST",
        {"query": "{ " + " ".join(f"a{n}: {NESTED}" for n in range(30)) + " }"},
    ),
    "30 aliases of nodes(ids:) with 100 ids each (COST_LIMIT_EXCEEDED)": (
        "POST",
        {
            "query": "{ "
            + " ".join(f"a{n}: nodes(ids: [{HUNDRED_IDS}]) {{ id }}" for n in range(30))
            + " }"
        },
    ),
    "the same, the ids in variables (COST_LIMIT_EXCEEDED)": (
        "POST",
        {
            "query": "query($i: [ID!]!) { "
            + " ".join(f"a{n}: nodes(ids: $i) {{ id }}" for n in range(30))
            + " }",
            "variables": {"i": ["T3JkZXI6MQ"] * 100},
        },
    ),
    "30 aliased sessionCreate (SOLE_ROOT_FIELD_REQUIRED)": (
        "POST",
        {
            "query": "mutation { "
            + " ".join(
                f'a{n}: sessionCreate(input: {{username: "u", password: "p"}}) {{ mfaRequired }}'
                for n in range(30)
            )
            + " }"
        },
    ),
    "20 MB string literal (HTTP 413)": ("RAW", b"x" * (20 * 1024 * 1024)),
}


async def _measure() -> list[tuple[str, float, float, str]]:
    from tortoise.migrations.api import migrate

    from api.app import create_app
    from domain import db
    from domain.accounts.models import OrgRole
    from domain.accounts.services import add_member, create_organization, create_user
    from domain.accounts.sessions import create_session
    from domain.settings import Settings

    folder = tempfile.mkdtemp(prefix="mandi-refusals-")
    url = f"sqlite://{folder}/bench.sqlite3"
    await migrate(config=db.tortoise_config(url))
    await db.close_db()
    await db.init_db(url)
    try:
        org = await create_organization(legal_name="Bench Org")
        user = await create_user(
            username="bench-viewer",
            email="viewer@example.test",
            full_name="Bench Viewer",
            password=None,
            country="IN",
            adult_attested=True,
        )
        await add_member(user=user, organization=org, role=OrgRole.VIEWER)
        session = await create_session(user=user, ip="127.0.0.1", user_agent="bench")
        unlimited = "1000000/minute"
        settings = Settings(
            rate_limit_ip=unlimited, rate_limit_principal=unlimited, rate_limit_auth=unlimited
        )
        app = create_app(settings, manage_db=False)
        transport = httpx.ASGITransport(app=app)
        rows = []
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://mandi.test",
            headers={"X-Requested-With": "bench"},
            cookies={"mandi_session": session.token},
        ) as client:
            for label, (kind, payload) in ATTACKS.items():
                times = []
                answer = ""
                for n in range(ROUNDS + 10):
                    start = time.perf_counter()
                    if kind == "RAW":
                        response = await client.post(
                            "/graphql",
                            content=payload,
                            headers={"content-type": "application/json"},
                        )
                    else:
                        response = await client.post("/graphql", json=payload)
                    elapsed = time.perf_counter() - start
                    if n >= 10:  # warm-up: caches, first imports
                        times.append(elapsed * 1000)
                    body = response.json()
                    codes = [e["extensions"]["code"] for e in body.get("errors", [])]
                    answer = f"HTTP {response.status_code} {','.join(codes) or 'ok'}"
                times.sort()
                p99 = times[int(len(times) * 0.99) - 1]
                rows.append((label, statistics.median(times), p99, answer))
        return rows
    finally:
        await db.close_db()


def main() -> None:
    os.environ.setdefault("MANDI_DATA_KEY", _throwaway_key())
    os.environ.setdefault("MANDI_AUDIT_KEY", _throwaway_seed())
    rows = asyncio.run(_measure())
    lines = [
        "# What a refused abusive request costs (`python -m bench.refusals`)",
        "",
        f"A signed-in viewer, in process (httpx ASGI transport, SQLite), {ROUNDS} requests each",
        "after 10 of warm-up; the time includes the client side of the transport. Target: a",
        "refused over-cost query under 5 ms. Read it against the trivial row: the machine's load",
        "moves both (at a load average of 8 on this 2-core machine every row but the 413 was",
        "11-14 ms median, the refusals within 1.2x of the trivial query).",
        "",
        "The first nodes(ids:) row is a 42 KB document: parsing it (graphql-core, under the",
        "4,000-token limit) is most of its time, 35-50 ms here whatever it asks for. It is",
        "priced before it is validated (validating its 3,000 values took 100 ms more); a",
        "smaller token limit is the lever left. With the ids in variables the document is",
        "small and cached.",
        "",
        "| request | answer | median ms | p99 ms |",
        "|---|---|---:|---:|",
    ]
    lines += [f"| {label} | {answer} | {p50:.2f} | {p99:.2f} |" for label, p50, p99, answer in rows]
    OUT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


def _throwaway_key() -> str:
    from domain.secretbox import new_key

    return new_key()


def _throwaway_seed() -> str:
    from audit.signing import new_seed

    return new_seed()


if __name__ == "__main__":
    main()
