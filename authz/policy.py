"""Decisions: may this principal do an action on an object, which fields may it see, which rows.

This is the single entry point the API calls. The rules below are the organization-membership
baseline (deny by default); the Oso policy replaces their bodies behind the same functions.
"""

from __future__ import annotations

from typing import Any

from tortoise.expressions import Q

from authz.principal import Principal
from domain.accounts.models import Organization, OrgRole, PlatformRole
from domain.personal import SubjectKind, declaration

_ALL_ROLES = frozenset(OrgRole)
_EDITORS = frozenset({OrgRole.OWNER, OrgRole.ADMIN, OrgRole.MANAGER})
_OPERATORS = _EDITORS | {OrgRole.STAFF}

# action -> organization roles allowed to do it on objects of their organization
ORG_ACTIONS: dict[str, frozenset[OrgRole]] = {
    "read": _ALL_ROLES,
    "organization.update": frozenset({OrgRole.OWNER, OrgRole.ADMIN}),
    "partner_token.manage": frozenset({OrgRole.OWNER, OrgRole.ADMIN}),
    "product.create": _EDITORS,
    "product.update": _EDITORS,
    "product.archive": _EDITORS,
    "warehouse.create": _EDITORS,
    "stock.adjust": _OPERATORS,
    "order.import": _EDITORS,
    "order.transition": _OPERATORS,
    "ticket.open": _OPERATORS,
    "ticket.reply": _OPERATORS,
}

_SUPPORT_MODELS = frozenset({"Ticket", "TicketMessage"})
_SUPPORT_ACTIONS = frozenset({"read", "ticket.reply"})

# models whose rows hold buyer contact data, hidden from viewers
_BUYER_CONTACT_MODELS = frozenset({"Customer", "CustomerAddress", "Order"})


class Denied(Exception):
    """The principal may not do this; ``found`` is False when it may not even see the object."""

    def __init__(self, *, found: bool) -> None:
        super().__init__("not found" if not found else "forbidden")
        self.found = found


def organization_of(obj: Any) -> int | None:
    if isinstance(obj, Organization):
        return obj.id
    return getattr(obj, "organization_id", None)


def is_allowed(principal: Principal, action: str, obj: Any) -> bool:
    if _support_reach(principal, type(obj)) and action in _SUPPORT_ACTIONS:
        return True
    org_id = organization_of(obj)
    if org_id is None:
        return False
    role = principal.role_in(org_id)
    return role is not None and role in ORG_ACTIONS.get(action, frozenset())


def authorize(principal: Principal, action: str, obj: Any) -> None:
    """Raise ``Denied`` unless allowed; ``found=False`` when the object is not even readable."""
    if is_allowed(principal, action, obj):
        return
    raise Denied(found=is_allowed(principal, "read", obj))


def readable_filter(principal: Principal, model: type) -> Q:
    """A filter selecting only the rows of ``model`` the principal may read."""
    if _support_reach(principal, model):
        return Q()
    org_field = "id" if model is Organization else "organization_id"
    return Q(**{f"{org_field}__in": principal.organization_ids})


def _support_reach(principal: Principal, model: type) -> bool:
    """Support agents work on every organization's tickets."""
    return (
        model.__name__ in _SUPPORT_MODELS and PlatformRole.SUPPORT_AGENT in principal.platform_roles
    )


def answers_as_support(principal: Principal, obj: Any) -> bool:
    """True when the principal replies as Mandi's support team rather than as the seller."""
    org_id = organization_of(obj)
    return PlatformRole.SUPPORT_AGENT in principal.platform_roles and (
        org_id is None or principal.role_in(org_id) is None
    )


def allowed_fields(principal: Principal, obj: Any) -> frozenset[str] | None:
    """Personal fields the principal may read on ``obj``; None means every declared field."""
    decl = declaration(type(obj))
    subject = decl.subject if decl else None
    if (
        subject is not None
        and subject.kind is SubjectKind.USER
        and principal.user_id is not None
        and subject.subject_id(obj) == principal.user_id
    ):
        return None  # the data subject sees their own data
    org_id = organization_of(obj)
    role = principal.role_in(org_id) if org_id is not None else None
    if role is None:
        return None if _support_reach(principal, type(obj)) else frozenset()
    if role is OrgRole.VIEWER and type(obj).__name__ in _BUYER_CONTACT_MODELS:
        return frozenset()
    return None
