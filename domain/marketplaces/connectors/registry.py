"""Which connector speaks for which marketplace. A new marketplace: one module, one line here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from domain.marketplaces.connectors.amazon import AmazonConnector
from domain.marketplaces.connectors.base import Connector
from domain.marketplaces.connectors.ebay import EbayConnector
from domain.marketplaces.models import Marketplace

CONNECTORS: Mapping[Marketplace, type[Connector]] = {
    Marketplace.AMAZON: AmazonConnector,
    Marketplace.EBAY: EbayConnector,
}


def connector_for(
    marketplace: Marketplace,
    credentials: Mapping[str, Any],
    client: httpx.AsyncClient | None = None,
) -> Connector:
    """A connector for one seller account; KeyError if Mandi cannot connect to ``marketplace``."""
    return CONNECTORS[marketplace](credentials, client)  # type: ignore[call-arg]
