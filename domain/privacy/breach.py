"""Personal-data breaches: the record a privacy officer keeps (GDPR Art. 33(5)), the 72-hour
clock to the supervisory authority (Art. 33(1)), and notices to the people affected (Art. 34)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from domain import validation as v
from domain.errors import Conflict, ValidationFailed
from domain.personal import NO_PERSONAL_DATA, Category
from domain.privacy.models import GrantSubject
from domain.privacy.notices import queue_notice

if TYPE_CHECKING:
    from domain.accounts.models import User


AUTHORITY_DEADLINE = timedelta(hours=72)
CLOCK_SKEW = timedelta(minutes=5)


class BreachIncident(Model):
    id = fields.IntField(primary_key=True)
    nature = fields.CharField(max_length=2000)
    # Category values from the personal-data declaration
    categories: fields.JSONField[list[str]] = fields.JSONField()
    approximate_people = fields.IntField()
    likely_consequences = fields.CharField(max_length=2000)
    measures = fields.CharField(max_length=2000)
    detected_at = fields.DatetimeField()
    recorded_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "mandi.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    recorded_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    authority_notified_at = fields.DatetimeField(null=True)
    people_notified_at = fields.DatetimeField(null=True)

    personal_data = NO_PERSONAL_DATA.because("describes an incident; the people are ids elsewhere")

    class Meta:
        table = "breach_incident"


class BreachAffected(Model):
    id = fields.BigIntField(primary_key=True)
    incident: fields.ForeignKeyRelation[BreachIncident] = fields.ForeignKeyField(
        "mandi.BreachIncident", related_name="affected", on_delete=fields.CASCADE, db_index=True
    )
    incident_id: int
    subject_kind = fields.CharEnumField(GrantSubject, max_length=16)
    subject_id = fields.IntField()

    personal_data = NO_PERSONAL_DATA.because("who was affected, by id")

    class Meta:
        table = "breach_affected"
        unique_together = (("incident", "subject_kind", "subject_id"),)


def authority_due(incident: BreachIncident) -> datetime:
    return incident.detected_at + AUTHORITY_DEADLINE


def _text(value: str, field: str) -> str:
    cleaned = " ".join(value.split())
    if not 10 <= len(cleaned) <= 2000:
        raise ValidationFailed("10 to 2000 characters", field=field)
    return cleaned


async def record_incident(
    *,
    nature: str,
    categories: list[str],
    approximate_people: int,
    likely_consequences: str,
    measures: str,
    detected_at: datetime | None,
    affected: list[tuple[GrantSubject, int]],
    recorded_by_id: int | None,
) -> BreachIncident:
    known = {c.value for c in Category}
    if not categories or set(categories) - known:
        raise ValidationFailed(f"categories among: {', '.join(sorted(known))}", field="categories")
    if not 0 <= approximate_people <= 10**9:
        raise ValidationFailed("0 or more people", field="approximatePeople")
    # The 72-hour clock starts here: a time before 2000 (0001-01-01, a client's zero value)
    # answered hours left in the minus millions. A few minutes ahead is a client's fast clock.
    detected = v.moment(
        detected_at or datetime.now(UTC),
        field="detectedAt",
        earliest=v.EARLIEST,
        latest_ahead=CLOCK_SKEW,
    )
    incident = await BreachIncident.create(
        nature=_text(nature, "nature"),
        categories=sorted(set(categories)),
        approximate_people=approximate_people,
        likely_consequences=_text(likely_consequences, "likelyConsequences"),
        measures=_text(measures, "measures"),
        detected_at=detected,
        recorded_by_id=recorded_by_id,
    )
    await BreachAffected.bulk_create(
        [
            BreachAffected(incident_id=incident.id, subject_kind=k, subject_id=i)
            for k, i in set(affected)
        ]
    )
    return incident


async def notify_people(incident: BreachIncident) -> int:
    """Tell every affected person (once): what happened, the likely consequences, the measures."""
    if incident.people_notified_at is not None:
        raise Conflict("the people affected were told already", field="id")
    affected = await BreachAffected.filter(incident_id=incident.id)
    for row in affected:
        await queue_notice(
            subject_kind=GrantSubject(row.subject_kind),
            subject_id=row.subject_id,
            template="breach.notice",
            facts={
                "incident_id": incident.id,
                "nature": incident.nature,
                "categories": incident.categories,
                "likely_consequences": incident.likely_consequences,
                "measures": incident.measures,
            },
        )
    incident.people_notified_at = datetime.now(UTC)
    await incident.save(update_fields=["people_notified_at"])
    return len(affected)


async def authority_notified(incident: BreachIncident) -> BreachIncident:
    if incident.authority_notified_at is None:
        incident.authority_notified_at = datetime.now(UTC)
        await incident.save(update_fields=["authority_notified_at"])
    return incident
