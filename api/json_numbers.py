"""JSON numbers as they were written, and refused when no double can hold them.

Python's ``json`` turns every number with a fraction or an exponent into a float: ``1e-999``
became 0.0 (a money input then stored "0.00", where the string "1e-999" is refused for its
places) and ``1e999`` became infinity, which ``parse_constant`` never sees (it catches only the
literals ``NaN`` and ``Infinity``). ``read_float`` keeps the text beside the float, for the
``Decimal`` scalar (``api.decimal_scalar``) to read the decimal the client wrote; everything else
sees an ordinary float.
"""

from __future__ import annotations

import math


class NumberOutOfRange(ValueError):
    """A JSON number beyond a double's range (``1e999``): it would be read as infinity."""


class JsonNumber(float):
    """A float read from JSON, with the text it was written as."""

    text: str

    def __new__(cls, text: str) -> JsonNumber:
        number = super().__new__(cls, text)
        number.text = text
        return number


def read_float(text: str) -> JsonNumber:
    """``json.loads``'s ``parse_float``: the number with its text, or ``NumberOutOfRange``."""
    number = JsonNumber(text)
    if math.isinf(number):
        raise NumberOutOfRange(text)
    return number
