"""Organizations, users and memberships."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery

from domain import validation as v
from domain.accounts.models import Membership, Organization, OrgRole, User
from domain.accounts.passwords import hash_password
from domain.crypto.fields import lookup
from domain.errors import Conflict, ValidationFailed

_ORGANIZATION_FIELDS = {
    "legal_name": lambda x: v.text(x, field="legalName", max_length=200),
    "trade_name": lambda x: v.optional_text(x, field="tradeName", max_length=200),
    "gstin": lambda x: v.gstin(x) if x else None,
    "address_line1": lambda x: v.optional_text(x, field="addressLine1", max_length=200),
    "address_line2": lambda x: v.optional_text(x, field="addressLine2", max_length=200),
    "city": lambda x: v.optional_text(x, field="city", max_length=100),
    "state": lambda x: v.optional_text(x, field="state", max_length=100),
    "postal_code": lambda x: v.optional_text(x, field="postalCode", max_length=20),
    "country": v.country,
}


def _organization_values(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(_ORGANIZATION_FIELDS)
    if unknown:
        raise ValueError(f"not organization fields: {sorted(unknown)}")
    return {name: _ORGANIZATION_FIELDS[name](value) for name, value in values.items()}


GSTIN_NOTICE_TEMPLATE = "gstin_registered_elsewhere"


async def notify_gstin_holders(organization: Organization) -> int:
    """Tell the owners of the other organizations that registered ``organization``'s GSTIN that
    one more did (a GSTIN is personal data: it is taken without a word to the caller, so the
    people it names hear of it instead). Returns how many mails were queued.

    The same statements run whether or not another organization has it (on no rows), so the
    answer's timing does not depend on it much either: one look-up, one insert per owner told.
    """
    from domain import secretbox
    from domain.accounts.auth_models import EmailOutbox
    from domain.accounts.passwords_flow import outbox_context

    if organization.gstin is None:
        return 0
    others = Organization.filter(gstin_index=lookup(Organization, "gstin", organization.gstin))
    others = others.exclude(id=organization.id)
    owners = await Membership.filter(
        organization_id__in=Subquery(others.values("id")), role=OrgRole.OWNER
    ).select_related("user")
    body = json.dumps(
        {
            "notice": "another organization on Mandi registered your organization's GSTIN. If "
            "you do not know it, contact support: the GSTIN may be misused.",
            "organization_id": organization.id,
        }
    )
    for membership in owners:
        user = membership.user
        await EmailOutbox.create(
            user=user,
            to_address=user.email,
            template=GSTIN_NOTICE_TEMPLATE,
            body_encrypted=secretbox.encrypt(body, context=outbox_context(user.id)),
        )
    return len(owners)


async def create_organization(
    *, legal_name: str, country: str = "IN", **optional: Any
) -> Organization:
    """Create an organization; a GSTIN, when given, must carry a valid check digit.

    A GSTIN that another organization registered is taken all the same (the answer must not
    tell that it exists); that organization's owners are mailed (``notify_gstin_holders``).

    ``optional``: trade_name, gstin, address_line1, address_line2, city, state, postal_code.
    """
    values = _organization_values({"legal_name": legal_name, "country": country, **optional})
    organization = await Organization.create(**values)
    await notify_gstin_holders(organization)
    return organization


def user_values(
    *,
    username: str,
    email: str,
    full_name: str,
    country: str,
    adult_attested: bool,
    phone: str | None,
    locale: str,
    now: datetime,
) -> dict[str, Any]:
    """A new user's columns from what they typed, validated (18 or over attested, or refused)."""
    if not adult_attested:
        raise ValidationFailed("you must be 18 or over to use Mandi", field="adultAttested")
    return {
        "username": v.username(username),
        "email": v.email(email).lower(),
        "full_name": v.text(full_name, field="fullName", max_length=200),
        "phone": v.phone(phone) if phone else None,
        "country": v.country(country),
        "locale": v.locale(locale),
        "adult_attested_at": now,
    }


async def create_user(
    *,
    username: str,
    email: str,
    full_name: str,
    password: str | None,
    country: str,
    adult_attested: bool,
    phone: str | None = None,
    locale: str = "en-IN",
) -> User:
    """Create a user who attested being 18 or over; refuses, storing nothing, otherwise."""
    values = user_values(
        username=username,
        email=email,
        full_name=full_name,
        country=country,
        adult_attested=adult_attested,
        phone=phone,
        locale=locale,
        now=datetime.now(UTC),
    )
    values["password_hash"] = await hash_password(password) if password else None
    try:
        return await User.create(**values)
    except IntegrityError:
        raise Conflict("username or email already registered", field="username") from None


async def add_member(*, user: User, organization: Organization, role: OrgRole) -> Membership:
    try:
        return await Membership.create(user=user, organization=organization, role=role)
    except IntegrityError:
        raise Conflict("already a member of this organization", field="user") from None


async def update_organization(*, organization: Organization, changes: dict) -> Organization:
    """Change the given attributes; ``changes`` maps model field names to new values."""
    if "legal_name" in changes and changes["legal_name"] is None:
        raise ValidationFailed("must not be empty", field="legalName")
    if "country" in changes and changes["country"] is None:
        raise ValidationFailed("must not be empty", field="country")
    clean = _organization_values(changes)
    if not clean:
        return organization
    organization.update_from_dict(clean)
    await organization.save(update_fields=list(clean))
    if "gstin" in clean:
        await notify_gstin_holders(organization)
    return organization
