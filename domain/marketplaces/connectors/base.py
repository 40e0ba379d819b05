"""The connector interface every marketplace module implements, and the shapes it speaks in.

A connector speaks one marketplace's HTTP API for one seller account. It holds no database
state: the sync jobs give it what to send and store what it returns. Failures come back as
``MarketplaceError`` with a stable code; ``retryable`` and ``retry_after`` tell the job runner
whether and when to try again (a 429 carries the marketplace's own wait).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


class MarketplaceError(Exception):
    """A marketplace call failed. ``code`` is stable; ``detail`` never holds personal data."""

    code = "MARKETPLACE_ERROR"
    retryable = False

    def __init__(self, detail: str, *, status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.retry_after: float | None = None


class Throttled(MarketplaceError):
    code = "THROTTLED"
    retryable = True

    def __init__(self, detail: str, *, retry_after: float | None, status: int = 429) -> None:
        super().__init__(detail, status=status)
        self.retry_after = retry_after


class Unavailable(MarketplaceError):
    """A 5xx or a network failure: worth another try later."""

    code = "UNAVAILABLE"
    retryable = True


class AuthFailed(MarketplaceError):
    """The credentials were refused even after a fresh access token: reconnect."""

    code = "AUTH_FAILED"


class Malformed(MarketplaceError):
    """The marketplace answered something that is not the documented shape."""

    code = "MALFORMED_RESPONSE"
    retryable = True


class Rejected(MarketplaceError):
    """The marketplace refused the request itself (4xx other than auth and throttling)."""

    code = "REJECTED"


@dataclass(frozen=True)
class ListingDraft:
    """What listing sync sends: catalogue data only, never anyone's personal data."""

    sku: str
    title: str
    price: Decimal
    currency: str
    quantity: int
    description: str | None = None


@dataclass(frozen=True)
class PublishedListing:
    sku: str
    external_id: str
    status: str


@dataclass(frozen=True)
class StockLevel:
    sku: str
    quantity: int


@dataclass(frozen=True)
class RemoteAddress:
    name: str
    line1: str
    city: str
    postal_code: str
    country: str
    line2: str | None = None
    state: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class RemoteLine:
    line_id: str
    sku: str
    quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class RemoteOrder:
    external_id: str
    placed_at: datetime
    updated_at: datetime
    status: str
    currency: str
    buyer_name: str
    buyer_email: str | None
    buyer_phone: str | None
    shipping: RemoteAddress
    lines: tuple[RemoteLine, ...]


@dataclass(frozen=True)
class OrderPage:
    orders: tuple[RemoteOrder, ...]
    next_cursor: str | None


@dataclass(frozen=True)
class Shipment:
    """What fulfilment sends: the order's marketplace id, carrier and tracking, no contact."""

    external_order_id: str
    carrier: str
    tracking_number: str
    shipped_at: datetime


@dataclass(frozen=True)
class Report:
    kind: str
    metrics: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CredentialField:
    name: str
    secret: bool
    description: str


class Connector(ABC):
    """One seller account on one marketplace."""

    credential_fields: tuple[CredentialField, ...] = ()

    @abstractmethod
    async def verify(self) -> str:
        """Exchange the credentials for an access token; return the seller's account id."""

    @abstractmethod
    async def publish_listing(self, draft: ListingDraft) -> PublishedListing:
        """Create or replace the listing of ``draft.sku``."""

    @abstractmethod
    async def push_stock(self, levels: list[StockLevel]) -> None:
        """Set the sellable quantity of each SKU."""

    @abstractmethod
    async def pull_orders(self, *, since: datetime, cursor: str | None = None) -> OrderPage:
        """Orders created or changed since ``since``, a page at a time."""

    @abstractmethod
    async def push_fulfilment(self, shipment: Shipment) -> str:
        """Mark every line of the order shipped with this tracking; returns the remote id."""

    @abstractmethod
    async def pull_report(self) -> Report:
        """The seller's current performance figures."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release the HTTP client if the connector made it."""
