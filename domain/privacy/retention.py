"""How long each category of personal data is kept, and why: the one retention table.

The README shows this table; the Art. 15 information in an export quotes it, and
``mandi retention purge`` applies the periods that run on their own (the rest end with erasure).
"""

from __future__ import annotations

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from domain.personal import Category


@dataclass(frozen=True)
class Retention:
    period: str  # in words, for people
    basis: str  # why it is kept that long
    expires_after: relativedelta | None = None  # a period that runs on its own, for the purge


GST_RECORDS = relativedelta(months=72)  # CGST Act s. 36: accounts kept 72 months
SECURITY_LOGS = relativedelta(months=12)
EXPORT_LINK = relativedelta(days=7)

_ACCOUNT = "while the account is open; erased on request or when it is closed"
_BUYER = "while the seller serves the buyer; on erasure the order keeps no contact data"
# an order's shipping state and country are its place of supply, on the GST invoice
_BUYER_ADDRESS = (
    "while the seller serves the buyer; on erasure the order keeps only the state and country "
    "it shipped to (the place of supply on its GST invoice, 72 months)"
)

RETENTION: dict[Category, Retention] = {
    Category.NAME: Retention(_ACCOUNT + "; buyers: " + _BUYER, "contract (GDPR Art. 6(1)(b))"),
    Category.USERNAME: Retention(_ACCOUNT, "contract (GDPR Art. 6(1)(b))"),
    Category.CONTACT_EMAIL: Retention(_ACCOUNT + "; buyers: " + _BUYER, "contract"),
    Category.CONTACT_PHONE: Retention(_ACCOUNT + "; buyers: " + _BUYER, "contract"),
    Category.CONTACT_ADDRESS: Retention(
        _ACCOUNT + "; buyers: " + _BUYER_ADDRESS,
        "contract; the place of supply: Indian GST law, CGST Act s. 35-36",
    ),
    Category.TAX_ID: Retention(
        "72 months after the tax period (GSTIN and place of supply on invoices)",
        "legal obligation: Indian GST law, CGST Act s. 35-36 (GDPR Art. 6(1)(c))",
        GST_RECORDS,
    ),
    Category.CREDENTIALS: Retention(
        "while the account is open; one-time tokens until used or expired",
        "security of the account (GDPR Art. 6(1)(b) and 32)",
    ),
    Category.DEVICE_IP: Retention(
        "12 months (sign-in history and sessions); audit entries as long as the audit log",
        "legitimate interest in security and fraud prevention (GDPR Art. 6(1)(f))",
        SECURITY_LOGS,
    ),
    Category.DEVICE_USER_AGENT: Retention(
        "12 months (sign-in history and sessions); audit entries as long as the audit log",
        "legitimate interest in security and fraud prevention (GDPR Art. 6(1)(f))",
        SECURITY_LOGS,
    ),
    Category.COMMUNICATION: Retention(
        "while the account is open; erased on request", "contract (support you asked for)"
    ),
    Category.AGE_ATTESTATION: Retention(
        # domain/privacy/erasure.py KEPT_FIELDS: the one field erasure keeps on an account
        "while the account is open; on erasure only its date stays, with the anonymized account "
        "(no name or contact data), as proof the account was opened by an adult",
        "legal obligation: services for adults only (GDPR Art. 6(1)(c), Art. 8, 17(3)(b))",
    ),
    Category.LOCATION_COUNTRY: Retention(_ACCOUNT, "which privacy law applies to you"),
    Category.SHIPMENT_TRACKING: Retention(
        _BUYER + "; the shipment keeps its carrier and dates",
        "contract: delivering the order and answering the marketplace (GDPR Art. 6(1)(b))",
    ),
    Category.SUBJECT_EXPORT: Retention(
        "7 days or until you download it, whichever is first",
        "your request (GDPR Art. 15, 20)",
        EXPORT_LINK,
    ),
}
