"""Database wiring: Tortoise configuration, start-up and shutdown, a SQL statement counter."""

from __future__ import annotations

import contextvars
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from tortoise import Tortoise, connections
from tortoise.backends.base.executor import EXECUTOR_CACHE
from tortoise.models import Model

from domain.crypto import at_rest, keys, keystore
from domain.settings import ensure_sqlite_dir, keys_database_url

APP = "mandi"
MODEL_MODULES = [
    "domain.accounts.models",
    "domain.accounts.auth_models",
    "domain.catalog.models",
    "domain.inventory.models",
    "domain.marketplaces.models",
    "domain.marketplaces.sync_models",
    "domain.marketplaces.disclosure_models",
    "domain.orders.models",
    "domain.support.models",
    "domain.privacy.models",
    "domain.privacy.request_models",
    "domain.privacy.consent_models",
    "domain.privacy.breach",
    "domain.privacy.policy_versions",
    "audit.models",
]


def _apps() -> dict:
    return {APP: {"models": MODEL_MODULES, "migrations": "migrations"}}


def tortoise_config(database_url: str, *, migrating: bool = False) -> dict:
    """With ``migrating``, SQLite does not enforce foreign keys while a migration rebuilds a
    table to change a column (a migration checks them itself before it commits)."""
    return {
        "connections": {"default": _connection(database_url, foreign_keys=not migrating)},
        "apps": _apps(),
        "use_tz": True,
        "timezone": "UTC",
    }


def _connection(
    database_url: str, *, secure_delete: bool = False, foreign_keys: bool = True
) -> str | dict:
    if database_url.startswith("sqlite://"):
        ensure_sqlite_dir(database_url)
        path = database_url.removeprefix("sqlite://")
        _create_private(path)
        credentials = {
            "file_path": path,
            "journal_mode": "WAL",
            "foreign_keys": "ON" if foreign_keys else "OFF",
            "busy_timeout": 5000,
        }
        if secure_delete:  # a destroyed key's bytes are overwritten, not left in free pages
            credentials["secure_delete"] = "ON"
        return {"engine": "domain.sqlite_client", "credentials": credentials}
    return database_url


def _create_private(path: str) -> None:
    """Create the SQLite file readable by its owner only (its -wal and -shm files follow)."""
    if path == ":memory:" or os.path.exists(path):
        return
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


async def init_db(database_url: str) -> None:
    # Tortoise 1.x binds connections to the task that opened them; the global fallback lets the
    # server's request tasks use the connections its lifespan task opened.
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)
    await start_encryption(database_url)


async def start_encryption(database_url: str) -> None:
    """Load the keys (the embedded default makes its key files now, and says where), hook
    sealing into the models and open the key store (made on first use)."""
    keys.kek()
    keys.index_key()
    at_rest.install(models())
    if not keystore.is_open():
        keystore.open_store(_connection(keys_database_url(database_url), secure_delete=True))
    await keystore.ensure_schema()


async def close_db() -> None:
    await Tortoise.close_connections()
    await keystore.close_store()
    # Tortoise caches each model's SQL by connection name, not dialect: forget it, so a process
    # that opens another database under the same name (the tests do) builds it afresh.
    EXECUTOR_CACHE.clear()


def dialect() -> str:
    return connections.get("default").capabilities.dialect


def models() -> dict[str, type[Model]]:
    """Every registered model of the app, by name."""
    return dict(Tortoise.apps[APP]) if APP in Tortoise.apps else {}


async def ping() -> bool:
    await connections.get("default").execute_query("SELECT 1")
    return True


async def pending_migrations() -> list[str]:
    """Names of the migrations in ``migrations/`` the open database has not applied, in order
    (all of them for a database never migrated)."""
    from tortoise.migrations.executor import MigrationExecutor

    steps = await MigrationExecutor(connections.get("default"), _apps()).plan()
    return [step.migration.name for step in steps if not step.backward]


def display_url(database_url: str) -> str:
    """The database URL without its password, fit for messages."""
    parts = urlsplit(database_url)
    if parts.password is None:
        return database_url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username}:***@{host}"))


# --- SQL statement counting -------------------------------------------------------------------
# Tortoise logs each statement (with its values) at DEBUG on "tortoise.db_client". The counter
# takes that logger's ``debug`` itself: it counts the statement for the current request and
# drops it, before any log record is made (a record per statement, with the caller's frame found
# by walking the stack, cost about as much as a small query's own Python work). A filter on the
# logger drops whatever it logs at other levels (and counts a statement logged some other way).
# Statements and their values never reach a handler: no personal value can leak into logs.


@dataclass
class StatementCount:
    value: int = 0
    keep_sql: bool = False
    sql: list[str] = field(default_factory=list)


_current: contextvars.ContextVar[StatementCount | None] = contextvars.ContextVar(
    "mandi_sql_count", default=None
)


def _count(msg: object, args: object) -> None:
    """Count ``msg`` when it is a statement: "%s: %s" (statement, values) or a bare string."""
    if msg == "%s: %s" or (args == () and isinstance(msg, str)):
        count = _current.get()
        if count is not None:
            count.value += 1
            if count.keep_sql:
                # a tuple here: a one-dict tuple cannot fill "%s: %s"
                count.sql.append(str(args[0] if isinstance(args, tuple) and args else msg))


def _count_and_drop_debug(msg: object, *args: object, **_: object) -> None:
    _count(msg, args)


class _CountAndDrop(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        _count(record.msg, record.args)
        return False


def install_statement_counter() -> None:
    logger = logging.getLogger("tortoise.db_client")
    if not any(isinstance(f, _CountAndDrop) for f in logger.filters):
        logger.addFilter(_CountAndDrop())
    logger.debug = _count_and_drop_debug  # type: ignore[method-assign]
    logger.setLevel(logging.DEBUG)


@contextmanager
def count_statements(*, keep_sql: bool = False) -> Iterator[StatementCount]:
    """Count the SQL statements run in this context (and the tasks it spawns); with
    ``keep_sql`` also keep their text (never their values)."""
    count = StatementCount(keep_sql=keep_sql)
    token = _current.set(count)
    try:
        yield count
    finally:
        _current.reset(token)
