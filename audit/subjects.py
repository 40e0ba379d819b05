"""How an object appears in the audit log: its type, id, data subject and organization."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.personal import declaration

NO_GRANTS: Mapping[tuple[str, int], str] = {}


def subject_of(obj: Any, model: type | None = None) -> str | None:
    """``"customer:12"`` style id of the person ``obj`` holds data about, if any."""
    decl = declaration(model or type(obj))
    if decl is None or decl.subject is None:
        return _named_subject(obj)
    subject_id = decl.subject.subject_id(obj)
    if not subject_id:  # None, or 0: the "no one yet" of a check made before naming anyone
        return None
    return f"{decl.subject.kind_of(obj)}:{subject_id}"


def _named_subject(obj: Any) -> str | None:
    """The person a record is about without holding their data (a privacy request, a legal
    hold: ``subject_kind`` and ``subject_id``), so that attempts on it reach the person's own
    access log and a search by subject."""
    kind = getattr(obj, "subject_kind", None)
    subject_id = getattr(obj, "subject_id", None)
    if kind is None or not isinstance(subject_id, int) or not subject_id:
        return None
    return f"{getattr(kind, 'value', kind)}:{subject_id}"


def describe(
    obj: Any, model: type | None = None, *, grants: Mapping[tuple[str, int], str] = NO_GRANTS
) -> dict[str, Any]:
    """Keyword arguments for ``AuditBuffer.note`` naming ``obj`` (shown as ``model``).

    ``grants`` are the caller's open access grants by subject: an access to a subject under a
    grant carries that grant's justification.
    """
    model = model or type(obj)
    meta = getattr(model, "_meta", None)
    pk = getattr(obj, meta.pk_attr, None) if meta is not None else None
    organization_id = getattr(obj, "organization_id", None)
    if organization_id is None and model.__name__ == "Organization":
        organization_id = pk
    subject = subject_of(obj, model)
    found = {
        "resource_type": model.__name__,
        "resource_id": pk,
        "subject": subject,
        "organization_id": organization_id,
    }
    if subject is not None and grants:
        kind, _, subject_id = subject.partition(":")
        reason = grants.get((kind, int(subject_id))) if subject_id.isdigit() else None
        if reason is not None:
            found["justification"] = reason
    return found
