"""GraphQL types for sync jobs, shipments and the disclosure log."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api import ids
from api.node import Node
from domain.marketplaces.disclosure_models import Disclosure as DisclosureRow
from domain.marketplaces.sync_models import JobKind as JobKindEnum
from domain.marketplaces.sync_models import JobStatus as JobStatusEnum

strawberry.enum(JobKindEnum, name="SyncJobKind")
SyncJobKind = JobKindEnum
strawberry.enum(JobStatusEnum, name="SyncJobStatus")
SyncJobStatus = JobStatusEnum


@strawberry.type(description="One sync with a marketplace: queued, running, done or given up.")
class SyncJob(Node):
    kind: SyncJobKind
    status: SyncJobStatus
    attempts: int
    run_after: datetime = strawberry.field(description="When it runs (again) at the earliest.")
    last_error_code: str | None
    created_at: datetime
    finished_at: datetime | None


@strawberry.type(description="An order's parcel, reported to the marketplace it came from.")
class Shipment(Node):
    carrier: str
    tracking_number: str | None = strawberry.field(description="The carrier's tracking number.")
    shipped_at: datetime
    reported_at: datetime | None = strawberry.field(
        description="When the marketplace was told; null while the push is pending."
    )


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

    @strawberry.field(description="The data subject's global id (a Customer).")
    def subject_id(self, root: DisclosureRow) -> strawberry.ID:
        return strawberry.ID(ids.encode("Customer", root.subject_id))

    @strawberry.field(description="The sync job that shared it.")
    def job_id(self, root: DisclosureRow) -> strawberry.ID | None:
        job = root.job_id
        return None if job is None else strawberry.ID(ids.encode("SyncJob", job))
