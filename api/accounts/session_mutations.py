"""Mutations: sessionCreate, sessionVerifyMfa, sessionReauthenticate, sessionRevoke."""

from __future__ import annotations

import logging

import strawberry
from strawberry.types import Info

from api import ids
from api.accounts.types import User
from api.auth import SESSION_COOKIE
from api.context import RequestContext
from api.errors import ErrorCode, MutationError
from audit.models import Outcome
from authz.principal import ANONYMOUS, load_user_principal
from domain.accounts import login, sessions
from domain.accounts.auth_models import LoginOutcome
from domain.accounts.models import User as UserModel
from domain.accounts.models import WebSession
from domain.crypto.fields import lookup
from domain.db_faults import is_redis_unavailable
from domain.errors import NotFound

log = logging.getLogger("mandi.auth")
_BAD_LOGIN = "username or password is wrong"


@strawberry.input
class SessionCreateInput:
    username: str
    password: str


@strawberry.type(description="Signed in (user set), or a second factor is due (mfaChallenge).")
class SessionPayload:
    user: User | None
    mfa_required: bool = False
    mfa_challenge: str | None = strawberry.field(
        default=None, description="Pass to sessionVerifyMfa with a code; valid for 5 minutes."
    )
    retry_after_seconds: int | None = None
    errors: list[MutationError] = strawberry.field(default_factory=list)


def _client(ctx: RequestContext) -> login.Client:
    return login.Client(ip=ctx.client_ip, user_agent=ctx.user_agent)


async def start_session(
    ctx: RequestContext, user: UserModel, new: sessions.NewSession | None = None
) -> None:
    """Make ``user`` the caller from now on, and set the session cookie."""
    if new is None:
        new = await sessions.create_session(user=user, ip=ctx.client_ip, user_agent=ctx.user_agent)
    ctx.become(await load_user_principal(user), new.session)
    ctx.audit.note(
        "session.create",
        "WebSession",
        new.session.id,
        fields=["ip", "user_agent"],
        subject=f"user:{user.id}",
    )
    for ended in new.ended:  # pushed out: a user keeps at most MAX_LIVE_SESSIONS
        ctx.audit.note(
            "session.revoke",
            "WebSession",
            ended,
            subject=f"user:{user.id}",
            detail={"reason": "live session limit"},
        )
    ctx.response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
        httponly=True,
        secure=ctx.settings.cookie_secure,
        samesite="lax",
        path="/",
    )


_AUDIT_ACTIONS = {
    LoginOutcome.SUCCESS: ("login", Outcome.ALLOWED),
    LoginOutcome.MFA_REQUIRED: ("login.password", Outcome.ALLOWED),
    LoginOutcome.BAD_CREDENTIALS: ("login", Outcome.DENIED),
    LoginOutcome.MFA_FAILED: ("login.mfa", Outcome.DENIED),
    LoginOutcome.LOCKED: ("login.locked", Outcome.DENIED),
}


def audit_auth(ctx: RequestContext, action: str, user: UserModel | None, outcome: Outcome) -> None:
    """Note a security event about ``user``'s account (no values, just who and what); it is
    written even if the operation's writes roll back."""
    ctx.audit.note(
        action,
        "User",
        user.id if user else None,
        subject=f"user:{user.id}" if user else None,
        outcome=outcome,
        security=True,
    )


async def _finish(ctx: RequestContext, result: login.LoginResult) -> SessionPayload:
    action, outcome = _AUDIT_ACTIONS[result.outcome]
    if result.outcome is LoginOutcome.SUCCESS and result.session and result.user:
        await start_session(ctx, result.user, result.session)
        audit_auth(ctx, action, result.user, outcome)  # by the person now signed in
        return SessionPayload(user=result.user)  # type: ignore[arg-type]
    audit_auth(ctx, action, result.user, outcome)  # by the caller before: anonymous
    if result.outcome is LoginOutcome.MFA_REQUIRED:
        return SessionPayload(user=None, mfa_required=True, mfa_challenge=result.challenge)
    if result.outcome is LoginOutcome.LOCKED:
        error = MutationError(
            code=ErrorCode.RATE_LIMITED,
            message="too many failed attempts; try again later",
            field=None,
        )
        return SessionPayload(user=None, retry_after_seconds=result.retry_after, errors=[error])
    message = _BAD_LOGIN if result.outcome is LoginOutcome.BAD_CREDENTIALS else "code not accepted"
    error = MutationError(code=ErrorCode.UNAUTHENTICATED, message=message, field=None)
    return SessionPayload(user=None, errors=[error])


async def _throttle_down(
    ctx: RequestContext, username: str | None, error: Exception, action: str = "login"
) -> SessionPayload:
    """The failure counters cannot be read: refuse (never sign in unthrottled), but record the
    attempt and say so at ERROR."""
    log.error("sign-in refused, the throttle store is unavailable: %s", type(error).__name__)
    name = (username or "").strip().lower()[:64]
    index = lookup(UserModel, "username", name)
    user = await UserModel.filter(username_index=index).first() if name else None
    audit_auth(ctx, action, user, Outcome.ERROR)
    message = "signing in is unavailable for a moment; try again shortly"
    return SessionPayload(
        user=None,
        errors=[MutationError(code=ErrorCode.SERVICE_UNAVAILABLE, message=message, field=None)],
    )


def _me(ctx: RequestContext) -> str:
    return f"user:{ctx.principal.user_id}"


@strawberry.type
class SessionMutations:
    @strawberry.mutation(description="Sign in with a password; sets an HttpOnly session cookie.")
    async def session_create(self, info: Info, input: SessionCreateInput) -> SessionPayload:
        ctx = info.context
        try:
            result = await login.sign_in(
                username=input.username,
                password=input.password,
                client=_client(ctx),
                throttle=ctx.throttle,
            )
        except Exception as error:
            if not is_redis_unavailable(error):
                raise
            return await _throttle_down(ctx, input.username, error)
        return await _finish(ctx, result)

    @strawberry.mutation(description="Second sign-in step: a TOTP code or a recovery code.")
    async def session_verify_mfa(self, info: Info, challenge: str, code: str) -> SessionPayload:
        ctx = info.context
        try:
            result = await login.complete_mfa(
                challenge=challenge[:128], code=code, client=_client(ctx), throttle=ctx.throttle
            )
        except Exception as error:
            if not is_redis_unavailable(error):
                raise
            return await _throttle_down(ctx, None, error)
        return await _finish(ctx, result)

    @strawberry.mutation(
        description="Confirm your password (and code, with MFA) to unlock sensitive operations "
        "for 10 minutes."
    )
    async def session_reauthenticate(
        self, info: Info, password: str, code: str | None = None
    ) -> SessionPayload:
        ctx = info.context
        session = ctx.require_session()
        user = await UserModel.get(id=ctx.principal.user_id)
        name = user.username
        try:
            wait = await ctx.throttle.locked_for(name, ctx.client_ip)
        except Exception as error:
            if not is_redis_unavailable(error):
                raise
            return await _throttle_down(ctx, name, error, "session.reauthenticate")
        if wait:
            return await _finish(ctx, login.LoginResult(LoginOutcome.LOCKED, retry_after=wait))
        if not await login.reauthenticate(user=user, password=password, code=code):
            audit_auth(ctx, "session.reauthenticate", user, Outcome.DENIED)
            await ctx.throttle.failed(name, ctx.client_ip)
            refusal = MutationError(code=ErrorCode.UNAUTHENTICATED, message=_BAD_LOGIN, field=None)
            return SessionPayload(user=None, errors=[refusal])
        await sessions.mark_reauthenticated(session_id=session.id)
        audit_auth(ctx, "session.reauthenticate", user, Outcome.ALLOWED)
        return SessionPayload(user=user)  # type: ignore[arg-type]

    @strawberry.mutation(description="Sign out: this browser, or (with id) one of your sessions.")
    async def session_revoke(self, info: Info, id: strawberry.ID | None = None) -> bool:
        ctx = info.context
        if id is None:
            if ctx.session is None:
                return False
            await sessions.revoke_session(session_id=ctx.session.id)
            ctx.audit.note("session.revoke", "WebSession", ctx.session.id, subject=_me(ctx))
            ctx.response.delete_cookie(SESSION_COOKIE, path="/")
            ctx.become(ANONYMOUS, None)
            return True
        ctx.require_session()
        try:
            session_id = ids.decode(id, "Session")
        except NotFound:  # an id no session could have: refused and noted like someone else's
            ctx.audit.note("session.revoke", "WebSession", outcome=Outcome.DENIED)
            raise
        owned = await WebSession.filter(id=session_id, user_id=ctx.principal.user_id).exists()
        if owned:
            await sessions.revoke_session(session_id=session_id)
            ctx.audit.note("session.revoke", "WebSession", session_id, subject=_me(ctx))
        else:  # someone else's session, or none: the same answer, and an entry
            ctx.audit.note("session.revoke", "WebSession", session_id, outcome=Outcome.DENIED)
        return owned
