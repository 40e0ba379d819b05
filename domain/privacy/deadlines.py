"""Which law applies to a person, and the deadlines it sets for answering their requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

from domain.privacy.request_models import Regime, RequestType

# The EU and EEA apply the GDPR; the United Kingdom its own copy of it (UK GDPR).
GDPR_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
        "GB",
    ]
)
CCPA_COUNTRIES = frozenset({"US"})  # Mandi answers every US resident as the CCPA asks

MINOR_DATA_DEADLINE = timedelta(days=3)


@dataclass(frozen=True)
class Deadline:
    answer_within: relativedelta
    extend_by_at_most: relativedelta
    complain_to: str


DEADLINES: dict[Regime, Deadline] = {
    Regime.GDPR: Deadline(
        relativedelta(months=1),
        relativedelta(months=2),
        "the data protection supervisory authority of the country where you live or work",
    ),
    Regime.CCPA: Deadline(
        relativedelta(days=45),
        relativedelta(days=45),
        "the California Privacy Protection Agency or the California Attorney General",
    ),
    Regime.OTHER: Deadline(
        relativedelta(days=30),
        relativedelta(days=30),
        "the data protection authority of your country (in India, the Data Protection Board)",
    ),
}


def regime_for(country: str | None) -> Regime:
    code = (country or "").upper()
    if code in GDPR_COUNTRIES:
        return Regime.GDPR
    if code in CCPA_COUNTRIES:
        return Regime.CCPA
    return Regime.OTHER


def due_at(regime: Regime, kind: RequestType, received: datetime) -> datetime:
    if kind is RequestType.MINOR_DATA:
        return received + MINOR_DATA_DEADLINE
    return received + DEADLINES[regime].answer_within


def latest_extension(regime: Regime, original_due: datetime) -> datetime:
    return original_due + DEADLINES[regime].extend_by_at_most
