"""The schema's descriptions that its code does not carry, one module per area, keyed
``Type``, ``Type.field``, ``Type.field(argument)`` or ``Enum.VALUE`` (api/describe.py applies
them). Say what a thing is, its units and format, which ids are global ids, what errors it
gives; never who may read it: that note is written from the policy.
"""

from __future__ import annotations

from api.descriptions import (
    accounts,
    audit,
    catalog,
    common,
    marketplaces,
    orders,
    privacy,
    support,
)

CATALOGUE: dict[str, str] = {}
for _area in (accounts, audit, catalog, common, marketplaces, orders, privacy, support):
    _clash = set(CATALOGUE) & set(_area.DESCRIPTIONS)
    assert not _clash, f"described twice: {sorted(_clash)}"
    CATALOGUE.update(_area.DESCRIPTIONS)
