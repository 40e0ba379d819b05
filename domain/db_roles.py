"""PostgreSQL least privilege: migrations run as the tables' owner, the service as a login role
that may change ordinary rows but only read and append to the append-only tables.

``mandi migrate`` connects with ``MANDI_MIGRATE_DATABASE_URL`` (the owner; default
``DATABASE_URL``). When ``DATABASE_URL`` names another user, that user is the service role:
created if missing (with the URL's password), stripped of every power (no superuser, no role
or database creation, no replication, no row-security bypass), and granted on every table
again (so tables added by later migrations are covered). It never owns a table, so it cannot
ALTER, DROP or disable triggers, and ``session_replication_role`` is a superuser setting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from tortoise import connections

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
READ_ONLY = ("tortoise_migrations",)


@dataclass(frozen=True)
class ServiceRole:
    name: str
    password: str | None
    database: str


def _user(url: str) -> str | None:
    return unquote(urlsplit(url).username or "") or None


def service_role(database_url: str, migrate_url: str) -> ServiceRole | None:
    """The role the service connects as, when it is not the migrating owner; else None."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return None
    name = _user(database_url)
    if name is None or name == _user(migrate_url):
        return None
    if not _ROLE_NAME.match(name):
        raise ValueError("the service role's name must be lowercase letters, digits and _")
    parts = urlsplit(database_url)
    password = unquote(parts.password) if parts.password else None
    return ServiceRole(name=name, password=password, database=parts.path.lstrip("/"))


async def _quoted(sql_format: str, *values: str) -> str:
    """``format()`` on the server: identifiers with %I, literals with %L, safely quoted."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        f"SELECT format('{sql_format}', {', '.join(f'${i + 1}::text' for i in range(len(values)))})"
        " AS statement",
        list(values),
    )
    return rows[0]["statement"]


async def grant_service_role(role: ServiceRole, *, append_only: tuple[str, ...]) -> None:
    """Create or update ``role`` and its grants; run as the owner after migrating."""
    conn = connections.get("default")
    _, found = await conn.execute_query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role.name])
    if not found:
        await conn.execute_script(await _quoted("CREATE ROLE %I LOGIN", role.name))
    powers = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT"
    await conn.execute_script(await _quoted(f"ALTER ROLE %I {powers}", role.name))
    if role.password:
        await conn.execute_script(
            await _quoted("ALTER ROLE %I PASSWORD %L", role.name, role.password)
        )
    tables = ", ".join(append_only)
    read_only = ", ".join(READ_ONLY)
    for statement in (
        "GRANT CONNECT ON DATABASE %I TO %I",
        "GRANT USAGE ON SCHEMA public TO %I",
        "REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I",
        f"REVOKE UPDATE, DELETE ON {tables}, {read_only} FROM %I",
        f"REVOKE INSERT ON {read_only} FROM %I",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I",
    ):
        values = (role.database, role.name) if "DATABASE" in statement else (role.name,)
        await conn.execute_script(await _quoted(statement, *values))


async def owner_problem(table: str) -> str | None:
    """Why the current connection must not serve (superuser, or owner of ``table``); None if
    it is fine."""
    conn = connections.get("default")
    _, rows = await conn.execute_query(
        "SELECT r.rolsuper AS superuser, "
        "pg_has_role(current_user, c.relowner, 'MEMBER') AS owner, current_user AS name "
        "FROM pg_roles r LEFT JOIN pg_class c ON c.relname = $1 AND c.relkind IN ('r', 'p') "
        "WHERE r.rolname = current_user",
        [table],
    )
    row = rows[0]
    if row["superuser"]:
        return f"the database user {row['name']} is a superuser"
    if row["owner"]:
        return f"the database user {row['name']} owns the table {table}"
    return None
