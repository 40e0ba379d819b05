"""The ``Decimal`` scalar: the decimal the client wrote, never a float's approximation of it.

- A JSON number is read from the text it was written as (``api.json_numbers``), a number in the
  document from its literal: ``1e-999`` is 1E-999, which the money validator refuses for its
  places, as it refuses the string "1e-999". Strawberry's scalar took the float (0.0) and the
  API stored "0.00".
- Text is read by ``domain.validation.decimal_text``: ASCII digits only, so "١٢" (which
  Python's ``Decimal`` reads as 12) is no Decimal, as "cheap" is not: ``BAD_USER_INPUT`` at the
  argument. NaN and Infinity are Decimals; the validators refuse them (``VALIDATION``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from graphql import FloatValueNode, IntValueNode, StringValueNode, ValueNode
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DecimalDefinition
from strawberry.types.scalar import ScalarDefinition

from api.json_numbers import JsonNumber
from domain.validation import decimal_text


def _refused(value: object) -> StrawberryInputCoercionError:
    return StrawberryInputCoercionError(
        f'Value cannot represent a Decimal: "{value}". Expected a number or a string of one.'
    )


def _read(text: str) -> Decimal:
    try:
        return decimal_text(text)
    except (InvalidOperation, ValueError):
        raise _refused(text) from None


def _parse_value(value: object) -> Decimal:
    if isinstance(value, bool):
        raise _refused(value)
    if isinstance(value, JsonNumber):
        return _read(value.text)
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | str):  # a float from elsewhere than JSON: its shortest repr
        return _read(str(value))
    raise _refused(value)


def _parse_literal(node: ValueNode, _variables: dict[str, Any] | None = None) -> Decimal:
    if isinstance(node, IntValueNode | FloatValueNode | StringValueNode):
        return _read(node.value)
    raise _refused(getattr(node, "value", node.kind))


DECIMAL = ScalarDefinition(
    name=DecimalDefinition.name,
    description="Decimal (fixed-point): a JSON number or a string of ASCII digits, "
    'such as "12.50"; read as written, never through a float.',
    specified_by_url=DecimalDefinition.specified_by_url,
    serialize=DecimalDefinition.serialize,
    parse_value=_parse_value,
    parse_literal=_parse_literal,
    origin=Decimal,
)
