"""The ``DateTime`` scalar: ISO 8601 as Strawberry parses it (dateutil), made one instant.

- A time without an offset is UTC (it was passed on naive, which the database layer warns about
  and reads in its own zone).
- A time that names no instant this process can hold is refused: ``0001-01-01T00:00:00+14:00``
  parses, then overflowed wherever it was compared with or stored as UTC, which surfaced as
  INTERNAL_SERVER_ERROR. Refused here, it is BAD_USER_INPUT at the argument, like any value
  that cannot represent a DateTime.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.schema.types.base_scalars import DateTimeDefinition
from strawberry.types.scalar import ScalarDefinition

_parse = DateTimeDefinition.parse_value


def _parse_instant(value: object) -> Any:
    parsed = _parse(value) if _parse is not None else value
    if not isinstance(parsed, datetime):
        return parsed
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        parsed.astimezone(UTC)
    except OverflowError:
        raise StrawberryInputCoercionError(
            f'Value cannot represent a DateTime: "{value}". It is out of range in UTC.'
        ) from None
    return parsed


DATETIME = ScalarDefinition(
    name=DateTimeDefinition.name,
    description="Date with time (ISO 8601); a time without an offset is UTC.",
    specified_by_url=DateTimeDefinition.specified_by_url,
    serialize=DateTimeDefinition.serialize,
    parse_value=_parse_instant,
    parse_literal=DateTimeDefinition.parse_literal,
    origin=datetime,
)
