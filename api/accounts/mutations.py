"""Mutations: sessionCreate (sign in) and sessionRevoke (sign out)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.accounts.types import User
from api.auth import SESSION_COOKIE
from api.errors import ErrorCode, MutationError
from authz.principal import ANONYMOUS, load_user_principal
from domain.accounts import sessions
from domain.accounts.models import User as UserModel
from domain.accounts.models import UserStatus
from domain.accounts.passwords import hash_password, needs_rehash, verify_password

_BAD_LOGIN = "username or password is wrong"


@strawberry.input
class SessionCreateInput:
    username: str
    password: str


@strawberry.type
class SessionPayload:
    user: User | None
    errors: list[MutationError]


@strawberry.type
class AccountMutations:
    @strawberry.mutation(description="Sign in; sets an HttpOnly session cookie.")
    async def session_create(self, info: Info, input: SessionCreateInput) -> SessionPayload:
        ctx = info.context
        user = await UserModel.filter(username=input.username.strip().lower()[:40]).first()
        # Unknown users still cost one argon2 verification, so timing does not reveal them.
        ok = verify_password(user.password_hash if user else None, input.password[:1024])
        if user is None or not ok or user.status != UserStatus.ACTIVE:
            error = MutationError(code=ErrorCode.UNAUTHENTICATED, message=_BAD_LOGIN, field=None)
            return SessionPayload(user=None, errors=[error])
        if needs_rehash(user.password_hash or ""):
            user.password_hash = hash_password(input.password)
            await user.save(update_fields=["password_hash"])
        new = await sessions.create_session(user=user, ip=ctx.client_ip, user_agent=ctx.user_agent)
        ctx.become(await load_user_principal(user), new.session.id)
        ctx.response.set_cookie(
            SESSION_COOKIE,
            new.token,
            max_age=int(sessions.ABSOLUTE_TIMEOUT.total_seconds()),
            httponly=True,
            secure=ctx.settings.cookie_secure,
            samesite="lax",
            path="/",
        )
        return SessionPayload(user=user, errors=[])  # type: ignore[arg-type]

    @strawberry.mutation(description="Sign out of this browser.")
    async def session_revoke(self, info: Info) -> bool:
        ctx = info.context
        if ctx.session_id is not None:
            await sessions.revoke_session(session_id=ctx.session_id)
        ctx.response.delete_cookie(SESSION_COOKIE, path="/")
        signed_out = ctx.session_id is not None
        ctx.become(ANONYMOUS, None)
        return signed_out
