"""The ``mandi`` command: a thin shell over the same services the API uses."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import os
import sys
from collections.abc import Awaitable, Callable
from importlib import metadata

from api.jobs import cli as worker_cli
from api.privacy import retention_cli
from audit import cli as audit_cli
from authz import cli as authz_cli
from domain import db, progress
from domain.crypto import cli as keys_cli
from domain.crypto import keystore
from domain.settings import Settings

log = logging.getLogger("mandi.cli")


async def _migrate(settings: Settings) -> None:
    from tortoise.migrations.api import migrate

    from audit.triggers import TABLES
    from domain.db_roles import grant_service_role, service_role

    owner_url = os.environ.get("MANDI_MIGRATE_DATABASE_URL") or settings.database_url
    role = service_role(settings.database_url, owner_url)
    await _open(owner_url)
    await db.close_db()
    try:
        await migrate(config=db.tortoise_config(owner_url, migrating=True))
    finally:
        await db.close_db()
    print("migrations applied")
    if role is None:
        return
    await db.init_db(owner_url)
    try:
        await grant_service_role(role, append_only=TABLES)
        await keystore.grant_service_role(role.name)
    finally:
        await db.close_db()
    print(f"service role {role.name}: may read and append to the audit log, never change it")


async def _preflight(settings: Settings) -> list[str]:
    """Why this process must not serve: missing keys, or (outside development) a database
    user that could rewrite the audit log. An unreachable or unmigrated database raises."""
    from api.preflight import check_database_user, check_keys

    problems = check_keys(settings)
    if problems:  # opening the database needs the keys
        return problems
    await _open_migrated(settings)  # DatabaseUnusable: unreachable or not migrated
    try:
        if not settings.is_development:
            problems += await check_database_user()
    finally:
        await db.close_db()
    return problems


async def _makemigrations(settings: Settings, name: str | None) -> None:
    from tortoise import Tortoise
    from tortoise.migrations.autodetector import MigrationAutodetector

    config = db.tortoise_config(settings.database_url)
    await Tortoise.init(config=config)
    try:
        writers = await MigrationAutodetector(Tortoise.apps, config["apps"]).changes()
        for writer in writers:
            if name:
                writer.name = f"{writer.name.split('_', 1)[0]}_{name}"
            print(f"created {writer.write()}")
        if not writers:
            print("no changes")
    finally:
        await db.close_db()


class DatabaseUnusable(Exception):
    """The database cannot be reached or is not migrated: a one-line message, no traceback."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


async def _open(database_url: str) -> None:
    """Open the database and ask it one query, or raise DatabaseUnusable (exit 3: the
    database may come back, worth retrying)."""
    try:
        await db.init_db(database_url)
        await db.ping()
    except Exception as error:
        with contextlib.suppress(Exception):
            await db.close_db()
        message = f"cannot reach the database {db.display_url(database_url)}: {_one_line(error)}"
        raise DatabaseUnusable(message, 3) from None


async def _open_migrated(settings: Settings) -> None:
    """Open the database, or refuse: unreachable (exit 3, worth retrying) or not migrated
    (exit 2: run ``mandi migrate``)."""
    await _open(settings.database_url)
    where = db.display_url(settings.database_url)
    try:
        pending = await db.pending_migrations()
        if pending:
            raise DatabaseUnusable(
                f"the database {where} is not migrated ({len(pending)} migrations not applied, "
                f"from {pending[0]}): run `mandi migrate` first",
                2,
            )
    except BaseException:
        await db.close_db()
        raise


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:200]


async def _with_db(settings: Settings, action: Callable[[], Awaitable[None]]) -> None:
    await _open_migrated(settings)
    try:
        await action()
    finally:
        await db.close_db()


async def _with_db_result(settings: Settings, action: Callable[[], Awaitable[int]]) -> int:
    await _open_migrated(settings)
    try:
        return await action()
    finally:
        await db.close_db()


async def _seed_demo(settings: Settings, if_empty: bool) -> None:
    from domain.demo import SEED_STEPS, seed_demo

    if not settings.is_development:
        raise DemoRefused()

    async def run() -> None:
        with progress.bar(total=SEED_STEPS, desc="seed demo data", unit="record") as bar:
            created = await seed_demo(if_empty=if_empty, progress=bar.update)
        print("demo data loaded" if created else "demo data already present; nothing changed")

    await _with_db(settings, run)


async def _create_admin(settings: Settings, username: str, email: str) -> None:
    from domain.accounts.models import PlatformRole, PlatformRoleGrant
    from domain.accounts.services import create_user

    password = os.environ.get("MANDI_ADMIN_PASSWORD") or getpass.getpass("password: ")

    async def run() -> None:
        user = await create_user(
            username=username,
            email=email,
            full_name=username,
            password=password,
            country="IN",
            adult_attested=True,
        )
        await PlatformRoleGrant.create(user=user, role=PlatformRole.PLATFORM_ADMIN)
        print(f"platform admin {user.username} created")

    await _with_db(settings, run)


class DemoRefused(Exception):
    """Demo accounts have a public password: never outside development."""


def _serve(settings: Settings, host: str) -> int:
    import uvicorn

    from api.app import create_app
    from api.gc_tuning import tune_for_serving

    problems = asyncio.run(_preflight(settings))
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 2
    app = create_app(settings)
    tune_for_serving()
    # Forwarded headers are handled by the app, from MANDI_TRUSTED_PROXIES only.
    uvicorn.run(app, host=host, port=settings.port, log_level="info", proxy_headers=False)
    return 0


def _version() -> str:
    try:
        return f"mandi {metadata.version('mandi')}"
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "mandi (not installed)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mandi", description="Mandi marketplace management")
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars on stderr for long work (default: only when stderr is a terminal)",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="log at INFO, the ORM's messages included"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the API (PORT, default 8000)")
    serve.add_argument("--host", default="127.0.0.1")
    sub.add_parser("migrate", help="apply database migrations")
    make = sub.add_parser("makemigrations", help="write a migration for model changes")
    make.add_argument("--name")
    seed = sub.add_parser("seed-demo", help="load demo data (local use only)")
    seed.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
    admin = sub.add_parser("create-admin", help="create a platform admin (MANDI_ADMIN_PASSWORD)")
    admin.add_argument("username")
    admin.add_argument("email")
    audit_cli.add_parser(sub)
    authz_cli.add_parser(sub)
    worker_cli.add_parser(sub)
    keys_cli.add_parser(sub)
    retention_cli.add_parser(sub)
    return parser


def _configure_logging(args: argparse.Namespace) -> None:
    """Quiet by default: warnings and errors only, except that the long-running commands
    (serve, worker) keep their own INFO lines. The ORM speaks at INFO only with --verbose."""
    daemon = args.command in {"serve", "worker"}
    level = logging.INFO if args.verbose or daemon else logging.WARNING
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("tortoise").setLevel(logging.INFO if args.verbose else logging.WARNING)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _configure_logging(args)
    progress.configure(args.progress)
    settings = Settings.from_env()
    from domain.errors import DomainError

    try:
        if args.command == "serve":
            return _serve(settings, args.host)
        elif args.command == "migrate":
            asyncio.run(_migrate(settings))
        elif args.command == "makemigrations":
            asyncio.run(_makemigrations(settings, args.name))
        elif args.command == "seed-demo":
            asyncio.run(_seed_demo(settings, args.if_empty))
        elif args.command == "create-admin":
            asyncio.run(_create_admin(settings, args.username, args.email))
        elif args.command == "audit":
            offline = audit_cli.run_offline(args)
            if offline is not None:
                return offline
            return asyncio.run(_with_db_result(settings, lambda: audit_cli.run(args)))
        elif args.command == "keys":
            return asyncio.run(_with_db_result(settings, lambda: keys_cli.run(args, db.models())))
        elif args.command == "authz":
            return authz_cli.run(args)
        elif args.command == "worker":
            return asyncio.run(_with_db_result(settings, lambda: worker_cli.run(args)))
        elif args.command == "retention":
            return asyncio.run(_with_db_result(settings, lambda: retention_cli.run(args)))
    except DomainError as error:
        print(f"error: {error.code}: {error.message}", file=sys.stderr)
        return 2
    except DatabaseUnusable as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except DemoRefused:
        print(
            "error: seed-demo loads accounts with a public password; it runs only with "
            "MANDI_ENV=development",
            file=sys.stderr,
        )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
