"""What GDPR Art. 15 asks an export to tell besides the data: purposes, recipients, retention,
source, rights, complaint, automated decisions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain.orders.models import Order
from domain.personal import Category
from domain.privacy.deadlines import DEADLINES
from domain.privacy.request_models import Regime
from domain.privacy.retention import RETENTION

PURPOSES: dict[Category, str] = {
    Category.NAME: "identify you to the people you work with, and buyers to ship their orders",
    Category.USERNAME: "sign you in",
    Category.CONTACT_EMAIL: "sign-in, security and service messages; buyers: order updates",
    Category.CONTACT_PHONE: "reach you about your account; buyers: delivery",
    Category.CONTACT_ADDRESS: "ship orders and issue invoices (place of supply)",
    Category.TAX_ID: "issue GST invoices as the law requires",
    Category.CREDENTIALS: "keep your account secure",
    Category.DEVICE_IP: "security: sign-in history, fraud and abuse prevention",
    Category.DEVICE_USER_AGENT: "security: recognise your sessions and devices",
    Category.COMMUNICATION: "answer the support requests you made",
    Category.AGE_ATTESTATION: "Mandi serves adults only",
    Category.LOCATION_COUNTRY: "know which privacy law applies to you",
    Category.SHIPMENT_TRACKING: "buyers: tell the marketplace and the buyer where the parcel is",
    Category.SUBJECT_EXPORT: "give you a copy of your data",
}

SERVICE_PROVIDERS = (
    {
        "recipient": "hosting and database provider (processor)",
        "receives": "all data Mandi holds, encrypted at rest",
        "transfer_safeguard": "data stored in India; outside the EEA under the EU Commission's "
        "standard contractual clauses (2021/914)",
    },
    {
        "recipient": "email delivery provider (processor)",
        "receives": "your email address and the messages Mandi sends you",
        "transfer_safeguard": "standard contractual clauses (2021/914)",
    },
    {
        "recipient": "error reporting (processor)",
        "receives": "technical error reports with every personal value removed",
        "transfer_safeguard": "standard contractual clauses (2021/914)",
    },
)

RIGHTS = (
    "access and portability: privacyRequestCreate(type: ACCESS or PORTABILITY)",
    "correction: viewerProfileCorrect, or privacyRequestCreate(type: CORRECTION)",
    "erasure: privacyRequestCreate(type: ERASURE)",
    "restriction and objection: processingRestrictionCreate",
    "withdraw consent and opt out of sale or sharing at any time: consentRecord, ccpaOptOut",
)

NO_AUTOMATED_DECISIONS = (
    "Mandi makes no decision based solely on automated processing, including profiling, that "
    "has legal or similarly significant effects on you (GDPR Art. 22)."
)


async def recipients(kind: str, subject_id: int) -> list[dict[str, Any]]:
    """Who received the person's data: the marketplaces a buyer's orders came through, the
    seller, and Mandi's service providers."""
    found: list[dict[str, Any]] = []
    if kind == "customer":
        orders = await Order.filter(customer_id=subject_id).values_list(
            "marketplace", "organization_id"
        )
        for marketplace in sorted({str(m) for m, _ in orders}):
            found.append(
                {
                    "recipient": f"marketplace: {marketplace}",
                    "receives": "order, shipping and fulfilment updates of your orders",
                    "transfer_safeguard": "the marketplace's own terms with you",
                }
            )
        for organization_id in sorted({o for _, o in orders}):
            found.append(
                {
                    "recipient": f"seller (organization {organization_id}), the controller",
                    "receives": "your orders and contact data",
                    "transfer_safeguard": "none needed (the seller holds your orders)",
                }
            )
    return [*found, *SERVICE_PROVIDERS]


def source(kind: str) -> str:
    if kind == "customer":
        return (
            "the marketplace you ordered through passed your order to the seller, who keeps it "
            "in Mandi"
        )
    return "you, when you signed up and used Mandi, and your devices when you signed in"


async def information(
    kind: str, subject_id: int, regime: Regime, categories: Iterable[Category]
) -> dict[str, Any]:
    held = sorted(set(categories), key=str)
    return {
        "purposes": {str(c): PURPOSES[c] for c in held},
        "categories": [str(c) for c in held],
        "recipients": await recipients(kind, subject_id),
        "retention": {
            str(c): {"period": RETENTION[c].period, "basis": RETENTION[c].basis} for c in held
        },
        "source": source(kind),
        "rights": list(RIGHTS),
        "complaint": DEADLINES[regime].complain_to,
        "automated_decision_making": NO_AUTOMATED_DECISIONS,
    }
