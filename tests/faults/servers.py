"""Real servers for fault tests: `mandi serve` processes, and a TCP proxy in front of the
database that a test can cut and restore (the database itself keeps running for everyone
else)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.support import first_answer

MANDI = str(Path(sys.executable).with_name("mandi"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    port: int
    url: str
    process: asyncio.subprocess.Process | None = None
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        env = {**os.environ, "DATABASE_URL": self.url, "PORT": str(self.port)}
        env["MANDI_ENV"] = "development"
        env.update(self.extra_env)
        self.process = await asyncio.create_subprocess_exec(
            MANDI,
            "serve",
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        health = await first_answer(self.process, self.base)
        assert health.status_code == 200, f"the server started unhealthy: {health.text[:200]}"

    async def kill(self) -> None:
        """SIGKILL: no shutdown, transactions in flight die with the process."""
        if self.process and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        if self.process and self.process.returncode is None:
            self.process.terminate()
            await self.process.wait()


@contextlib.asynccontextmanager
async def serving(url: str, count: int = 1) -> AsyncIterator[list[Server]]:
    servers = [Server(port=free_port(), url=url) for _ in range(count)]
    try:
        await asyncio.gather(*(s.start() for s in servers))
        yield servers
    finally:
        for server in servers:
            await server.stop()


@dataclass
class TcpProxy:
    """Forwards 127.0.0.1:port to the database; ``cut`` drops every connection and refuses new
    ones until ``restore``."""

    target: tuple[str, int]
    port: int = field(default_factory=free_port)
    open: bool = True
    _links: set[asyncio.StreamWriter] = field(default_factory=set)
    _server: asyncio.AbstractServer | None = None

    def url_for(self, database_url: str) -> str:
        parts = urlsplit(database_url)
        auth = parts.netloc.rpartition("@")[0]
        netloc = f"{auth}@127.0.0.1:{self.port}" if auth else f"127.0.0.1:{self.port}"
        return urlunsplit(parts._replace(netloc=netloc))

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    async def close(self) -> None:
        self.cut()
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    def cut(self) -> None:
        self.open = False
        for writer in list(self._links):
            writer.transport.abort()  # a reset, as when the database host goes away
        self._links.clear()

    def restore(self) -> None:
        self.open = True

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.open:
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links.update((writer, up_writer))
        await asyncio.gather(
            self._pipe(reader, up_writer), self._pipe(up_reader, writer), return_exceptions=True
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        finally:
            self._links.discard(writer)
            writer.transport.abort()
