"""A second process appending to the audit log: ``python -m tests.audit.append_writer URL N
TAG`` (what any CLI command that records does), one transaction per entry, request ids
``TAG0``, ``TAG1``..."""

from __future__ import annotations

import asyncio
import sys

from audit.recorder import Actor, record
from domain import db


async def main(url: str, count: int, tag: str) -> None:
    await db.init_db(url)
    try:
        for n in range(count):
            await record(Actor(type="system", request_id=f"{tag}{n}"), "test.cli_append", "Nothing")
    finally:
        await db.close_db()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "cli"))
