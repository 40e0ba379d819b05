"""Decisions: may this principal do an action on an object, which fields may it see, which rows.

The single entry point the API calls. The rules live in the Oso policy (authz/policies/*.polar,
deny by default); these functions ask it on an object's decision inputs (authz/resources.py).
For many objects in one request use ``authz.decisions.Decisions``, which caches by those inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise.queryset import QuerySet

from authz import engine
from authz.decisions import READ, Decisions, guarded_fields
from authz.principal import Principal
from authz.resources import INPUTS
from domain.accounts.models import Organization, PlatformRole

# The dotted names callers used before the Oso policy, and the Polar action each one is now.
LEGACY_ACTIONS: dict[str, str] = {
    "organization.update": "update",
    "partner_token.manage": "manage_tokens",
    "product.create": "create_product",
    "product.update": "update",
    "product.archive": "archive",
    "warehouse.create": "create_warehouse",
    "stock.adjust": "adjust_stock",
    "order.import": "import_order",
    "order.transition": "transition",
    "ticket.open": "open_ticket",
    "ticket.reply": "reply",
}


class Denied(Exception):
    """The principal may not do this; ``found`` is False when it may not even see the object."""

    def __init__(self, *, found: bool) -> None:
        super().__init__("not found" if not found else "forbidden")
        self.found = found


def action_name(action: str) -> str:
    """The Polar action for ``action`` (an old dotted name or already a Polar verb)."""
    return LEGACY_ACTIONS.get(action, action)


def organization_of(obj: Any) -> int | None:
    if isinstance(obj, Organization):
        return obj.id
    return getattr(obj, "organization_id", None)


def is_allowed(principal: Principal, action: str, obj: Any) -> bool:
    return Decisions(principal).allows(action_name(action), obj)


def authorize(principal: Principal, action: str, obj: Any) -> None:
    """Raise ``Denied`` unless allowed; ``found=False`` when the object is not even readable."""
    check_action(Decisions(principal), action, obj)


def check_action(decisions: Decisions, action: str, obj: Any) -> None:
    """``authorize`` with a request's cached decisions."""
    if decisions.allows(action_name(action), obj):
        return
    raise Denied(found=decisions.allows(READ, obj))


def check_fields(decisions: Decisions, action: str, obj: Any, fields: Iterable[str]) -> list[str]:
    """The guarded fields among ``fields`` the principal may not ``action`` on ``obj``."""
    guarded = [name for name in fields if name in guarded_fields(type(obj))]
    if not guarded:
        return []
    allowed = decisions.fields_for(action_name(action), obj)
    return [name for name in guarded if allowed is not None and name not in allowed]


def readable_query(principal: Principal, model: type) -> QuerySet[Any]:
    """A lazy QuerySet of only the rows of ``model`` the principal may read.

    Derived from the same policy as the per-object decisions (Oso data filtering); a model that
    is no resource of the policy has no rows for anyone.
    """
    if model not in INPUTS:
        return model.filter(pk__in=[])
    return engine.row_filter(principal, READ, model).queryset()


def allowed_fields(principal: Principal, obj: Any) -> frozenset[str] | None:
    """Personal fields the principal may read on ``obj``; None means every declared field."""
    decision = Decisions(principal).on(obj)
    return decision.fields if decision.readable else frozenset()


def answers_as_support(principal: Principal, obj: Any) -> bool:
    """True when the principal replies as Mandi's support team rather than as the seller."""
    org_id = organization_of(obj)
    return PlatformRole.SUPPORT_AGENT in principal.platform_roles and (
        org_id is None or principal.role_in(org_id) is None
    )
