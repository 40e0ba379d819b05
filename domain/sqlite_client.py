"""Tortoise's SQLite client with transactions that take the write lock when they begin.

A plain ``BEGIN`` is deferred: a transaction that reads (the audit chain's head) and then writes
fails at once with "database is locked" when another process wrote in between, whatever the
busy timeout. ``BEGIN IMMEDIATE`` waits (up to the busy timeout) for the lock instead, so
appends from several processes (the server and a CLI command) serialise.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
