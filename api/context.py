"""The request context every resolver sees: principal, loaders, the field guard, counters."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.errors import Unauthenticated
from api.guard import Guard
from api.loaders import Loaders, request_loaders
from authz.principal import ANONYMOUS, Principal
from domain.accounts.models import OrgRole
from domain.settings import Settings


@dataclass
class RequestContext:
    request: Request
    response: Response
    settings: Settings
    principal: Principal = ANONYMOUS
    session_id: int | None = None
    loaders: Loaders = field(default_factory=request_loaders)
    guard: Guard = field(init=False)

    def __post_init__(self) -> None:
        self.guard = Guard(self.principal)

    def become(self, principal: Principal, session_id: int | None) -> None:
        """Switch identity mid-request (after signing in or out); decisions start afresh."""
        self.principal = principal
        self.session_id = session_id
        self.guard = Guard(principal)

    def grant_role(self, organization_id: int, role: OrgRole) -> None:
        """Reflect a role this request just gave the caller (e.g. creating an organization)."""
        roles = {**self.principal.org_roles, organization_id: role}
        self.become(replace(self.principal, org_roles=roles), self.session_id)

    def require_user(self) -> Principal:
        if not self.principal.is_authenticated:
            raise Unauthenticated()
        return self.principal

    @property
    def client_ip(self) -> str | None:
        return self.request.client.host if self.request.client else None

    @property
    def user_agent(self) -> str | None:
        return self.request.headers.get("user-agent")


def from_scope(request: Request, response: Response, settings: Settings) -> RequestContext:
    state: dict[str, Any] = request.scope.get("state", {})
    return RequestContext(
        request=request,
        response=response,
        settings=settings,
        principal=state.get("principal", ANONYMOUS),
        session_id=state.get("session_id"),
    )
