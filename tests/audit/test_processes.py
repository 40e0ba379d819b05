"""The server and a CLI command appending at once, as separate processes: no append is lost, no
client is told the log is unavailable, and the chain stays one.

The log is shared by the whole run, and other work may append to it meanwhile (an earlier
test's app writing a refusal summary when its minute ends, the server's own start-up): the test
counts only the entries it made, its user's reads and its writer's appends by request id."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import uuid
from pathlib import Path

import httpx

from audit.models import AuditEntry
from audit.verify import verify_database
from domain.accounts.sessions import create_session
from tests.support import audit_head, first_answer, make_user

MANDI = str(Path(sys.executable).with_name("mandi"))
READ_ME = {"query": "{ viewer { user { email } } }"}
REQUESTS = 150
CLI_APPENDS = 150


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _serve(backend, port: int) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": backend.url, "PORT": str(port), "MANDI_ENV": "development"}
    server = await asyncio.create_subprocess_exec(
        MANDI, "serve", env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    try:
        health = await first_answer(server, f"http://127.0.0.1:{port}")
        if health.status_code == 200:
            return server
    except AssertionError:
        pass
    if server.returncode is None:
        server.kill()
    assert server.stderr is not None
    raise AssertionError((await server.stderr.read()).decode()[-2000:])


async def test_server_and_cli_append_at_once_and_lose_nothing(backend):
    user = await make_user()
    session = await create_session(user=user, ip="127.0.0.1", user_agent="pytest")
    start = await audit_head()
    tag = uuid.uuid4().hex[:12]
    port = _free_port()
    server = await _serve(backend, port)
    try:
        writer = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.audit.append_writer", backend.url, str(CLI_APPENDS), tag
        )
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}",
            cookies={"mandi_session": session.token},
            headers={"X-Requested-With": "mandi-tests"},
            timeout=30,
        ) as client:
            answers = []
            for _ in range(REQUESTS // 5):
                batch = [client.post("/graphql", json=READ_ME) for _ in range(5)]
                answers += [r.json() for r in await asyncio.gather(*batch)]
        assert await writer.wait() == 0
    finally:
        server.terminate()
        await server.wait()
    refused = [a for a in answers if "errors" in a]
    assert not refused, refused[:3]
    assert all(a["data"]["viewer"]["user"]["email"] == user.email for a in answers)
    since = AuditEntry.filter(seq__gt=start)
    served = since.filter(actor_type="user", actor_id=user.id)
    appended = since.filter(action="test.cli_append", request_id__startswith=tag)
    others = (
        await since.exclude(actor_type="user", actor_id=user.id)
        .exclude(request_id__startswith=tag)
        .values_list("action", "actor_type", "request_id")
    )
    counts = (await served.count(), await appended.count())
    assert counts == (REQUESTS, CLI_APPENDS), others  # the others: what else wrote meanwhile
    report = await verify_database()
    assert report.ok, report.problems
