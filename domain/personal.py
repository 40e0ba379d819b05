"""The personal-data declaration: each model says which fields are personal data and whose.

A model declares ``personal_data = PersonalData(subject=..., fields={...})`` or, when it holds
none, ``personal_data = NO_PERSONAL_DATA.because("...")``. The registry reads these declarations
and is the only list of personal fields: authorization, audit, export, erasure, encryption and
error scrubbing all derive from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any


class Category(StrEnum):
    CONTACT_EMAIL = "contact.email"
    CONTACT_PHONE = "contact.phone"
    CONTACT_ADDRESS = "contact.address"
    NAME = "name"
    USERNAME = "identifier.username"
    TAX_ID = "financial.tax_id"
    CREDENTIALS = "credentials"
    DEVICE_IP = "device.ip"
    DEVICE_USER_AGENT = "device.user_agent"
    COMMUNICATION = "communication"
    AGE_ATTESTATION = "demographic.age_attestation"
    LOCATION_COUNTRY = "location.country"
    SHIPMENT_TRACKING = "shipment.tracking"
    SUBJECT_EXPORT = "export.subject_data"  # a copy of everything held about one person


class SubjectKind(StrEnum):
    USER = "user"
    CUSTOMER = "customer"
    ORGANIZATION = "organization"
    PERSON = "person"  # a user or a customer, named by the row (Subject.kind_via)


@dataclass(frozen=True)
class Subject:
    """Whose data a row holds: ``kind`` of person and the attribute holding their id.

    Rows that may be about a user or a customer (privacy records) name the attribute holding
    the kind in ``kind_via`` and declare ``SubjectKind.PERSON``.
    """

    kind: SubjectKind
    via: str = "id"
    kind_via: str | None = None
    # Only rows with these values are about a person (an audit entry's network details are its
    # actor's only when the actor is a person, not a token or the system).
    when: Mapping[str, Any] = field(default_factory=dict)

    def subject_id(self, obj: Any) -> Any:
        for name, value in self.when.items():
            found = getattr(obj, name)
            if getattr(found, "value", found) != value:
                return None
        return getattr(obj, self.via)

    def kind_of(self, obj: Any) -> str:
        if self.kind_via is None:
            return self.kind.value
        value = getattr(obj, self.kind_via)
        return str(getattr(value, "value", value))

    def holds(self, kind: str) -> bool:
        """True when rows under this declaration may be about a person of ``kind``."""
        return self.kind_via is not None or self.kind.value == kind


@dataclass(frozen=True)
class PersonalData:
    subject: Subject | None
    fields: Mapping[str, Category] = field(default_factory=dict)
    reason: str = ""
    # Personal fields stored as something other than a sealed value, each with the reason
    # (a one-way hash looked up by equality, a value encrypted by its own scheme...).
    unsealed: Mapping[str, str] = field(default_factory=dict)

    def because(self, reason: str) -> PersonalData:
        """A declaration of no personal data, with the reason written down."""
        return replace(self, reason=reason)

    @property
    def is_personal(self) -> bool:
        return bool(self.fields)


NO_PERSONAL_DATA = PersonalData(subject=None)


def declaration(model: type) -> PersonalData | None:
    value = model.__dict__.get("personal_data")
    return value if isinstance(value, PersonalData) else None


def registry(models: Mapping[str, type]) -> dict[str, PersonalData]:
    """Every model's declaration by model name; raises if a model declares nothing."""
    found: dict[str, PersonalData] = {}
    for name, model in models.items():
        decl = declaration(model)
        if decl is None:
            raise LookupError(f"model {name} does not declare personal_data")
        found[name] = decl
    return found


def personal_fields(models: Mapping[str, type]) -> Iterator[tuple[str, str, Category]]:
    """(model name, field name, category) for every personal field of every model."""
    for name, decl in registry(models).items():
        for field_name, category in decl.fields.items():
            yield name, field_name, category
