# ruff: noqa: S603, S607 -- a local benchmark driver: fixed commands, its own databases
"""``make bench``: seed, serve Mandi and the baseline, load them with wrk, write RESULTS.md.

    python -m bench.run [--volume full|tenth|small] [--compare tenth|none] [--rounds 3]
                        [--duration 20] [--connections 8] [--reseed]

Each volume has its own PostgreSQL database (mandi_bench_<volume>), created, migrated with
``mandi migrate`` and seeded by bench/seed.py once, then reused (``--reseed`` starts afresh).
Sessions and the partner token are made anew on every run through the domain services.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import workloads as w
from bench.seed import VOLUMES, hot_subject, hot_subject_id, seed

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "RESULTS.md"
LUA = ROOT / "bench" / "wrk" / "post.lua"
PG = os.environ.get("MANDI_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
BENCH_RATE = "1000000/minute"


def _free_port() -> int:
    """A port nothing listens on now, so two benchmarks at once never load each other's
    servers (``MANDI_BENCH_PORT`` / ``MANDI_BENCH_BASELINE_PORT`` choose one)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


MANDI_PORT = int(os.environ.get("MANDI_BENCH_PORT") or _free_port())
BASELINE_PORT = int(os.environ.get("MANDI_BENCH_BASELINE_PORT") or _free_port())
while BASELINE_PORT == MANDI_PORT:
    BASELINE_PORT = _free_port()


def say(text: str) -> None:
    print(f"[bench] {text}", file=sys.stderr, flush=True)


def keys() -> dict[str, str]:
    """Audit signing and data keys kept across runs (the seeded checkpoints are signed)."""
    from audit.signing import new_seed
    from domain.crypto.keys import new_key

    STATE.mkdir(parents=True, exist_ok=True)
    found = {}
    for name, variable, make in (
        ("audit.key", "MANDI_AUDIT_KEY", new_seed),
        ("data.key", "MANDI_DATA_KEY", new_key),
        ("index.key", "MANDI_INDEX_KEY", new_key),
    ):
        path = STATE / name
        if not path.exists():
            path.write_text(make())
            path.chmod(0o600)
        found[variable] = path.read_text().strip()
    return found


def _witness(name: str) -> Path:
    return STATE / f"witness-{name}"


def env_for(url: str, **extra: str) -> dict[str, str]:
    # Each database has its own audit witness: a reseeded chain is not the one witnessed before.
    witness = str(_witness(url.rsplit("/", 1)[-1]))
    # The rate limits still count every request, with a budget no round reaches (the default
    # 600 a minute per principal answers 429 to most of a wrk round longer than 30 s).
    limits = {"MANDI_RATE_LIMIT_IP": BENCH_RATE, "MANDI_RATE_LIMIT_PRINCIPAL": BENCH_RATE}
    return {
        **os.environ,
        **keys(),
        **limits,
        "DATABASE_URL": url,
        "MANDI_AUDIT_WITNESS": witness,
        **extra,
    }


# --- the database ------------------------------------------------------------------------------


async def _seeded_volume(url: str) -> str | None:
    try:
        conn = await asyncpg.connect(url)
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        return await conn.fetchval("SELECT volume FROM bench_seeded LIMIT 1")
    except asyncpg.UndefinedTableError:
        return None
    finally:
        await conn.close()


async def _recreate(name: str) -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        for database in (name, f"{name}_keys"):  # the data keys live beside it (issue 12)
            await admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    shutil.rmtree(_witness(name), ignore_errors=True)


_RESEEDED: dict[str, float] = {}  # volume -> seconds its seeding took in this run


def prepare_database(volume: str, reseed: bool) -> tuple[str, float | None]:
    """The URL of a seeded database of ``volume``; the seeding time when it was seeded now."""
    # a worktree has its own keys (var/bench), so it may need its own seeded database
    name = f"{os.environ.get('MANDI_BENCH_DATABASE', 'mandi_bench')}_{volume}"
    url = f"{PG}/{name}"
    reseed = reseed and volume not in _RESEEDED  # --reseed seeds each volume once per run
    if not reseed and asyncio.run(_seeded_volume(url)) == volume:
        say(f"reusing {name} (seeded earlier; --reseed to start afresh)")
        # migrations added since it was seeded (a seeded database is otherwise refused)
        subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env=env_for(url), check=True)
        return url, _RESEEDED.get(volume)
    say(f"creating {name}, migrating, seeding {volume}: {VOLUMES[volume]}")
    asyncio.run(_recreate(name))
    subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env=env_for(url), check=True)
    started = time.perf_counter()
    os.environ.update(keys())
    asyncio.run(seed(url, VOLUMES[volume]))
    _RESEEDED[volume] = time.perf_counter() - started
    return url, _RESEEDED[volume]


@dataclass
class Personas:
    manager: str
    staff: str
    reviewer: str
    token: str
    org_id: str
    adjust_targets: list[tuple[str, str]]
    log_entries: int = 0


async def _personas(url: str) -> Personas:
    """Fresh sessions and a partner token, through the domain services (real hashes)."""
    from api import ids
    from authz.scopes import SCOPES
    from domain import db
    from domain.accounts import tokens
    from domain.accounts.models import User
    from domain.accounts.sessions import create_session
    from domain.crypto.fields import lookup
    from domain.inventory.models import StockLevel

    await db.init_db(url)
    try:

        async def session(username: str) -> str:
            user = await User.get(username_index=lookup(User, "username", username))
            return (await create_session(user=user, ip="127.0.0.1", user_agent="wrk")).token

        owner = await User.get(username_index=lookup(User, "username", "bench-owner-1"))
        org = (await owner.memberships.all().first()).organization_id  # type: ignore[union-attr]
        issued = await tokens.issue(
            organization_id=org,
            creator=owner,
            name=f"bench {datetime.now(UTC):%Y%m%d%H%M%S}",
            scopes=["catalog:read", "inventory:read"],
            known_scopes=set(SCOPES),
            days=1,
        )
        stock = await StockLevel.filter(organization_id=org).order_by("id").limit(200)
        from audit.models import AuditEntry

        return Personas(
            manager=await session("bench-manager-1"),
            staff=await session("bench-staff-1"),
            reviewer=await session("bench-security-reviewer"),
            token=issued.secret,
            org_id=ids.encode("Organization", org),
            adjust_targets=[
                (ids.encode("Product", s.product_id), ids.encode("Warehouse", s.warehouse_id))
                for s in stock
            ],
            log_entries=await AuditEntry.all().count(),
        )
    finally:
        await db.close_db()


# --- servers -----------------------------------------------------------------------------------


@contextmanager
def serving(command: list[str], env: dict[str, str], port: int, log: Path):
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
        try:
            deadline = time.monotonic() + 60
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited; see {log}")
                try:
                    httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": "{__typename}"})
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.3)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def mandi_server(url: str):
    # W1 (100 orders, each priced at its 100-line bound) costs 20,500 against the default
    # limit of 20,000 (api/cost.py): the benchmark measures throughput, not the cost limit.
    env = env_for(url, MANDI_EXPOSE_STATS="1", PORT=str(MANDI_PORT), MANDI_MAX_QUERY_COST="50000")
    return serving([sys.executable, "-m", "api.cli", "serve"], env, MANDI_PORT, STATE / "mandi.log")


def baseline_server(url: str):
    env = env_for(url, PORT=str(BASELINE_PORT))
    return serving(
        [sys.executable, "-m", "bench.baseline.app"], env, BASELINE_PORT, STATE / "baseline.log"
    )


# --- workloads ---------------------------------------------------------------------------------


@dataclass
class Workload:
    key: str
    title: str
    port: int
    header: str
    bodies: list[dict[str, Any]]
    expect: str  # the top-level field the data must carry
    allowed_errors: set[str] = field(default_factory=set)
    rounds: list[dict[str, float]] = field(default_factory=list)
    counts: dict[str, str] = field(default_factory=dict)


def body(query: str, **variables: Any) -> dict[str, Any]:
    return {"query": query, "variables": variables}


def make_workloads(p: Personas, only: set[str] | None = None) -> list[Workload]:
    cookie = "Cookie: mandi_session="
    adjust = [
        body(
            w.STOCK_ADJUST,
            input={"productId": pid, "warehouseId": wid, "delta": 1, "reason": "RECEIPT"},
        )
        for pid, wid in p.adjust_targets
    ]
    found = [
        Workload(
            "W1",
            "100 orders + lines, products, buyer contact (manager)",
            MANDI_PORT,
            cookie + p.manager,
            [body(w.ORDERS, org=p.org_id, first=100)],
            "orders",
        ),
        Workload(
            "W2",
            "the same page as staff (buyer contact denied)",
            MANDI_PORT,
            cookie + p.staff,
            [body(w.ORDERS, org=p.org_id, first=100)],
            "orders",
            {"FORBIDDEN"},
        ),
        Workload(
            "W3",
            "100 products with stock (partner token)",
            MANDI_PORT,
            f"Authorization: Bearer {p.token}",
            [body(w.PRODUCTS, first=100)],
            "products",
        ),
        Workload(
            "W4",
            "stockAdjust mutation (manager)",
            MANDI_PORT,
            cookie + p.manager,
            adjust,
            "stockAdjust",
        ),
        Workload(
            "B1",
            "baseline of W1",
            BASELINE_PORT,
            "",
            [body(w.ORDERS, org=p.org_id, first=100)],
            "orders",
        ),
        Workload(
            "B3",
            "baseline of W3",
            BASELINE_PORT,
            "",
            [body(w.PRODUCTS_BASELINE, org=p.org_id, first=100)],
            "products",
        ),
    ]
    found.append(
        Workload(
            "W5",
            "audit log by data subject (security reviewer)",
            MANDI_PORT,
            cookie + p.reviewer,
            [body(w.AUDIT_ENTRIES, subject=hot_subject_id(), first=100)],
            "auditEntries",
        )
    )
    return [x for x in found if only is None or x.key in only]


def _headers(header: str) -> dict[str, str]:
    headers = {"X-Requested-With": "mandi-bench"}
    if header:
        name, _, value = header.partition(":")
        headers[name.strip()] = value.strip()
    return headers


def probe(load: Workload, page_sizes: tuple[int, ...] = ()) -> None:
    """One request: check the answer and read the counters; SQL per page size for lists."""
    url = f"http://127.0.0.1:{load.port}/graphql"
    response = httpx.post(url, json=load.bodies[0], headers=_headers(load.header), timeout=60)
    response.raise_for_status()
    answer = response.json()
    codes = {e.get("extensions", {}).get("code") for e in answer.get("errors", [])}
    if not (answer.get("data") or {}).get(load.expect) or codes - load.allowed_errors:
        raise RuntimeError(f"{load.key}: unexpected answer {json.dumps(answer)[:600]}")
    if load.allowed_errors and not codes:
        raise RuntimeError(f"{load.key}: expected {load.allowed_errors} errors, got none")
    for name in ("sql", "policy-evaluations", "audit-inserts"):
        load.counts[name] = response.headers.get(f"x-mandi-{name}", "-")
    load.counts["bytes"] = str(len(response.content))
    sizes = []
    for size in page_sizes:
        # The fewest of three: the request that crosses a multiple of 1,000 audit entries also
        # writes the signed checkpoint, and a session's last-seen time is touched now and then.
        varied = {**load.bodies[0], "variables": {**load.bodies[0]["variables"], "first": size}}
        counts = [
            int(
                httpx.post(url, json=varied, headers=_headers(load.header), timeout=60).headers[
                    "x-mandi-sql"
                ]
            )
            for _ in range(3)
        ]
        sizes.append(f"{size}:{min(counts)}")
    if sizes:
        load.counts["sql_by_page"] = " ".join(sizes)


def wrk(load: Workload, seconds: int, connections: int) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("\n".join(json.dumps(b) for b in load.bodies) + "\n")
    try:
        env = {**os.environ, "BENCH_BODIES": handle.name, "BENCH_HEADER": load.header}
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(LUA),
                f"http://127.0.0.1:{load.port}",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)
    found = json.loads(re.search(r"WRKJSON (\{.*\})", out).group(1))  # type: ignore[union-attr]
    if found["non2xx"] or found["socket_errors"]:
        raise RuntimeError(f"{load.key}: wrk saw errors: {found}")
    return {
        "rps": found["requests"] / (found["duration_us"] / 1e6),
        "p50": found["p50_us"] / 1000,
        "p99": found["p99_us"] / 1000,
    }


async def _w5_plans(url: str, subject: str) -> str:
    """How PostgreSQL runs the statements behind W5 (count and page): the scan each one uses."""
    conn = await asyncpg.connect(url)
    try:
        found = []
        for name, sql in w.AUDIT_STATEMENTS.items():
            plan = await conn.fetchval("EXPLAIN (FORMAT JSON) " + sql, subject)
            top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
            nodes, scans = [top], []
            while nodes:
                node = nodes.pop(0)
                nodes.extend(node.get("Plans", []))
                if "Scan" in node["Node Type"]:
                    target = node.get("Index Name", node.get("Relation Name"))
                    scans.append(f"{node['Node Type']} on {target}")
            found.append(f"{name}: {' over '.join(scans)}")
        return "; ".join(found)
    finally:
        await conn.close()


def verify_throughput(url: str) -> tuple[int, float]:
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "api.cli", "audit", "verify"],
        env=env_for(url),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    elapsed = time.perf_counter() - started
    if "chain verifies" not in out:
        raise RuntimeError(f"audit verify failed: {out}")
    entries = int(re.search(r"entries: (\d+)", out).group(1))  # type: ignore[union-attr]
    return entries, elapsed


# --- the run -----------------------------------------------------------------------------------


@dataclass
class VolumeRun:
    volume: str
    seeded_seconds: float | None
    log_entries: int
    loads: list[Workload]
    w5_plan: str | None = None


def _round_order(load: Workload) -> tuple[str, bool]:
    """Each workload next to its baseline (W1, B1, W2, W3, B3, ...)."""
    return load.key[1:], load.key.startswith("W")


async def _checkpoint(url: str) -> None:
    """Flush what earlier rounds wrote (W1's audit entries, W4's stock), so that no round pays
    for the writes of the one before it: PostgreSQL's background writes fell into whichever
    round came next, and W3 came after the write-heavy W1 and W2 while B3 came after B1."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("CHECKPOINT")
    finally:
        await conn.close()


def run_volume(volume: str, args: argparse.Namespace, only: set[str] | None) -> VolumeRun:
    url, seeded = prepare_database(volume, args.reseed)
    personas = asyncio.run(_personas(url))
    loads = make_workloads(personas, only)
    say(f"{volume}: {personas.log_entries:,} audit entries; workloads {[x.key for x in loads]}")
    with mandi_server(url), baseline_server(url):
        for load in loads:
            probe(load, (10, 50, 100) if load.key in {"W1", "W3"} else ())
            wrk(load, 2, args.connections)  # warm-up
        for number in range(args.rounds):
            for load in sorted(loads, key=_round_order):
                asyncio.run(_checkpoint(url))
                load.rounds.append(wrk(load, args.duration, args.connections))
                say(f"{volume} round {number + 1} {load.key}: {load.rounds[-1]}")
    result = VolumeRun(volume, seeded, personas.log_entries, loads)
    if any(load.key == "W5" for load in loads):
        result.w5_plan = asyncio.run(_w5_plans(url, hot_subject()))
        say(f"{volume} W5 plan: {result.w5_plan}")
    return result


def machine() -> str:
    cores = os.cpu_count()
    python = platform.python_version()
    pg = subprocess.run(
        ["psql", f"{PG}/postgres", "-Atc", "SHOW server_version"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    cpu = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = f" ({match.group(1).strip()})" if match else ""
    return f"{cores} cores{cpu}, Python {python}, PostgreSQL {pg}, {platform.system()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__.splitlines()[0])
    parser.add_argument("--volume", choices=sorted(VOLUMES), default="full")
    parser.add_argument("--compare", choices=[*sorted(VOLUMES), "none"], default="tenth")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk round")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", help="comma-separated workloads, e.g. W1,B1 (for iterating)")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: `apt-get install -y wrk` (make bench does it)")
    os.chdir(ROOT)
    os.environ.update(keys())

    main_url, _ = prepare_database(args.volume, args.reseed)
    entries, seconds = verify_throughput(main_url)
    say(f"audit verify: {entries:,} entries in {seconds:.1f} s")
    only = set(args.only.split(",")) if args.only else None
    runs = [run_volume(args.volume, args, only)]
    if args.compare != "none" and args.compare != args.volume:
        runs.append(run_volume(args.compare, args, {"W1", "W5"}))

    from bench.report import write

    write(args, runs, machine(), (entries, seconds))
    say(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
