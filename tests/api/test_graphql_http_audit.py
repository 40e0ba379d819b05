"""graphql-http's GraphQL-over-HTTP conformance audit against a live `mandi serve`: every audit
passes (no failed MUST, no SHOULD warning, and no MAY left as a notice either).

The audit is the npm package `graphql-http`, run with Node; `make test` installs it into
var/node first (the Makefile's $(GRAPHQL_HTTP) target). Run on its own, this test installs it
the same way; under CI a failure to install fails the test, elsewhere it skips with the reason.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import IN_CI
from tests.faults.servers import Server, free_port

ROOT = Path(__file__).resolve().parents[2]
NODE_DEPS = ROOT / "var" / "node"
PACKAGE = NODE_DEPS / "node_modules" / "graphql-http" / "package.json"
SCRIPT = Path(__file__).with_name("graphql_http_audit.cjs")


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def _ensure_package() -> None:
    if PACKAGE.exists():
        return
    if shutil.which("node") is None or shutil.which("make") is None:
        _unavailable("the graphql-http audit needs node and make")
    made = subprocess.run(  # noqa: S603 - a fixed target of the project's own Makefile
        ["make", "-s", str(PACKAGE.relative_to(ROOT))],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0 or not PACKAGE.exists():
        _unavailable(f"could not install graphql-http: {made.stderr.strip()[-500:]}")


async def test_graphql_http_audit_passes_everything(backend):
    _ensure_package()
    server = Server(port=free_port(), url=backend.url)
    await server.start()
    try:
        audit = await asyncio.create_subprocess_exec(
            "node",
            str(SCRIPT),
            f"{server.base}/graphql",
            env={**os.environ, "GRAPHQL_HTTP_DIR": str(NODE_DEPS)},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(audit.communicate(), timeout=120)
    finally:
        await server.stop()
    assert audit.returncode == 0, err.decode()
    results = json.loads(out)
    assert len(results) > 50, results  # the whole suite ran
    failed = [f"{r['status']} {r['id']} {r['name']}: {r.get('reason')}" for r in results]
    failed = [line for line, r in zip(failed, results, strict=True) if r["status"] != "ok"]
    assert failed == []
