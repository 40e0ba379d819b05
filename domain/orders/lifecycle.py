"""The order lifecycle: which status may follow which."""

from __future__ import annotations

from domain.orders.models import OrderStatus as S

TRANSITIONS: dict[S, frozenset[S]] = {
    S.PLACED: frozenset({S.PAID, S.CANCELLED}),
    S.PAID: frozenset({S.PACKED, S.CANCELLED}),
    S.PACKED: frozenset({S.SHIPPED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
    S.DELIVERED: frozenset({S.RETURN_REQUESTED}),
    S.RETURN_REQUESTED: frozenset({S.RETURNED, S.DELIVERED}),
    S.RETURNED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Orders a seller still has to fulfil: the buyer's address is needed to pack and ship them.
AWAITING_FULFILMENT = frozenset({S.PLACED, S.PAID, S.PACKED})


def can_transition(current: S, target: S) -> bool:
    return target in TRANSITIONS[current]
