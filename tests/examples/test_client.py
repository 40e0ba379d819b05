"""examples/client.py, the README's way to start, against a live ``mandi serve`` with the demo
data: it signs in, pages through every order with cursors, and adjusts stock once (a retry
with the same idempotency key is replayed). And the README's curl commands, run as written."""

from __future__ import annotations

import json
import os
import re
import shutil
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


@pytest.fixture(scope="module")
def server(backend, tmp_path_factory) -> Iterator[str]:
    """``mandi migrate``, ``mandi seed-demo`` and ``mandi serve`` as make run does them."""
    tmp_path = tmp_path_factory.mktemp("served")
    with empty_database_env(backend, tmp_path) as env:
        env["PORT"] = str(port := _free_port())
        for step in (["migrate"], ["seed-demo", "--if-empty"]):
            subprocess.run(  # noqa: S603 - our own console script
                [MANDI, *step], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120
            )
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


def _readme_blocks(after: str, before: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(after) : text.index(before)]
    return re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)


def _sh(script: str, **env: str) -> list[dict]:
    """Run a README block with bash; each curl prints one JSON answer."""
    assert shutil.which("curl"), "the README's examples use curl"
    done = subprocess.run(  # noqa: S603 - the README's own commands
        ["bash", "-euo", "pipefail", "-c", script],  # noqa: S607
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    answers, text, at = [], done.stdout, 0
    while at < len(text):
        answer, at = json.JSONDecoder().raw_decode(text, at)
        answers.append(answer)
    return answers


def test_the_readmes_curl_commands_do_what_it_says(server, tmp_path):
    """The demo's cookie calls with X-Requested-With, then a partner token made and used."""
    api = f"API={server}\n"
    cwd = {"HOME": str(tmp_path)}
    (demo,) = _readme_blocks("## Demo accounts", "## Your first client")
    signed_in, orders = _sh(f"cd {tmp_path}\n" + api + demo.split("\n", 1)[1], **cwd)
    assert signed_in["data"]["sessionCreate"] == {"user": {"username": "manager"}, "errors": []}
    assert orders["data"] == {"orders": {"totalCount": 18}}

    create, use = _readme_blocks("**A server-side integration", "A token acts only")
    owner, viewer, placeholder = _sh(f"cd {tmp_path}\n" + api + create, **cwd)
    assert owner["data"]["sessionCreate"]["errors"] == []
    (membership,) = viewer["data"]["viewer"]["memberships"]["nodes"]
    assert membership["role"] == "OWNER"
    org = membership["organization"]["id"]
    # Run as written, the placeholder is an id of nothing: NOT_FOUND, no token.
    assert placeholder["data"]["partnerTokenCreate"]["errors"][0]["code"] == "NOT_FOUND"
    (_, _, token) = _sh(f"cd {tmp_path}\n" + api + create.replace("ORGANIZATION_ID", org), **cwd)
    secret = token["data"]["partnerTokenCreate"]["secret"]
    assert secret.startswith("mandi_pt_")
    (answer,) = _sh(api + use, MANDI_TOKEN=secret)
    assert answer["data"]["orders"]["totalCount"] == 18
