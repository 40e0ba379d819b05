"""Settings read once from the environment. Secrets come only from here or a key file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SQLITE = "sqlite://var/mandi.sqlite3"


def _flag(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_SQLITE
    environment: str = "development"
    port: int = 8000
    cookie_secure: bool = False
    max_page_size: int = 100
    max_query_depth: int = 10
    sentry_dsn: str | None = None
    redis_url: str | None = None
    allowed_origins: frozenset[str] = frozenset()
    public_url: str = "http://127.0.0.1:8000"
    expose_stats: bool = False
    max_body_bytes: int = 64 * 1024
    max_response_bytes: int = 8 * 1024 * 1024
    max_query_cost: int = 20_000
    rate_limit_ip: str = "600/minute"
    rate_limit_principal: str = "600/minute"
    rate_limit_auth: str = "30/minute;200/hour"
    # Account mails (reset links, sign-up links and notices) one address gets in an hour,
    # whoever asks from wherever; past it requests answer alike and mail nothing.
    account_mails_per_hour: int = 3
    graphql_introspection: bool | None = None  # None: on in development only
    graphql_suggestions: bool | None = None  # None: on in development only
    trusted_proxies: tuple[str, ...] = ()
    registered_documents: str | None = None  # an Apollo persisted query manifest
    document_allowlist: str = "off"  # who may run only registered documents: off, tokens, all

    def __post_init__(self) -> None:
        for name in ("graphql_introspection", "graphql_suggestions"):
            if getattr(self, name) is None:
                object.__setattr__(self, name, self.is_development)

    @property
    def is_development(self) -> bool:
        return self.environment == "development"

    @classmethod
    def from_env(cls) -> Settings:
        environment = os.environ.get("MANDI_ENV", "development")
        development = environment == "development"
        return cls(
            database_url=os.environ.get("DATABASE_URL", DEFAULT_SQLITE),
            environment=environment,
            port=int(os.environ.get("PORT", "8000")),
            cookie_secure=_flag("MANDI_COOKIE_SECURE", environment != "development"),
            sentry_dsn=os.environ.get("SENTRY_DSN") or None,
            redis_url=os.environ.get("REDIS_URL") or None,
            allowed_origins=frozenset(
                o.strip()
                for o in os.environ.get("MANDI_ALLOWED_ORIGINS", "").split(",")
                if o.strip()
            ),
            public_url=os.environ.get("MANDI_PUBLIC_URL", "http://127.0.0.1:8000"),
            expose_stats=_flag("MANDI_EXPOSE_STATS", False),
            max_body_bytes=_int("MANDI_MAX_BODY_BYTES", 64 * 1024),
            max_response_bytes=_int("MANDI_MAX_RESPONSE_BYTES", 8 * 1024 * 1024),
            max_query_cost=_int("MANDI_MAX_QUERY_COST", 20_000),
            rate_limit_ip=os.environ.get("MANDI_RATE_LIMIT_IP") or cls.rate_limit_ip,
            rate_limit_principal=(
                os.environ.get("MANDI_RATE_LIMIT_PRINCIPAL") or cls.rate_limit_principal
            ),
            rate_limit_auth=os.environ.get("MANDI_RATE_LIMIT_AUTH") or cls.rate_limit_auth,
            account_mails_per_hour=_int("MANDI_ACCOUNT_MAILS_PER_HOUR", 3),
            graphql_introspection=_flag("MANDI_GRAPHQL_INTROSPECTION", development),
            graphql_suggestions=_flag("MANDI_GRAPHQL_SUGGESTIONS", development),
            trusted_proxies=tuple(
                p.strip()
                for p in os.environ.get("MANDI_TRUSTED_PROXIES", "").split(",")
                if p.strip()
            ),
            registered_documents=os.environ.get("MANDI_REGISTERED_DOCUMENTS") or None,
            document_allowlist=(
                os.environ.get("MANDI_DOCUMENT_ALLOWLIST", "").strip().lower() or "off"
            ),
        )


def ensure_sqlite_dir(database_url: str) -> None:
    """Create the folder of an SQLite file URL so a first run needs no set-up."""
    if database_url.startswith("sqlite://") and ":memory:" not in database_url:
        Path(database_url.removeprefix("sqlite://")).parent.mkdir(parents=True, exist_ok=True)


def keys_database_url(database_url: str) -> str:
    """Where the per-subject data keys live: ``MANDI_KEYS_DATABASE_URL``, else beside the
    database (``var/mandi.sqlite3`` -> ``var/mandi-keys.sqlite3``; PostgreSQL ``db`` ->
    ``db_keys`` on the same server). Never inside the application database: its backups must
    not hold the keys."""
    if explicit := os.environ.get("MANDI_KEYS_DATABASE_URL"):
        return explicit
    if database_url.startswith("sqlite://"):
        path = Path(database_url.removeprefix("sqlite://"))
        return f"sqlite://{path.with_name(f'{path.stem}-keys{path.suffix}')}"
    base, _, query = database_url.partition("?")
    return f"{base}_keys" + (f"?{query}" if query else "")
