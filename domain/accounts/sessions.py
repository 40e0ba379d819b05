"""Web sessions: an opaque random token in a cookie; the database keeps only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from domain.accounts import access
from domain.accounts.models import User, UserStatus, WebSession
from domain.errors import DomainError

IDLE_TIMEOUT = timedelta(hours=12)
ABSOLUTE_TIMEOUT = timedelta(days=7)
# last_seen_at is written at most this often, so a busy session does not write on every request
_TOUCH_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class NewSession:
    token: str
    session: WebSession
    ended: tuple[int, ...] = ()  # the least recently used sessions this one pushed out


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def now() -> datetime:
    return datetime.now(UTC)


async def create_session(*, user: User, ip: str | None, user_agent: str | None) -> NewSession:
    """Start a session for ``user``; the returned token is shown once, to be set as a cookie."""
    token = secrets.token_urlsafe(32)
    current = now()
    session = await WebSession.create(
        user=user,
        token_hash=token_hash(token),
        ip=ip,
        user_agent=(user_agent or "")[:300] or None,
        last_seen_at=current,
        expires_at=current + ABSOLUTE_TIMEOUT,
        reauthenticated_at=current,
    )
    beyond = (
        await _live(user.id, current)
        .order_by("-last_seen_at", "-id")
        .offset(MAX_LIVE_SESSIONS)
        .limit(MAX_LIVE_SESSIONS)
        .values_list("id", flat=True)
    )
    if beyond:  # a user has at most MAX_LIVE_SESSIONS live sessions, so their list is whole
        await WebSession.filter(id__in=list(beyond)).update(revoked_at=current)
    return NewSession(token=token, session=session, ended=tuple(beyond))


def _live(user_id: int, current: datetime):
    return WebSession.filter(user_id=user_id, revoked_at=None, expires_at__gt=current)


@dataclass(frozen=True, slots=True)
class LiveSession:
    """The caller's session as a request sees it (no model instance: the row's plain values)."""

    id: int
    user_id: int
    created_at: datetime | None
    reauthenticated_at: datetime | None
    # the account's password change as this request found it (a later one ends what it started)
    password_changed_at: datetime | None = None


@cache  # one statement text per dialect
def _resolve_sql(postgres: bool) -> str:
    n = access.mark(postgres)
    return (
        "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at,"  # noqa: S608
        f" s.reauthenticated_at, u.status, u.password_changed_at,"
        f" {access.columns(postgres, 's.user_id', n(2))}"
        " FROM web_session s JOIN user_account u ON u.id = s.user_id"
        f" WHERE s.token_hash = {n(1)} AND s.revoked_at IS NULL"
    )


async def resolve_session(token: str) -> tuple[LiveSession, access.UserAccess] | None:
    """The live session of an active user for a cookie token, with that user's access (roles,
    platform roles, open grants) as of now, in one statement; else None."""
    conn, postgres = access.connection()
    current = now()
    _, rows = await conn.execute_query(_resolve_sql(postgres), [token_hash(token), current])
    if not rows:
        return None
    row = rows[0]
    expires_at = access.moment(row["expires_at"])
    last_seen_at = access.moment(row["last_seen_at"])
    if expires_at <= current or last_seen_at + IDLE_TIMEOUT <= current:
        return None
    if row["status"] != UserStatus.ACTIVE:
        return None
    if current - last_seen_at >= _TOUCH_EVERY:
        await WebSession.filter(id=row["id"]).update(last_seen_at=current)
    session = LiveSession(
        id=row["id"],
        user_id=row["user_id"],
        created_at=access.maybe_moment(row["created_at"]),
        reauthenticated_at=access.maybe_moment(row["reauthenticated_at"]),
        password_changed_at=access.maybe_moment(row["password_changed_at"]),
    )
    return session, access.parse(row)


async def revoke_session(*, session_id: int) -> None:
    await WebSession.filter(id=session_id, revoked_at=None).update(revoked_at=now())


STEP_UP_WINDOW = timedelta(minutes=10)
MAX_LIVE_SESSIONS = 100  # a sign-in beyond ends the least recently used (api.cost LIST_BOUNDS)


class StepUpRequired(DomainError):
    code = "STEP_UP_REQUIRED"

    def __init__(self) -> None:
        super().__init__("confirm your password (and code) again to do this")


def require_recent_auth(session: WebSession | LiveSession) -> None:
    """Sensitive operations need a sign-in or re-authentication within the last minutes."""
    last = session.reauthenticated_at or session.created_at
    if last is None or now() - last > STEP_UP_WINDOW:
        raise StepUpRequired()


async def mark_reauthenticated(*, session_id: int) -> None:
    await WebSession.filter(id=session_id).update(reauthenticated_at=now())


async def list_sessions(*, user_id: int) -> list[WebSession]:
    """The user's live sessions, most recently used first."""
    return await _live(user_id, now()).order_by("-last_seen_at")  # MAX_LIVE_SESSIONS at most


async def revoke_user_sessions(*, user_id: int, except_id: int | None = None) -> int:
    query = WebSession.filter(user_id=user_id, revoked_at=None)
    if except_id is not None:
        query = query.exclude(id=except_id)
    return await query.update(revoked_at=now())
