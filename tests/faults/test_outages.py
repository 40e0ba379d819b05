"""Faults against real server processes: the database unreachable mid-load, a server killed
mid-write and restarted, two servers on one database. The load reads personal data, adjusts stock
(stockAdjust's own key) and opens tickets (an Idempotency-Key header); what the client cannot know
the outcome of is retried with its key. Each asserts that nothing was lost,
nothing was served unaudited, the chain verifies and every answer a client got was true."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from audit.models import AuditEntry
from audit.verify import verify_database
from domain.accounts.models import OrgRole
from domain.accounts.services import add_member, create_organization
from domain.accounts.sessions import create_session
from domain.inventory.models import InventoryMovement, StockLevel
from domain.support.models import Ticket
from tests.faults.servers import Server, TcpProxy, serving
from tests.support import (
    STOCK_ADJUST,
    TICKET_OPEN,
    audit_head,
    gid,
    make_user,
    random_gstin,
    seed_product,
    seed_stock,
    seed_warehouse,
    unique,
)

READ_ME = "{ viewer { user { email } } }"
HONEST_FAILURES = {"SERVICE_UNAVAILABLE", "AUDIT_UNAVAILABLE", "OUTCOME_UNKNOWN"}
DONE_BEFORE = "ALREADY_APPLIED"  # a retry of an applied Idempotency-Key


@dataclass
class Shop:
    token: str
    user_id: int
    email: str
    org_id: int
    product: Any
    warehouse: Any

    def ticket(self, key: str) -> tuple[dict, dict]:
        """A ticket whose subject is its Idempotency-Key (to count it afterwards)."""
        variables = {
            "input": {
                "organizationId": gid("Organization", self.org_id),
                "subject": key,
                "body": "Fault test.",
            }
        }
        return {"query": TICKET_OPEN, "variables": variables}, {"Idempotency-Key": key}

    def adjust(self, key: str, delta: int = 1) -> dict:
        variables = {
            "input": {
                "productId": gid("Product", self.product.id),
                "warehouseId": gid("Warehouse", self.warehouse.id),
                "delta": delta,
                "reason": "RECEIPT",
                "idempotencyKey": key,
            }
        }
        return {"query": STOCK_ADJUST, "variables": variables}

    def client(self, server: Server) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=server.base,
            cookies={"mandi_session": self.token},
            headers={"X-Requested-With": "mandi-tests"},
            timeout=30,
        )

    async def on_hand(self) -> int:
        level = await StockLevel.get(product_id=self.product.id, warehouse_id=self.warehouse.id)
        return level.on_hand


async def _shop() -> Shop:
    org = await create_organization(legal_name=unique("Faults "), gstin=random_gstin())
    user = await make_user()
    await add_member(user=user, organization=org, role=OrgRole.MANAGER)
    session = await create_session(user=user, ip="127.0.0.1", user_agent="faults")
    product = await seed_product(org.id, "F-1")
    warehouse = await seed_warehouse(org.id, "F-WH")
    await seed_stock(product, warehouse, 10)
    return Shop(session.token, user.id, user.email, org.id, product, warehouse)


@dataclass
class Answer:
    kind: str  # "ok", an error code, or "transport" when no answer came
    key: str | None = None
    ticket: bool = False  # an Idempotency-Key header, not stockAdjust's own key


def _judge(response: httpx.Response) -> Answer:
    """What the client was told; asserts that it was a proper answer."""
    assert response.headers.get("content-type", "").startswith("application/json"), response.text
    body = response.json()
    if body.get("errors"):
        [error] = body["errors"]
        code = error["extensions"]["code"]
        assert code in HONEST_FAILURES | {DONE_BEFORE}, body
        assert body.get("data") is None
        if response.status_code == 503:
            assert int(response.headers["retry-after"]) > 0
        return Answer(code)
    assert response.status_code == 200
    for payload in body["data"].values():
        assert payload is not None and not payload.get("errors"), body
    return Answer("ok")


async def _settle(shop: Shop, server: Server, answers: list[Answer]) -> None:
    """Retry every adjustment whose outcome the client does not know, with its key."""
    async with shop.client(server) as client:
        for answer in answers:
            if answer.key is not None and answer.kind in {"OUTCOME_UNKNOWN", "transport"}:
                for _ in range(50):
                    if answer.ticket:
                        body, headers = shop.ticket(answer.key)
                        sent = await client.post("/graphql", json=body, headers=headers)
                    else:
                        sent = await client.post("/graphql", json=shop.adjust(answer.key))
                    retried = _judge(sent)
                    if retried.kind in {"ok", DONE_BEFORE}:
                        answer.kind = "ok"
                        break
                    await asyncio.sleep(0.1)
                assert answer.kind == "ok", "a retry with the same key never succeeded"


async def _check_truth(shop: Shop, before: int, answers: list[Answer], reads_from: int) -> None:
    """Each adjustment reported done is applied once; each reported not done is absent; every
    read that returned data has its entry; the chain verifies."""
    applied = 0
    titles = Counter(ticket.subject for ticket in await Ticket.all())  # sealed: count decrypted
    for answer in answers:
        if answer.key is None:
            continue
        if answer.ticket:
            made = titles[answer.key]
        else:
            made = await InventoryMovement.filter(idempotency_key=answer.key).count()
            applied += made
        if answer.kind == "ok":
            assert made == 1, answer  # applied once, retries included
        else:
            assert answer.kind in {"SERVICE_UNAVAILABLE", "AUDIT_UNAVAILABLE"}
            assert made == 0, answer  # "nothing was changed" was true
    assert await shop.on_hand() == before + applied
    reads = sum(1 for a in answers if a.key is None and a.kind == "ok")
    assert any(a.ticket for a in answers) and any(a.key and not a.ticket for a in answers)
    recorded = await AuditEntry.filter(
        seq__gt=reads_from, actor_id=shop.user_id, resource_type="User", action="read"
    ).count()
    assert recorded >= reads  # nothing left unaudited
    report = await verify_database()
    assert report.ok, report.problems


async def _load(shop: Shop, server: Server, seconds: float, workers: int = 4) -> list[Answer]:
    """Reads and adjustments from several clients at once, for ``seconds``."""
    answers: list[Answer] = []
    stop = time.monotonic() + seconds

    async def worker(n: int) -> None:
        async with shop.client(server) as client:
            turn = 0
            while time.monotonic() < stop:
                turn += 1
                key = unique(f"w{n}-") if turn % 3 else None
                headers: dict = {}
                if key is None:
                    body = {"query": READ_ME}
                elif turn % 3 == 1:
                    body = shop.adjust(key)
                else:
                    body, headers = shop.ticket(key)
                try:
                    answer = _judge(await client.post("/graphql", json=body, headers=headers))
                except httpx.TransportError:
                    answer = Answer("transport")
                answer.key, answer.ticket = key, bool(headers)
                answers.append(answer)

    await asyncio.gather(*(worker(n) for n in range(workers)))
    return answers


@pytest.mark.postgres_only
async def test_the_database_unreachable_mid_load(backend):
    shop = await _shop()
    before, start = await shop.on_hand(), await audit_head()
    target = urlsplit(backend.url)
    proxy = TcpProxy(target=(target.hostname or "127.0.0.1", target.port or 5432))
    await proxy.start()
    try:
        async with serving(proxy.url_for(backend.url)) as [server]:
            load = asyncio.ensure_future(_load(shop, server, seconds=5))
            await asyncio.sleep(1.5)
            proxy.cut()
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(base_url=server.base) as probe:
                during = await probe.get("/readyz")
                await asyncio.sleep(1.5)
                proxy.restore()
                for _ in range(100):  # recovers by itself
                    if (await probe.get("/readyz")).status_code == 200:
                        break
                    await asyncio.sleep(0.05)
                else:
                    raise AssertionError("not ready again after the database came back")
            answers = await load
            await _settle(shop, server, answers)
    finally:
        await proxy.close()
    assert during.status_code == 503
    assert during.json()["checks"]["database"] == "failing"
    kinds = {a.kind for a in answers}
    assert "transport" not in kinds  # every request got an answer, none a reset connection
    assert "SERVICE_UNAVAILABLE" in kinds and "ok" in kinds, kinds
    await _check_truth(shop, before, answers, start)


async def test_a_server_killed_mid_write_and_retried_applies_each_change_once(backend):
    shop = await _shop()
    before, start = await shop.on_hand(), await audit_head()
    async with serving(backend.url) as [server]:
        load = asyncio.ensure_future(_load(shop, server, seconds=4, workers=3))
        await asyncio.sleep(1.5)
        await server.kill()
        await asyncio.sleep(0.3)
        await server.start()  # same port, same database
        answers = await load
        await _settle(shop, server, answers)
    assert "transport" in {a.kind for a in answers}  # the kill cut requests off mid-way
    await _check_truth(shop, before, answers, start)


async def test_two_servers_on_one_database(backend):
    shop = await _shop()
    before, start = await shop.on_hand(), await audit_head()
    async with serving(backend.url, count=2) as servers:
        both = await asyncio.gather(*(_load(shop, s, seconds=3, workers=3) for s in servers))
    answers = [answer for answers in both for answer in answers]
    assert {a.kind for a in answers} == {"ok"}  # no fault: every request succeeds
    assert len(answers) > 20
    await _check_truth(shop, before, answers, start)
