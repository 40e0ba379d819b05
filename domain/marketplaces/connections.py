"""Connecting and disconnecting a seller account: checked with the marketplace, sealed at rest.

The refresh token is sealed (``domain/secretbox.py``) to its row and column, never returned,
and set to NULL on disconnect, when the connection's queued jobs are cancelled too. What is not
secret (marketplace ids, region) is kept in ``settings`` so it can be shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from tortoise.transactions import in_transaction

from domain import secretbox
from domain.accounts.models import Organization
from domain.errors import Conflict, DomainError, ValidationFailed
from domain.marketplaces import triggers
from domain.marketplaces.connectors.base import MarketplaceError
from domain.marketplaces.connectors.registry import CONNECTORS, connector_for
from domain.marketplaces.endpoints import AMAZON_REGIONS
from domain.marketplaces.models import (
    ConnectionStatus,
    Listing,
    ListingStatus,
    Marketplace,
    MarketplaceConnection,
)
from domain.marketplaces.sync_models import JobStatus, SyncJob

SELLER_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
AMAZON_MARKETPLACE_ID = re.compile(r"[A-Z0-9]{10,14}")
EBAY_MARKETPLACE_ID = re.compile(r"EBAY_[A-Z]{2,3}")
MAX_TOKEN = 2048
MAX_CONNECTIONS = 20  # seller accounts per organization, so a product's listings list is whole


class MarketplaceRefused(DomainError):
    """The marketplace turned the credentials or the request down."""

    code = "MARKETPLACE_REFUSED"


class MarketplaceUnavailable(DomainError):
    """The marketplace could not be reached or answered nonsense; try again later."""

    code = "MARKETPLACE_UNAVAILABLE"


@dataclass(frozen=True)
class ConnectRequest:
    marketplace: Marketplace
    seller_id: str
    refresh_token: str
    marketplace_ids: Sequence[str]
    region: str | None = None


def _context(connection_id: int) -> str:
    return f"marketplace_connection:{connection_id}:credentials_encrypted"


def _settings(request: ConnectRequest) -> dict[str, Any]:
    ids = list(dict.fromkeys(request.marketplace_ids))
    if request.marketplace is Marketplace.AMAZON:
        if not 1 <= len(ids) <= 20 or not all(AMAZON_MARKETPLACE_ID.fullmatch(m) for m in ids):
            raise ValidationFailed("1 to 20 Amazon marketplace ids", field="marketplaceIds")
        region = (request.region or "").lower()
        if region not in AMAZON_REGIONS:
            raise ValidationFailed("region is na, eu or fe", field="region")
        return {"marketplace_ids": ids, "region": region}
    if len(ids) != 1 or not EBAY_MARKETPLACE_ID.fullmatch(ids[0]):
        raise ValidationFailed("one eBay marketplace id, e.g. EBAY_US", field="marketplaceIds")
    return {"marketplace_id": ids[0]}


def _validate(request: ConnectRequest) -> dict[str, Any]:
    if request.marketplace not in CONNECTORS:
        raise ValidationFailed("Mandi cannot connect to this marketplace", field="marketplace")
    if not SELLER_ID.fullmatch(request.seller_id or ""):
        raise ValidationFailed("a seller id of 1 to 64 letters, digits, . _ -", field="sellerId")
    token = request.refresh_token or ""
    if not 8 <= len(token) <= MAX_TOKEN or any(c.isspace() for c in token):
        raise ValidationFailed("not a refresh token", field="refreshToken")
    return _settings(request)


def credentials_of(connection: MarketplaceConnection) -> dict[str, Any]:
    """What a connector needs: the unsealed secret with the connection's settings."""
    if connection.credentials_encrypted is None:
        raise MarketplaceRefused("the connection was disconnected")
    secret = json.loads(
        secretbox.decrypt(connection.credentials_encrypted, context=_context(connection.id))
    )
    return {**connection.settings, **secret, "seller_id": connection.seller_id}


async def _room_for_one(organization_id: int) -> None:
    """Refuse a seller account past ``MAX_CONNECTIONS`` (rows stay when disconnected, and a
    reconnection reuses its row); the organization's row is locked so two cannot both pass."""
    await Organization.filter(id=organization_id).select_for_update().first()
    taken = await MarketplaceConnection.filter(organization_id=organization_id).count()
    if taken >= MAX_CONNECTIONS:
        raise Conflict(
            f"an organization connects at most {MAX_CONNECTIONS} seller accounts", field="sellerId"
        )


def as_domain_error(error: MarketplaceError) -> DomainError:
    if error.retryable:
        return MarketplaceUnavailable(f"the marketplace did not answer usefully: {error.code}")
    return MarketplaceRefused(f"the marketplace refused: {error.code}")


async def connect(
    *,
    organization_id: int,
    request: ConnectRequest,
    actor_id: int | None,
    client: httpx.AsyncClient | None = None,
) -> MarketplaceConnection:
    """Check the credentials with the marketplace, then store them sealed."""
    settings = _validate(request)
    existing = await MarketplaceConnection.filter(
        organization_id=organization_id,
        marketplace=request.marketplace,
        seller_id=request.seller_id,
    ).first()
    # A refused connection (ERROR) is mended by connecting again with fresh credentials.
    if existing and existing.status not in (ConnectionStatus.DISCONNECTED, ConnectionStatus.ERROR):
        raise Conflict("this seller account is already connected", field="sellerId")
    secret = {"refresh_token": request.refresh_token}
    connector = connector_for(
        request.marketplace, {**settings, **secret, "seller_id": request.seller_id}, client
    )
    try:
        await connector.verify()
    except MarketplaceError as error:
        raise as_domain_error(error) from None
    finally:
        await connector.aclose()
    now = datetime.now(UTC)
    values: dict[str, Any] = {
        "status": ConnectionStatus.ACTIVE,
        "settings": settings,
        "connected_by_id": actor_id,
        "connected_at": now,
        "disconnected_at": None,
        "last_error_code": None,
        "last_error_at": None,
    }
    async with in_transaction():
        if existing:
            connection = existing
            connection.update_from_dict(values)
        else:
            await _room_for_one(organization_id)
            connection = await MarketplaceConnection.create(
                organization_id=organization_id,
                marketplace=request.marketplace,
                seller_id=request.seller_id,
                **values,
            )
        connection.credentials_encrypted = secretbox.encrypt(
            json.dumps(secret), context=_context(connection.id)
        )
        await connection.save()
        await triggers.connected(connection)
    return connection


async def disconnect(*, connection: MarketplaceConnection) -> MarketplaceConnection:
    """Forget the credentials and cancel the connection's open jobs; the row stays as history."""
    if connection.status == ConnectionStatus.DISCONNECTED:
        raise Conflict("this connection is already disconnected")
    now = datetime.now(UTC)
    async with in_transaction():
        await MarketplaceConnection.filter(id=connection.id).update(
            status=ConnectionStatus.DISCONNECTED, credentials_encrypted=None, disconnected_at=now
        )
        await SyncJob.filter(
            connection_id=connection.id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
        ).update(status=JobStatus.CANCELLED, open_key=None, finished_at=now)
        await Listing.filter(connection_id=connection.id).update(status=ListingStatus.INACTIVE)
    await connection.refresh_from_db()
    return connection
