"""Minimal sharing: what a connector may send is built from the personal-data declaration.

A share names its purpose. For each field it would send, a field the model declares personal is
sent only if the policy allows the ``share_<purpose>`` action on it (authz/policies/
marketplaces.polar holds the allow-list: listing sync allows no personal field, fulfilment only
the tracking number); any other field is business data and is sent. The categories of what was
actually sent go to the disclosure log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from domain.personal import Category, declaration


class Purpose(StrEnum):
    LISTING = "listing"
    STOCK = "stock"
    FULFILMENT = "fulfilment"


# Why each purpose may share at all (GDPR Art. 6 / DPDP s.7), written once.
LEGAL_BASIS = {
    Purpose.LISTING: "none needed: no personal data",
    Purpose.STOCK: "none needed: no personal data",
    Purpose.FULFILMENT: "contract: performing the buyer's order on the marketplace",
}


class Gate(Protocol):
    """What the sync asks the policy, and where it notes what it did (the audit log)."""

    def allowed_fields(self, action: str, obj: Any, fields: Iterable[str]) -> set[str]:
        """The personal fields among ``fields`` the policy lets the sync ``action`` on ``obj``."""
        ...

    def allows(self, action: str, obj: Any) -> bool: ...

    def note(self, action: str, obj: Any, fields: Iterable[str] = ()) -> None: ...

    async def flush(self) -> None:
        """Write what was noted now (before personal data leaves, or with its writes)."""
        ...


@dataclass
class Share:
    """The values that may leave, and which personal categories of whose data they carry."""

    values: dict[str, Any] = field(default_factory=dict)
    withheld: list[str] = field(default_factory=list)
    categories: set[Category] = field(default_factory=set)
    personal_fields: list[str] = field(default_factory=list)


def build_share(gate: Gate, purpose: Purpose, obj: Any, wanted: Iterable[str]) -> Share:
    decl = declaration(type(obj))
    personal = dict(decl.fields) if decl else {}
    wanted = list(wanted)
    allowed = gate.allowed_fields(
        f"share_{purpose.value}", obj, [f for f in wanted if f in personal]
    )
    share = Share()
    for name in wanted:
        if name in personal and name not in allowed:
            share.withheld.append(name)
            continue
        share.values[name] = getattr(obj, name)
        if name in personal:
            share.categories.add(personal[name])
            share.personal_fields.append(name)
    return share
