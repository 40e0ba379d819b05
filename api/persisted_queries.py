"""Apollo automatic persisted queries (APQ), and the allow-list of registered documents.

APQ: a request's ``extensions.persistedQuery`` is ``{"version": 1, "sha256Hash": HEX}``. With
no query, the document stored under the hash runs, or the answer is ``PersistedQueryNotFound``
(``PERSISTED_QUERY_NOT_FOUND``), on which Apollo clients send it again with the query. With a
query, the hash must be its SHA-256 (``PERSISTED_QUERY_HASH_MISMATCH``); once the document has
parsed and validated it is stored. Storing a document grants nothing: it runs through the same
validation, cost limit and guard as any other. Store: Redis (``REDIS_URL``, keys
``mandi:apq:<hash>`` kept a day) or, without Redis, an in-process LRU of at most 1,000
documents and 8 MiB.

Allow-list: ``MANDI_REGISTERED_DOCUMENTS`` names a file of registered documents in the format of
Apollo's persisted query manifest (``{"format": "apollo-persisted-query-manifest", "version": 1,
"operations": [{"id": SHA256, "name", "type", "body"}]}``, as ``generate-persisted-query-manifest``
writes it), checked at start-up (each id must be its body's SHA-256). A file, not a table: the
documents an integration may run are part of a release, reviewed like code, and change with a
deploy; no request can add one. Registered documents answer to their hash for everyone.
``MANDI_DOCUMENT_ALLOWLIST`` says who may run only those: ``off`` (default), ``tokens`` (partner
tokens; users and anonymous callers are unaffected) or ``all``. A restricted caller's document
(sent by hash or as text) must be registered, else ``DOCUMENT_NOT_REGISTERED`` (403), and what
it sends is never stored.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from redis.asyncio import Redis

from api.error_codes import Code, Refused
from authz.principal import Principal
from domain.settings import Settings

VERSION = 1
_HASH = re.compile(r"[0-9a-f]{64}")
ALLOWLIST_MODES = ("off", "tokens", "all")
MANIFEST_FORMAT = "apollo-persisted-query-manifest"


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class DocumentStore(Protocol):
    async def get(self, key: str) -> str | None: ...

    async def put(self, key: str, document: str) -> None: ...

    async def close(self) -> None: ...


@dataclass
class MemoryDocumentStore:
    """An LRU bounded by entries and by characters in all."""

    max_entries: int = 1000
    max_chars: int = 8 * 1024 * 1024
    _documents: OrderedDict[str, str] = field(default_factory=OrderedDict)
    _chars: int = 0

    async def get(self, key: str) -> str | None:
        document = self._documents.get(key)
        if document is not None:
            self._documents.move_to_end(key)
        return document

    async def put(self, key: str, document: str) -> None:
        if len(document) > self.max_chars:
            return
        if key in self._documents:
            self._documents.move_to_end(key)
            return
        self._documents[key] = document
        self._chars += len(document)
        while len(self._documents) > self.max_entries or self._chars > self.max_chars:
            _, dropped = self._documents.popitem(last=False)
            self._chars -= len(dropped)

    async def close(self) -> None:
        return None


class RedisDocumentStore:
    PREFIX = "mandi:apq:"
    TTL_SECONDS = 24 * 3600

    def __init__(self, url: str) -> None:
        self.redis = Redis.from_url(url)

    async def get(self, key: str) -> str | None:
        found = await self.redis.get(self.PREFIX + key)
        return found.decode() if isinstance(found, bytes) else found

    async def put(self, key: str, document: str) -> None:
        await self.redis.set(self.PREFIX + key, document.encode(), ex=self.TTL_SECONDS)

    async def close(self) -> None:
        await self.redis.aclose()


def load_manifest(path: str | Path) -> dict[str, str]:
    """Registered documents by SHA-256, from an Apollo persisted query manifest."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("version") != 1:
        raise ValueError(f"{path}: not an {MANIFEST_FORMAT} of version 1")
    documents: dict[str, str] = {}
    for operation in manifest.get("operations", []):
        key, body = operation.get("id"), operation.get("body")
        if not isinstance(body, str) or key != sha256_hex(body):
            raise ValueError(f"{path}: operation {key!r} is not the SHA-256 of its body")
        documents[key] = body
    return documents


def _requested_hash(extensions: dict[str, Any] | None) -> str | None:
    persisted = (extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    if not isinstance(persisted, dict):
        raise Refused(Code.BAD_REQUEST, "extensions.persistedQuery must be an object")
    if persisted.get("version") != VERSION:
        raise Refused(
            Code.PERSISTED_QUERY_NOT_SUPPORTED,
            "PersistedQueryNotSupported: only persistedQuery version 1 is supported",
        )
    key = persisted.get("sha256Hash")
    if not isinstance(key, str) or not _HASH.fullmatch(key):
        raise Refused(
            Code.BAD_REQUEST, "extensions.persistedQuery.sha256Hash must be 64 lowercase hex digits"
        )
    return key


def _not_registered() -> Refused:
    return Refused(
        Code.DOCUMENT_NOT_REGISTERED, "this caller may run only registered documents", status=403
    )


class PersistedQueries:
    def __init__(
        self,
        store: DocumentStore,
        registered: dict[str, str] | None = None,
        allowlist: str = "off",
    ) -> None:
        if allowlist not in ALLOWLIST_MODES:
            modes = ", ".join(ALLOWLIST_MODES)
            raise ValueError(f"MANDI_DOCUMENT_ALLOWLIST must be one of {modes}")
        if allowlist != "off" and registered is None:
            raise ValueError("MANDI_DOCUMENT_ALLOWLIST needs MANDI_REGISTERED_DOCUMENTS")
        self.store = store
        self.registered = registered or {}
        self.allowlist = allowlist

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedQueries:
        store: DocumentStore = (
            RedisDocumentStore(settings.redis_url) if settings.redis_url else MemoryDocumentStore()
        )
        path = settings.registered_documents
        registered = load_manifest(path) if path else None
        return cls(store, registered, settings.document_allowlist)

    def restricted(self, principal: Principal) -> bool:
        if self.allowlist == "all":
            return True
        return self.allowlist == "tokens" and principal.kind == "token"

    async def resolve(
        self, query: str | None, extensions: dict[str, Any] | None, principal: Principal
    ) -> tuple[str | None, str | None]:
        """The document to run, and the hash to store it under once it validates (or None)."""
        key = _requested_hash(extensions)
        restricted = self.restricted(principal)
        if query is None and key is not None:
            document = self.registered.get(key)
            if document is None and restricted:
                raise _not_registered()
            if document is None:
                document = await self.store.get(key)
            if document is None:
                raise Refused(
                    Code.PERSISTED_QUERY_NOT_FOUND,
                    "PersistedQueryNotFound",
                    status=404,
                    json_status=200,
                )
            return document, None
        if query is None:
            return None, None
        if key is not None and sha256_hex(query) != key:
            raise Refused(
                Code.PERSISTED_QUERY_HASH_MISMATCH,
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query",
            )
        if restricted:
            if sha256_hex(query) not in self.registered:
                raise _not_registered()
            return query, None
        stored = key is not None and key not in self.registered
        return query, key if stored else None

    async def register(self, key: str, document: str) -> None:
        await self.store.put(key, document)

    async def close(self) -> None:
        await self.store.close()
