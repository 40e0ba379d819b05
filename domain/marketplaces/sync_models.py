"""Sync jobs (the durable backlog every worker draws from) and shipments to report back."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

from domain.crypto.fields import RowUidField, SealedField
from domain.personal import (
    NO_PERSONAL_DATA,
    Category,
    PersonalData,
    Subject,
    SubjectKind,
)

if TYPE_CHECKING:
    from domain.accounts.models import Organization
    from domain.marketplaces.models import MarketplaceConnection
    from domain.orders.models import Customer, Order


class JobKind(StrEnum):
    PUBLISH_LISTING = "publish_listing"
    PUSH_STOCK = "push_stock"
    PULL_ORDERS = "pull_orders"
    PUSH_FULFILMENT = "push_fulfilment"
    PULL_REPORT = "pull_report"


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    DEAD = "dead"  # gave up: out of attempts, or an error no retry can mend
    CANCELLED = "cancelled"  # its connection was disconnected


class SyncJob(Model):
    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    connection: fields.ForeignKeyRelation[MarketplaceConnection] = fields.ForeignKeyField(
        "mandi.MarketplaceConnection", related_name="jobs", on_delete=fields.CASCADE
    )
    connection_id: int
    kind = fields.CharEnumField(JobKind, max_length=20)
    # Ids only (a product, an order): a job reads current data when it runs, so a queued job
    # holds no personal data and repeated stock changes coalesce into one push.
    payload: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    # Set while the job is queued or running, NULL after: one open job per key and connection.
    open_key = fields.CharField(max_length=128, null=True)
    status = fields.CharEnumField(JobStatus, max_length=12, default=JobStatus.QUEUED)
    attempts = fields.IntField(default=0)
    run_after = fields.DatetimeField()
    locked_by = fields.CharField(max_length=64, null=True)
    locked_until = fields.DatetimeField(null=True)
    last_error_code = fields.CharField(max_length=32, null=True)
    last_error_detail = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    finished_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because("which sync to run, by ids; errors carry codes only")

    class Meta:
        table = "marketplace_sync_job"
        unique_together = (("connection", "open_key"),)
        indexes = (("status", "run_after"),)


class Shipment(Model):
    """An order's parcel: what fulfilment sync reports to the marketplace."""

    id = fields.BigIntField(primary_key=True)
    organization: fields.ForeignKeyRelation[Organization] = fields.ForeignKeyField(
        "mandi.Organization", related_name=False, on_delete=fields.CASCADE
    )
    organization_id: int
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "mandi.Order", related_name="shipments", on_delete=fields.CASCADE, db_index=True
    )
    order_id: int
    customer: fields.ForeignKeyRelation[Customer] = fields.ForeignKeyField(
        "mandi.Customer", related_name=False, on_delete=fields.CASCADE, db_index=True
    )
    customer_id: int
    carrier = fields.CharField(max_length=64)
    tracking_number = SealedField()
    shipped_at = fields.DatetimeField()
    reported_at = fields.DatetimeField(null=True)
    remote_id = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    row_uid = RowUidField(null=True)

    # A tracking number follows a parcel to the buyer's door: the buyer's data.
    personal_data = PersonalData(
        subject=Subject(SubjectKind.CUSTOMER, via="customer_id"),
        fields={"tracking_number": Category.SHIPMENT_TRACKING},
    )

    class Meta:
        table = "marketplace_shipment"
