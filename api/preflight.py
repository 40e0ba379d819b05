"""Checks before serving: the keys exist (development makes local ones and says where), and
outside development the database user cannot rewrite the audit log."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from audit import signing
from domain import db, secretbox
from domain.crypto import keys
from domain.settings import Settings

# (variable, how the key is loaded, the file development creates)
_KEYS: tuple[tuple[str, Callable[[], Any], Path], ...] = (
    ("MANDI_AUDIT_KEY", signing.private_key, signing.DEV_KEY_FILE),
    ("MANDI_DATA_KEY", lambda: secretbox.encrypt("", context="preflight"), secretbox._DEV_KEY_FILE),
    ("MANDI_INDEX_KEY", keys.index_key, keys.KEY_DIR / "mandi-index.key"),
)


def check_keys(settings: Settings) -> list[str]:
    """Load each key now; name every missing one."""
    problems = []
    for name, load, dev_file in _KEYS:
        configured = bool(os.environ.get(name) or os.environ.get(f"{name}_FILE"))
        existed = dev_file.exists()
        try:
            load()
        except Exception:  # any failure to load means no usable key
            problems.append(
                f"{name} is set but is not a valid key"
                if configured
                else f"{name} is not set (set {name} or {name}_FILE)"
            )
            continue
        if settings.is_development and not configured and not existed:
            print(f"development: generated {name} in {dev_file.resolve()} (mode 0600)")
    return problems


async def check_database_user() -> list[str]:
    """The service must not connect as a PostgreSQL superuser or the audit tables' owner."""
    if db.dialect() != "postgres":
        return []
    from domain.db_roles import owner_problem

    problem = await owner_problem("audit_entry")
    if problem is None:
        return []
    return [
        f"{problem}: it could rewrite the audit log. Serve as the service role "
        "(DATABASE_URL=postgres://mandi_service:...; `mandi migrate` with "
        "MANDI_MIGRATE_DATABASE_URL as the owner creates it), or set MANDI_ENV=development"
    ]
