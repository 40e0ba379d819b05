"""The request context every resolver sees: principal, loaders, the field guard, counters."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.errors import Unauthenticated
from api.guard import Guard, acting_role
from api.loaders import Loaders, request_loaders
from api.request_ids import request_id_of
from audit.models import Outcome
from audit.recorder import Actor, AuditBuffer
from audit.refusals import RefusalLog
from authz.principal import ANONYMOUS, Principal
from domain.accounts.models import OrgRole, WebSession
from domain.accounts.sessions import LiveSession, require_recent_auth
from domain.accounts.throttle import LoginThrottle
from domain.errors import DomainError
from domain.settings import Settings


class SessionRequired(DomainError):
    code = "FORBIDDEN"

    def __init__(self) -> None:
        super().__init__("only a signed-in person can do this, not a partner token")


@dataclass
class RequestContext:
    request: Request
    response: Response
    settings: Settings
    throttle: LoginThrottle
    principal: Principal = ANONYMOUS
    # the session the request came with (plain values), or the one it just started
    session: LiveSession | WebSession | None = None
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    loaders: Loaders = field(default_factory=request_loaders)
    refusals: RefusalLog | None = None  # refusals summarised per address and minute
    guard: Guard = field(init=False)
    audit: AuditBuffer = field(init=False)
    signed_out_refusal: bool = False  # the operation asked for a signed-in caller and had none
    # the mutation field being resolved (mutations run one after another): what a refusal
    # before any object is named was a refusal of (``api.payloads`` sets it)
    mutation: str | None = None
    # id -> object, for the objects this request's mutations answered with (``api.payloads``):
    # one the caller may not read is refused as FORBIDDEN, not NOT_FOUND, for the caller just
    # made or changed it (a write-only partner token's orderImport: applied, not "not found")
    written: dict[int, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.guard = Guard(self.principal)
        self.audit = AuditBuffer(self.actor(), role_of=self._acting_role)

    def _acting_role(self, organization_id: int | None, subject: str | None) -> str | None:
        if subject is not None and subject == f"user:{self.principal.user_id}":
            return None  # on their own data, a person of Mandi acts as themselves
        return acting_role(self.principal, organization_id)

    def actor(self) -> Actor:
        """The principal as the audit log names it."""
        principal = self.principal
        kind = principal.kind if principal.kind in {"user", "token"} else "anonymous"
        return Actor(
            type=kind,
            id=principal.token_id if kind == "token" else principal.user_id,
            on_behalf_of=principal.user_id if kind == "token" else None,
            ip=self.client_ip,
            user_agent=self.user_agent,
            request_id=self.request_id,
        )

    @property
    def session_id(self) -> int | None:
        return self.session.id if self.session else None

    def release(self) -> None:
        """After the response is built: drop the request's per-object bookkeeping. The context
        sits in reference cycles (Strawberry's execution context, resolver infos, loader tasks),
        so without this every row the guard saw would wait for the cycle collector, which then
        traverses them all (measured on W1: 800 more objects of cyclic garbage a request)."""
        self.guard.release()
        self.audit.discard()
        self.written.clear()

    def become(self, principal: Principal, session: LiveSession | WebSession | None) -> None:
        """Switch identity mid-request (after signing in or out); decisions start afresh, and
        what is noted from now on names the new actor (earlier notes keep theirs)."""
        self.principal = principal
        self.session = session
        self.guard = Guard(principal)
        self.audit.actor = self.actor()

    def grant_role(self, organization_id: int, role: OrgRole) -> None:
        """Reflect a role this request just gave the caller (e.g. creating an organization)."""
        roles = {**self.principal.org_roles, organization_id: role}
        self.become(replace(self.principal, org_roles=roles), self.session)

    def require_user(self) -> Principal:
        if not self.principal.is_authenticated:
            self.signed_out_refusal = True
            raise Unauthenticated()
        return self.principal

    async def record_door_refusals(self) -> None:
        """After the operation: "sign in first" is a refusal like any other, recorded through
        the refusal log (the first per address and minute, then a summary), since anyone can
        send it as often as they like."""
        if self.signed_out_refusal and self.refusals is not None:
            self.signed_out_refusal = False
            await self.refusals.refused(self.actor(), "authentication.required", "Operation")

    def require_session(self) -> LiveSession | WebSession:
        """The caller's web session; partner tokens may not manage accounts."""
        self.require_user()
        if self.session is None:
            self._refused("session_required")
            raise SessionRequired()
        return self.session

    def require_step_up(self) -> LiveSession | WebSession:
        """The session, if it (re)authenticated recently; else STEP_UP_REQUIRED."""
        session = self.require_session()
        try:
            require_recent_auth(session)
        except DomainError:
            self._refused("step_up")
            raise
        return session

    def _refused(self, why: str) -> None:
        """A refusal before any object is named: the entry's request id names the operation, its
        ``detail.mutation`` the mutation field refused."""
        user = self.principal.user_id
        # A token belongs to one organization: its owners see what it was refused.
        token = self.principal.kind == "token"
        token_org = next(iter(self.principal.org_roles), None) if token else None
        self.audit.note(
            why,
            "WebSession" if self.session else "PartnerToken",
            self.session.id if self.session else self.principal.token_id,
            subject=f"user:{user}" if user else None,
            organization_id=token_org,
            outcome=Outcome.DENIED,
            # two mutations refused alike are two entries; one asked thirty times, one entry
            # with ``attempts``
            detail={"mutation": self.mutation} if self.mutation else None,
        )

    @property
    def client_ip(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")


def from_scope(
    request: Request, response: Response, settings: Settings, throttle: LoginThrottle
) -> RequestContext:
    state: dict[str, Any] = request.scope.get("state", {})
    context = RequestContext(
        request=request,
        response=response,
        settings=settings,
        throttle=throttle,
        principal=state.get("principal", ANONYMOUS),
        session=state.get("session"),
        request_id=request_id_of(request.scope),
        refusals=getattr(request.app.state, "refusals", None) if "app" in request.scope else None,
    )
    return context
