"""The policy and audit log as a sync job meets them: the system principal, acting for one
organization, asks the same Oso policy as a person's request and notes what it did.

The system principal holds the viewer role in the organization whose job it runs (it may see
that organization's objects, no personal field) plus the sync rights written for ``kind =
"system"`` in authz/policies/marketplaces.polar (importing orders, sharing a shipment's
tracking number). Its audit entries carry actor ``system``, the job's id as actor id, and
``job-<id>`` as request id.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from audit.recorder import Actor, AuditBuffer
from audit.subjects import describe
from authz.decisions import Decisions
from authz.principal import Principal
from domain.accounts.models import OrgRole

SYSTEM_KIND = "system"


def system_principal(organization_id: int) -> Principal:
    return Principal(kind=SYSTEM_KIND, org_roles={organization_id: OrgRole.VIEWER})


class SystemGate:
    def __init__(self, *, organization_id: int, job_id: int) -> None:
        self.principal = system_principal(organization_id)
        self.decisions = Decisions(self.principal)
        self.audit = AuditBuffer(Actor(type=SYSTEM_KIND, id=job_id, request_id=f"job-{job_id}"))

    def allows(self, action: str, obj: Any) -> bool:
        return self.decisions.allows(action, obj)

    def allowed_fields(self, action: str, obj: Any, fields: Iterable[str]) -> set[str]:
        wanted = set(fields)
        if not wanted:
            return set()
        allowed = self.decisions.fields_for(action, obj)
        return wanted if allowed is None else wanted & set(allowed)

    def note(self, action: str, obj: Any, fields: Iterable[str] = ()) -> None:
        self.audit.note(action, **describe(obj), fields=sorted(fields))

    async def flush(self) -> None:
        await self.audit.flush()
