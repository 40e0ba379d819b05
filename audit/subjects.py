"""How an object appears in the audit log: its type, id, data subject and organization."""

from __future__ import annotations

from typing import Any

from domain.personal import declaration


def subject_of(obj: Any) -> str | None:
    """``"customer:12"`` style id of the person ``obj`` holds data about, if any."""
    decl = declaration(type(obj))
    if decl is None or decl.subject is None:
        return None
    subject_id = decl.subject.subject_id(obj)
    return None if subject_id is None else f"{decl.subject.kind.value}:{subject_id}"


def describe(obj: Any) -> dict[str, Any]:
    """Keyword arguments for ``AuditBuffer.note`` naming ``obj``."""
    organization_id = getattr(obj, "organization_id", None)
    if organization_id is None and type(obj).__name__ == "Organization":
        organization_id = obj.pk
    return {
        "resource_type": type(obj).__name__,
        "resource_id": obj.pk,
        "subject": subject_of(obj),
        "organization_id": organization_id,
    }
