"""The fake marketplaces, served over real HTTP on a free local port for the whole run.

Each test gets them empty (``fakes``), with Mandi's marketplace settings pointing at them the
way a sandbox would be configured, and a seller refresh token each marketplace accepts.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.routing import Mount

from tests.marketplaces import fake_amazon, fake_ebay
from tests.marketplaces.fake_amazon import AmazonState
from tests.marketplaces.fake_base import reset
from tests.marketplaces.fake_ebay import EbayState

AMAZON_REFRESH = "Atzr|seller-refresh-token"
EBAY_REFRESH = "v^1.1#i^1#seller-refresh-token"


@dataclass
class Fakes:
    url: str
    amazon: AmazonState
    ebay: EbayState

    def amazon_credentials(self, **changes: object) -> dict:
        return {
            "refresh_token": AMAZON_REFRESH,
            "seller_id": "A3SELLER0001",
            "marketplace_ids": ["A21TJRUUN4KGV"],
            "region": "eu",
        } | changes

    def ebay_credentials(self, **changes: object) -> dict:
        return {
            "refresh_token": EBAY_REFRESH,
            "seller_id": "bharat-crafts",
            "marketplace_id": "EBAY_US",
        } | changes


@pytest.fixture(scope="session")
def fake_server() -> Iterator[Fakes]:
    amazon, ebay = AmazonState(), EbayState()
    app = Starlette(
        routes=[Mount("/amazon", fake_amazon.build(amazon)), Mount("/ebay", fake_ebay.build(ebay))]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the fake marketplaces did not start"
    try:
        yield Fakes(url=f"http://127.0.0.1:{port}", amazon=amazon, ebay=ebay)
    finally:
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


@pytest.fixture
def fakes(fake_server: Fakes, monkeypatch: pytest.MonkeyPatch) -> Fakes:
    for state in (fake_server.amazon, fake_server.ebay):
        reset(state)
    fake_server.amazon.refresh_tokens.add(AMAZON_REFRESH)
    fake_server.ebay.refresh_tokens.add(EBAY_REFRESH)
    url = fake_server.url
    settings = {
        "MANDI_AMAZON_LWA_URL": f"{url}/amazon/auth/o2/token",
        "MANDI_AMAZON_SPAPI_URL": f"{url}/amazon",
        "MANDI_AMAZON_CLIENT_ID": fake_amazon.CLIENT_ID,
        "MANDI_AMAZON_CLIENT_SECRET": fake_amazon.CLIENT_SECRET,
        "MANDI_EBAY_API_URL": f"{url}/ebay",
        "MANDI_EBAY_CLIENT_ID": fake_ebay.CLIENT_ID,
        "MANDI_EBAY_CLIENT_SECRET": fake_ebay.CLIENT_SECRET,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return fake_server
