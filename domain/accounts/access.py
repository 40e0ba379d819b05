"""What a signed-in user may do, read as columns of the one statement that finds them.

``columns(user, now)`` are three correlated subqueries (organization roles, platform roles, and
for a support agent the open access grants) that a statement selecting a user row adds to its
own, so a request learns its caller and their access in one round trip; ``parse`` reads them
back into plain values, no model instances. The SQL differs by dialect only in its JSON
aggregates; placeholders are numbered (``$1`` / ``?1``) so a statement can reuse one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from domain.accounts.models import OrgRole, PlatformRole

_ROLES = {role.value: role for role in OrgRole}
_PLATFORM = {role.value: role for role in PlatformRole}


@dataclass(frozen=True, slots=True)
class UserAccess:
    org_roles: dict[int, OrgRole]
    platform_roles: frozenset[PlatformRole]
    grant_reasons: dict[tuple[str, int], str]  # open access grants (support agents only)


def connection() -> tuple[BaseDBAsyncClient, bool]:
    """The default connection, and whether it is PostgreSQL."""
    conn = connections.get("default")
    return conn, conn.capabilities.dialect == "postgres"


def mark(postgres: bool) -> Callable[[int], str]:
    return (lambda n: f"${n}") if postgres else (lambda n: f"?{n}")


def columns(postgres: bool, user: str, now: str) -> str:
    """The access subqueries for the user whose id is the SQL expression ``user``, open grants
    being those that expire after the placeholder ``now``."""
    group, pair = ("json_agg", "json_build_array")
    if not postgres:
        group, pair = ("json_group_array", "json_array")
    agent = PlatformRole.SUPPORT_AGENT.value
    # no value in the text: placeholders and this module's own names only
    return (
        f"(SELECT {group}({pair}(m.organization_id, m.role)) FROM membership m"  # noqa: S608
        f" WHERE m.user_id = {user}) AS access_orgs,"
        f" (SELECT {group}(p.role) FROM platform_role_grant p"
        f" WHERE p.user_id = {user}) AS access_platform,"
        f" (SELECT {group}({pair}(g.id, g.subject_kind, g.subject_id, g.justification))"
        f" FROM access_grant g WHERE g.grantee_id = {user} AND g.revoked_at IS NULL"
        f" AND g.expires_at > {now} AND EXISTS (SELECT 1 FROM platform_role_grant a"
        f" WHERE a.user_id = {user} AND a.role = '{agent}')) AS access_grants"
    )


def _json(value: Any) -> list[Any]:
    if value is None:  # PostgreSQL's json_agg of no rows
        return []
    return json.loads(value) if isinstance(value, str | bytes) else list(value)


def parse(row: Mapping[str, Any]) -> UserAccess:
    platform = frozenset(_PLATFORM[role] for role in _json(row["access_platform"]))
    reasons: dict[tuple[str, int], str] = {}
    if PlatformRole.SUPPORT_AGENT in platform:
        for _, kind, subject_id, why in sorted(_json(row["access_grants"])):  # by grant id
            reasons[(str(kind), int(subject_id))] = why
    return UserAccess(
        org_roles={int(org): _ROLES[role] for org, role in _json(row["access_orgs"])},
        platform_roles=platform,
        grant_reasons=reasons,
    )


async def load(user_id: int) -> UserAccess:
    """The access of ``user_id`` (whatever their status), in one statement."""
    conn, postgres = connection()
    n = mark(postgres)
    _, rows = await conn.execute_query(
        f"SELECT {columns(postgres, n(1), n(2))}",
        [user_id, datetime.now(UTC)],
    )
    return parse(rows[0])


def moment(value: Any) -> datetime:
    """A stored datetime read by a raw statement: SQLite gives its text, PostgreSQL a datetime."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def maybe_moment(value: Any) -> datetime | None:
    return None if value is None else moment(value)
