"""An empty database of the backend under test, for tests that run the ``mandi`` command or a
server in processes of their own (the session's ``backend`` database is already migrated)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.conftest import _create_postgres, _drop_postgres
from tests.support import Backend


@contextmanager
def empty_database_env(backend: Backend, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment for a new, empty database of the backend's kind, with its own witness;
    a PostgreSQL database is dropped afterwards."""
    fresh = asyncio.run(_create_postgres()) if backend.kind == "postgres" else None
    url = fresh.url if fresh else f"sqlite://{tmp_path / 'empty.sqlite3'}"
    try:
        yield {
            **os.environ,
            "DATABASE_URL": url,
            "MANDI_ENV": "development",
            "MANDI_AUDIT_WITNESS": str(tmp_path / "witness"),
        }
    finally:
        if fresh is not None:
            asyncio.run(_drop_postgres(fresh))
