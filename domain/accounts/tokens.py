"""Partner tokens: bound to one organization, scoped, expiring; the secret is shown once.

A token reads ``mandi_pt_<prefix>_<secret>``. The prefix finds the row; only the SHA-256 of the
secret is stored and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import cast

from tortoise.transactions import in_transaction

from domain import validation as v
from domain.accounts import access
from domain.accounts.auth_models import PartnerToken
from domain.accounts.models import Membership, OrgRole, User, UserStatus, WebSession
from domain.accounts.sessions import LiveSession
from domain.errors import Conflict, ValidationFailed

TOKEN_PREFIX = "mandi_pt_"  # noqa: S105 - a public marker, not a secret
MAX_DAYS = 365
_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedToken:
    token: PartnerToken
    secret: str


@dataclass(frozen=True)
class TokenIdentity:
    """A live token's plain values (no model instance) and its creator's current role."""

    token_id: int
    organization_id: int
    created_by_id: int
    scopes: frozenset[str]
    creator_role: OrgRole


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def issue(
    *,
    organization_id: int,
    creator: User,
    name: str,
    scopes: list[str],
    known_scopes: set[str],
    days: int,
    expected_role: OrgRole | None = None,
    session: LiveSession | None = None,
) -> IssuedToken:
    """A new token of ``creator`` for the organization.

    With ``expected_role`` (the role the caller was authorized with) and ``session`` (as the
    request found it), the creator's membership and account rows are locked while the token
    is inserted, and the token is refused (CONFLICT) if the role changed, the session ended or
    the password changed meanwhile: a role revoked, or a password changed, at the same moment
    cannot leave behind a token its revocation did not see."""
    name = v.text(name, field="name", max_length=100)
    unknown = sorted(set(scopes) - known_scopes)
    if unknown or not scopes:
        raise ValidationFailed(f"unknown or missing scopes: {', '.join(unknown)}", field="scopes")
    if not 1 <= days <= MAX_DAYS:
        raise ValidationFailed(f"expiry must be 1 to {MAX_DAYS} days", field="expiresInDays")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    async with in_transaction():
        if expected_role is not None or session is not None:
            await _still_entitled(organization_id, creator.id, expected_role, session)
        token = await PartnerToken.create(
            organization_id=organization_id,
            created_by=creator,
            name=name,
            prefix=prefix,
            secret_hash=_hash(secret),
            scopes=sorted(set(scopes)),
            expires_at=datetime.now(UTC) + timedelta(days=days),
        )
    return IssuedToken(token=token, secret=f"{TOKEN_PREFIX}{prefix}_{secret}")


async def _still_entitled(
    organization_id: int,
    user_id: int,
    role: OrgRole | None,
    session: LiveSession | None,
) -> None:
    """Lock the creator's membership, then their account (the rows a role change and a password
    change write first), and refuse if what the caller was authorized with has gone."""
    membership = (
        await Membership.filter(organization_id=organization_id, user_id=user_id)
        .select_for_update()
        .first()
    )
    if role is not None and (membership is None or membership.role != role):
        raise Conflict("your role in this organization just changed; try again", field=None)
    account = await User.filter(id=user_id).select_for_update().first()
    if session is None:
        return
    if account is None or account.password_changed_at != session.password_changed_at:
        raise Conflict("your password just changed; try again", field=None)
    live = WebSession.filter(id=session.id, revoked_at=None, expires_at__gt=datetime.now(UTC))
    if not await live.exists():
        raise Conflict("this session just ended; sign in again", field=None)


@cache  # one statement text per dialect
def _resolve_sql(postgres: bool) -> str:
    n = access.mark(postgres)
    return (
        "SELECT t.id, t.organization_id, t.created_by_id, t.secret_hash, t.scopes,"  # noqa: S608
        " t.expires_at, t.last_used_at, t.revoked_at, u.status,"
        " (SELECT m.role FROM membership m WHERE m.user_id = t.created_by_id"
        " AND m.organization_id = t.organization_id) AS creator_role"
        " FROM partner_token t JOIN user_account u ON u.id = t.created_by_id"
        f" WHERE t.prefix = {n(1)}"
    )


async def resolve(raw: str) -> TokenIdentity | None:
    """The live token for a bearer value, with its creator's current role; else None.

    A revoked or expired token, or one whose creator left the organization or is no longer
    active, resolves to None. The token, its creator's status and role: one statement.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    if not prefix or not secret or len(raw) > 200:
        return None
    conn, postgres = access.connection()
    _, rows = await conn.execute_query(_resolve_sql(postgres), [prefix])
    if not rows:
        return None
    row = rows[0]
    if not hmac.compare_digest(row["secret_hash"], _hash(secret)):
        return None
    now = datetime.now(UTC)
    expires_at = access.moment(row["expires_at"])
    if row["revoked_at"] is not None or expires_at <= now:
        return None
    if row["status"] != UserStatus.ACTIVE:
        return None
    role = row["creator_role"]
    if role is None:
        return None
    last_used_at = access.maybe_moment(row["last_used_at"])
    if last_used_at is None or now - last_used_at >= _TOUCH_EVERY:
        await PartnerToken.filter(id=row["id"]).update(last_used_at=now)
    scopes = row["scopes"]
    return TokenIdentity(
        token_id=row["id"],
        organization_id=row["organization_id"],
        created_by_id=row["created_by_id"],
        scopes=frozenset(json.loads(scopes) if isinstance(scopes, str | bytes) else scopes),
        creator_role=OrgRole(role),
    )


async def refused_token_organization(raw: str) -> int | None:
    """The organization of a refused token whose prefix names a real one (revoked, expired, its
    creator gone, or a wrong secret), so its owners see attempts on it; None when unknown."""
    prefix = raw[len(TOKEN_PREFIX) :].partition("_")[0]
    if not raw.startswith(TOKEN_PREFIX) or not prefix or len(raw) > 200:
        return None
    found = await PartnerToken.filter(prefix=prefix).values_list("organization_id", flat=True)
    return cast(list[int], found)[0] if found else None  # flat: not tuples


async def revoke_created_by(
    user_id: int, *, organization_id: int | None = None
) -> list[tuple[int, int]]:
    """Revoke the live partner tokens ``user_id`` created (in one organization, or in all);
    their (id, organization id), for the audit log. A revoked token stays revoked: taking the
    creator's role, then giving it back, does not bring their old tokens back to life."""
    live = PartnerToken.filter(created_by_id=user_id, revoked_at=None)
    if organization_id is not None:
        live = live.filter(organization_id=organization_id)
    async with in_transaction():
        # Locked, so a revocation running at the same moment waits, then finds them revoked:
        # each token gets exactly one token.revoke entry, from the one that revoked it.
        found = await live.select_for_update()  # rows: tortoise drops FOR UPDATE from values
        revoked = [(int(token.id), int(token.organization_id)) for token in found]
        if revoked:
            await PartnerToken.filter(id__in=[i for i, _ in revoked]).update(
                revoked_at=datetime.now(UTC)
            )
    return revoked


async def revoke(*, token: PartnerToken) -> PartnerToken:
    if token.revoked_at is None:
        token.revoked_at = datetime.now(UTC)
        await token.save(update_fields=["revoked_at"])
    return token
