"""Where each marketplace's API lives, and the Mandi app's own client credentials.

Base URLs default to production; set them to a sandbox (or a local fake) with the variables
below. The app credentials (LWA / eBay developer client id and secret) are Mandi's, not a
seller's: they come only from the environment, like every secret.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

AMAZON_REGIONS = {
    "na": "https://sellingpartnerapi-na.amazon.com",
    "eu": "https://sellingpartnerapi-eu.amazon.com",
    "fe": "https://sellingpartnerapi-fe.amazon.com",
}


@dataclass(frozen=True)
class AppCredentials:
    client_id: str
    client_secret: str


def _app(prefix: str) -> AppCredentials:
    return AppCredentials(
        client_id=os.environ.get(f"{prefix}_CLIENT_ID", ""),
        client_secret=os.environ.get(f"{prefix}_CLIENT_SECRET", ""),
    )


def amazon_app() -> AppCredentials:
    return _app("MANDI_AMAZON")


def amazon_token_url() -> str:
    return os.environ.get("MANDI_AMAZON_LWA_URL", "https://api.amazon.com/auth/o2/token")


def amazon_api_url(region: str) -> str:
    """``MANDI_AMAZON_SPAPI_URL`` (a sandbox or fake) or the region's production endpoint."""
    return os.environ.get("MANDI_AMAZON_SPAPI_URL") or AMAZON_REGIONS[region]


def ebay_app() -> AppCredentials:
    return _app("MANDI_EBAY")


def ebay_api_url() -> str:
    """``MANDI_EBAY_API_URL``: production by default, ``https://api.sandbox.ebay.com`` for the
    sandbox."""
    return os.environ.get("MANDI_EBAY_API_URL", "https://api.ebay.com")
