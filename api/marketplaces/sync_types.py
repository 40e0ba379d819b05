"""GraphQL types for sync jobs, shipments and the disclosure log."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api import ids
from api.node import Node
from domain.marketplaces.sync_models import JobKind as JobKindEnum
from domain.marketplaces.sync_models import JobStatus as JobStatusEnum

SyncJobKind = strawberry.enum(JobKindEnum, name="SyncJobKind")
SyncJobStatus = strawberry.enum(JobStatusEnum, name="SyncJobStatus")


@strawberry.type(description="One sync with a marketplace: queued, running, done or given up.")
class SyncJob(Node):
    kind: SyncJobKind  # type: ignore[valid-type]
    status: SyncJobStatus  # type: ignore[valid-type]
    attempts: int
    run_after: datetime = strawberry.field(description="When it runs (again) at the earliest.")
    last_error_code: str | None
    created_at: datetime
    finished_at: datetime | None

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("SyncJob", self.id))  # type: ignore[attr-defined]


@strawberry.type(description="An order's parcel, reported to the marketplace it came from.")
class Shipment(Node):
    carrier: str
    tracking_number: str | None = strawberry.field(description="The carrier's tracking number.")
    shipped_at: datetime
    reported_at: datetime | None = strawberry.field(
        description="When the marketplace was told; null while the push is pending."
    )

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Shipment", self.id))  # type: ignore[attr-defined]


@strawberry.type(
    description="A share of personal data with a marketplace: whose (an id), which categories "
    "(never values), to whom, why and under which safeguard."
)
class Disclosure(Node):
    recipient: str
    recipient_country: str
    subject_kind: str
    categories: list[str]
    purpose: str
    legal_basis: str
    transfer_safeguard: str | None
    disclosed_at: datetime

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Disclosure", self.id))  # type: ignore[attr-defined]

    @strawberry.field(description="The data subject's global id (a Customer).")
    def subject_id(self) -> strawberry.ID:
        return strawberry.ID(ids.encode("Customer", self.subject_id))  # type: ignore[attr-defined]

    @strawberry.field(description="The sync job that shared it.")
    def job_id(self) -> strawberry.ID | None:
        job = self.job_id  # type: ignore[attr-defined]
        return None if job is None else strawberry.ID(ids.encode("SyncJob", job))
