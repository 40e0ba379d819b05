"""Writing and reading the disclosure log: who received which categories of whose data, why.

It answers "was my information sold or disclosed, and to whom" (CCPA 1798.110/115) and the
recipients section of a person's export (GDPR Art. 15(1)(c)). Each row names the recipient and
its country, the categories (never values), the purpose and legal basis, and the transfer
safeguard when the recipient is in another country than the seller.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.marketplaces.disclosure_models import Disclosure
from domain.marketplaces.models import Marketplace, MarketplaceConnection
from domain.marketplaces.sharing import LEGAL_BASIS, Purpose
from domain.personal import Category

# Where a marketplace's sites are run from (the recipient of what is sent for them).
MARKETPLACE_COUNTRY = {
    "A21TJRUUN4KGV": "IN",
    "ATVPDKIKX0DER": "US",
    "A2EUQ1WTGCTBG2": "CA",
    "A1F83G8C2ARO7P": "GB",
    "A1PA6795UKMFR9": "DE",
    "A13V1IB3VIYZZH": "FR",
    "A1VC38T7YXB528": "JP",
    "EBAY_US": "US",
    "EBAY_GB": "GB",
    "EBAY_DE": "DE",
    "EBAY_AU": "AU",
    "EBAY_CA": "CA",
}
REGION_COUNTRY = {"na": "US", "eu": "LU", "fe": "JP"}
RECIPIENT = {Marketplace.AMAZON: "Amazon (Selling Partner API)", Marketplace.EBAY: "eBay"}
SAFEGUARD = (
    "cross-border transfer under the marketplace's seller agreement and its data protection "
    "terms (standard contractual clauses where no adequacy decision applies)"
)


def recipient_country(connection: MarketplaceConnection) -> str:
    settings = connection.settings or {}
    ids = settings.get("marketplace_ids") or [settings.get("marketplace_id")]
    if ids and ids[0] in MARKETPLACE_COUNTRY:
        return MARKETPLACE_COUNTRY[ids[0]]
    return REGION_COUNTRY.get(settings.get("region", ""), "US")


async def record(
    *,
    connection: MarketplaceConnection,
    seller_country: str,
    subject_kind: str,
    subject_id: int,
    categories: Iterable[Category],
    purpose: Purpose,
    job_id: int | None,
) -> Disclosure:
    country = recipient_country(connection)
    return await Disclosure.create(
        organization_id=connection.organization_id,
        connection_id=connection.id,
        recipient=RECIPIENT.get(Marketplace(connection.marketplace), str(connection.marketplace)),
        recipient_country=country,
        subject_kind=subject_kind,
        subject_id=subject_id,
        categories=sorted(c.value for c in categories),
        purpose=purpose.value,
        legal_basis=LEGAL_BASIS[purpose],
        transfer_safeguard=SAFEGUARD if country != seller_country else None,
        job_id=job_id,
    )


async def recipients_of(subject_kind: str, subject_id: int) -> list[dict[str, Any]]:
    """One line per recipient, purpose and basis: what a person's export lists."""
    rows = await Disclosure.filter(subject_kind=subject_kind, subject_id=subject_id).order_by("id")
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row.recipient, row.recipient_country, row.purpose)
        entry = merged.setdefault(
            key,
            {
                "recipient": row.recipient,
                "country": row.recipient_country,
                "purpose": row.purpose,
                "legal_basis": row.legal_basis,
                "transfer_safeguard": row.transfer_safeguard,
                "categories": set(),
                "first": row.disclosed_at,
                "last": row.disclosed_at,
                "count": 0,
            },
        )
        entry["categories"].update(row.categories)
        entry["last"] = row.disclosed_at
        entry["count"] += 1
    return [{**e, "categories": sorted(e["categories"])} for e in merged.values()]
