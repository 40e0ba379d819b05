"""The one Oso instance: classes registered, policies loaded, the Tortoise filter adapter set.

Built once, on first use or by ``init_oso()`` at start-up; building is not thread-safe, so it
happens under a lock. Every call on it is synchronous (60-300 us): callers decide per decision
key (authz/decisions.py), never per field.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable
from functools import lru_cache
from pathlib import Path
from typing import Any

from oso import Oso

from authz.principal import Principal
from authz.resources import INPUTS
from authz.tortoise_filter import RowFilter, TortoiseAdapter
from domain.orders.lifecycle import AWAITING_FULFILMENT

POLICY_DIR = Path(__file__).with_name("policies")

_lock = threading.Lock()
_oso: Oso | None = None


class Grants:
    """What the policy may ask about a principal's open support access grants."""

    @staticmethod
    def subject_ids(principal: Principal, kind: str) -> list[int]:
        return sorted(subject_id for k, subject_id in principal.grants if k == kind)


def policy_files() -> list[Path]:
    return sorted(POLICY_DIR.glob("*.polar"))


def build_oso() -> Oso:
    oso = Oso()
    oso.register_class(Principal)
    oso.register_class(Grants)
    for model, inputs in INPUTS.items():
        oso.register_class(model, fields=inputs.filter_fields)
    oso.register_constant(
        sorted(status.value for status in AWAITING_FULFILMENT), "AWAITING_FULFILMENT"
    )
    oso.set_data_filtering_adapter(TortoiseAdapter())
    oso.load_files(policy_files())  # type: ignore[arg-type]  # oso wants list[Path | str]: read only
    return oso


def init_oso() -> Oso:
    """The process's Oso instance, built on the first call."""
    global _oso
    if _oso is None:
        with _lock:
            if _oso is None:
                _oso = build_oso()
    return _oso


def is_allowed(principal: Principal, action: str, resource: Any) -> bool:
    return init_oso().is_allowed(principal, action, resource)


def allowed_fields(principal: Principal, action: str, resource: Any) -> frozenset[str] | None:
    """Fields of ``resource`` the principal may ``action``; None means every field."""
    found = init_oso().authorized_fields(principal, action, resource, allow_wildcard=True)
    return None if "*" in found else frozenset(found)


def principal_facts(principal: Principal) -> Hashable:
    """Everything the policy can read about a principal, as a hashable key."""
    return (
        principal.kind,
        principal.user_id,
        tuple(sorted((org_id, str(role)) for org_id, role in principal.org_roles.items())),
        principal.platform_roles,
        principal.scopes,
        principal.grants,
    )


class _ByFacts:
    """A principal compared and hashed by its facts, for caches."""

    __slots__ = ("facts", "principal")

    def __init__(self, principal: Principal) -> None:
        self.principal = principal
        self.facts = principal_facts(principal)

    def __hash__(self) -> int:
        return hash(self.facts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _ByFacts) and self.facts == other.facts


@lru_cache(maxsize=4096)
def _row_filter(principal: _ByFacts, action: str, model: type) -> RowFilter:
    return init_oso().authorized_query(principal.principal, action, model)


def row_filter(principal: Principal, action: str, model: type) -> RowFilter:
    """The rows of ``model`` the principal may ``action``, derived from the policy.

    A partial evaluation costs about 10 ms here, so filters are kept by principal facts: the
    policy is fixed at start-up and reads nothing else about the principal.
    """
    return _row_filter(_ByFacts(principal), action, model)
