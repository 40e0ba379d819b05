"""An erasure's receipt as the API shows it: the request and the person by their global ids.

The stored receipt (on the request, and in the notice mailed to the person) keeps the raw ids
it was written with; a person since erased is still named, from the kind and the raw id alone.
"""

from __future__ import annotations

from typing import Any

from api import ids
from api.privacy.types import SUBJECT_TYPES
from domain.privacy.models import GrantSubject


def shown(receipt: dict[str, Any] | None) -> dict[str, Any] | None:
    if not receipt:
        return None
    found = dict(receipt)
    request_id = found.get("request_id")
    if isinstance(request_id, int):
        found["request_id"] = ids.encode("PrivacyRequest", request_id)
    kind, _, pk = str(found.get("subject") or "").partition(":")
    if kind in {k.value for k in GrantSubject} and pk.isascii() and pk.isdigit():
        found["subject"] = ids.encode(SUBJECT_TYPES[GrantSubject(kind)], int(pk))
    return found
