"""The decision inputs of every resource: the only attributes of a row the policy may read.

Each model maps the attribute names the Polar rules use to its columns, and says how a value is
seen relative to the principal. The same declaration drives three things:

- the classes registered with Oso (``fields=`` for data filtering, so filters use these columns),
- the stand-in each in-memory decision is made on: a bare instance of the model carrying only
  these attributes (a rule reading anything else fails loudly instead of deciding),
- the decision-cache key: (model, the stand-in's values). Two rows with the same key are
  indistinguishable to the policy, so a cached decision is never wrong for either.

Normalizing a value (``SELF``, ``USER_SUBJECT``, ``CUSTOMER_SUBJECT``) replaces ids the policy
only compares with the principal's own id or its open access grants by 0 (never a real id) when
they match neither: a page of orders of 50 different buyers costs one decision, not fifty.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import Enum
from operator import attrgetter
from typing import Any

from tortoise.models import Model

from audit.models import AuditCheckpoint, AuditEntry
from authz.principal import Principal
from domain.accounts.auth_models import (
    EmailChange,
    EmailOutbox,
    LoginChallenge,
    LoginEvent,
    PartnerToken,
    PasswordReset,
    RecoveryCode,
    SignUpConfirmation,
)
from domain.accounts.models import Membership, Organization, PlatformRoleGrant, User, WebSession
from domain.catalog.models import Product
from domain.inventory.models import InventoryMovement, StockLevel, Warehouse
from domain.marketplaces.disclosure_models import Disclosure
from domain.marketplaces.models import Listing, MarketplaceConnection
from domain.marketplaces.sync_models import Shipment, SyncJob
from domain.orders.models import Customer, CustomerAddress, Order, OrderLine, OrderStatusChange
from domain.privacy.breach import BreachAffected, BreachIncident
from domain.privacy.consent_models import ConsentEvent
from domain.privacy.models import AccessGrant, PrivacyNotice, ProcessingRestriction
from domain.privacy.policy_versions import PolicyAcceptance, PrivacyPolicyVersion
from domain.privacy.request_models import (
    ExportFile,
    LegalHold,
    PrivacyRequest,
    PrivacyRequestEvent,
    RetainedRecord,
)
from domain.support.models import Ticket, TicketMessage

NOBODY = 0  # stands for "an id that is neither yours nor granted to you"


class Platform:
    """Mandi itself: the resource of actions that belong to no organization yet (creating
    one)."""


PLATFORM = Platform()


class AuditSearch:
    """A search of the audit log, as asked: who may run it, and may they read every entry it
    matches (authz/policies/audit.polar)."""

    def __init__(self, *, subject: str | None, organization_id: int | None) -> None:
        self.subject = subject
        self.organization_id = organization_id


Normalizer = Callable[[Principal, Any], Any]


def plain(_: Principal, value: Any) -> Any:
    """The value itself (enums as their string value)."""
    return value.value if isinstance(value, Enum) else value


def self_id(principal: Principal, value: Any) -> Any:
    """A user id the policy only compares with the principal's own id."""
    return value if value is not None and value == principal.user_id else NOBODY


def user_subject(principal: Principal, value: Any) -> Any:
    """A user id compared with the principal's own id and its open grants on users."""
    if value is not None and (value == principal.user_id or ("user", value) in principal.grants):
        return value
    return NOBODY


def customer_subject(principal: Principal, value: Any) -> Any:
    """A customer id compared only with the principal's open grants on customers."""
    return value if ("customer", value) in principal.grants else NOBODY


class Inputs:
    """Policy attribute -> (column, how it is seen); the Python type is for data filtering."""

    def __init__(self, **attributes: tuple[str, type, Normalizer]) -> None:
        self.attributes = attributes
        columns = [column for column, _, _ in attributes.values()]
        self._normalizers = tuple(normalize for _, _, normalize in attributes.values())
        self._read = attrgetter(*columns) if columns else (lambda _: ())
        self._single = len(columns) == 1
        # Integer columns seen as they are (organization ids) need no call per value: the key
        # of most rows is read in one step (it is made for every object a response holds).
        self._as_is = all(
            normalize is plain and kind is int for _, kind, normalize in attributes.values()
        )

    @property
    def filter_fields(self) -> dict[str, type]:
        return {name: kind for name, (_, kind, _n) in self.attributes.items()}

    def column(self, model: type[Model], attribute: str | None) -> str:
        """The column behind a policy attribute; None (Oso's "the row itself") is the key."""
        if attribute is None:
            return str(model._meta.pk_attr)
        return self.attributes[attribute][0]

    def key(self, principal: Principal, obj: Any) -> tuple[Any, ...]:
        values = self._read(obj)
        if self._single:
            values = (values,)
        if self._as_is:
            return values
        return tuple(
            normalize(principal, value)
            for normalize, value in zip(self._normalizers, values, strict=True)
        )

    def stand_in(self, model: type, key: tuple[Any, ...]) -> Any:
        obj: Any = object.__new__(model)  # none of these classes defines __new__
        obj.__dict__.update(zip(self.attributes, key, strict=True))
        return obj


_ORG = ("organization_id", int, plain)

INPUTS: Mapping[type, Inputs] = {
    Organization: Inputs(organization_id=("id", int, plain)),
    User: Inputs(id=("id", int, user_subject), status=("status", str, plain)),
    Membership: Inputs(
        organization_id=_ORG,
        user_id=("user_id", int, self_id),
        role=("role", str, plain),
    ),
    PlatformRoleGrant: Inputs(user_id=("user_id", int, self_id), role=("role", str, plain)),
    WebSession: Inputs(user_id=("user_id", int, self_id)),
    LoginEvent: Inputs(user_id=("user_id", int, self_id)),
    RecoveryCode: Inputs(user_id=("user_id", int, self_id)),
    LoginChallenge: Inputs(user_id=("user_id", int, self_id)),
    PasswordReset: Inputs(user_id=("user_id", int, self_id)),
    SignUpConfirmation: Inputs(user_id=("user_id", int, self_id)),
    EmailOutbox: Inputs(user_id=("user_id", int, self_id)),
    EmailChange: Inputs(user_id=("user_id", int, self_id)),
    PartnerToken: Inputs(organization_id=_ORG, created_by_id=("created_by_id", int, self_id)),
    Product: Inputs(organization_id=_ORG),
    Warehouse: Inputs(organization_id=_ORG),
    StockLevel: Inputs(organization_id=_ORG),
    InventoryMovement: Inputs(organization_id=_ORG),
    MarketplaceConnection: Inputs(organization_id=_ORG),
    Listing: Inputs(organization_id=_ORG),
    SyncJob: Inputs(organization_id=_ORG),
    Shipment: Inputs(organization_id=_ORG, customer_id=("customer_id", int, customer_subject)),
    Disclosure: Inputs(organization_id=_ORG),
    Customer: Inputs(organization_id=_ORG, id=("id", int, customer_subject)),
    CustomerAddress: Inputs(
        organization_id=_ORG, customer_id=("customer_id", int, customer_subject)
    ),
    Order: Inputs(
        organization_id=_ORG,
        status=("status", str, plain),
        customer_id=("customer_id", int, customer_subject),
    ),
    OrderLine: Inputs(organization_id=_ORG),
    Ticket: Inputs(organization_id=_ORG, opened_by_id=("opened_by_id", int, self_id)),
    TicketMessage: Inputs(organization_id=_ORG, author_id=("author_id", int, self_id)),
    AccessGrant: Inputs(
        organization_id=("organization_id", int, plain),
        grantee_id=("grantee_id", int, self_id),
        subject_kind=("subject_kind", str, plain),
        subject_id=("subject_id", int, user_subject),
    ),
    ProcessingRestriction: Inputs(
        organization_id=("organization_id", int, plain),
        subject_kind=("subject_kind", str, plain),
        subject_id=("subject_id", int, user_subject),
    ),
    PrivacyNotice: Inputs(
        organization_id=("organization_id", int, plain),
        subject_kind=("subject_kind", str, plain),
        subject_id=("subject_id", int, user_subject),
    ),
    PrivacyRequest: Inputs(
        organization_id=("organization_id", int, plain),
        subject_kind=("subject_kind", str, plain),
        subject_id=("subject_id", int, user_subject),
        type=("type", str, plain),
    ),
    LegalHold: Inputs(organization_id=("organization_id", int, plain)),
    # no rule reads an export: it leaves only through its one-time link (api/privacy/download.py)
    ExportFile: Inputs(organization_id=("organization_id", int, plain)),
    RetainedRecord: Inputs(organization_id=("organization_id", int, plain)),
    ConsentEvent: Inputs(user_id=("user_id", int, self_id)),
    BreachIncident: Inputs(),
    PrivacyPolicyVersion: Inputs(),
    PolicyAcceptance: Inputs(user_id=("user_id", int, self_id)),
    # decided by platform role, or by owning the entry's organization
    AuditEntry: Inputs(organization_id=("organization_id", int, plain)),
    AuditCheckpoint: Inputs(),
    AuditSearch: Inputs(
        subject=("subject", str, plain), organization_id=("organization_id", int, plain)
    ),
    Platform: Inputs(),
}


# The resources that are rows of a table (the others, Platform and AuditSearch, are questions
# asked of the policy, never rows to filter).
ROW_MODELS: tuple[type, ...] = tuple(model for model in INPUTS if hasattr(model, "_meta"))

# Models the policy cannot decide on by their own columns: reachable only through a parent that
# was decided (no list, no lookup of their own) and holding no personal data.
THROUGH_PARENT: Mapping[type, str] = {
    OrderStatusChange: "Order (it has no organization column)",
    PrivacyRequestEvent: "PrivacyRequest (a step of its history)",
    BreachAffected: "BreachIncident (who an incident affected, by id)",
}


def decision_key(
    principal: Principal, obj: Any, model: type | None = None
) -> tuple[type, tuple[Any, ...]] | None:
    """What the policy can tell about ``obj`` (a row of ``model``, by default its own type) for
    this principal; None if it is no resource."""
    model = model or type(obj)
    inputs = INPUTS.get(model)
    if inputs is None:
        return None
    return model, inputs.key(principal, obj)
