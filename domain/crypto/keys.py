"""The process's long-lived keys: the key-encryption key (KEK) and the blind-index key.

Neither ever lives in the database. Each comes from the environment (URL-safe base64 of 32
bytes) or a key file; in development a key file is generated on first use (mode 0600).

- KEK: ``MANDI_DATA_KEY`` or ``MANDI_DATA_KEY_FILE`` (dev: ``var/mandi-data.key``). After a
  rotation the old one stays readable as ``MANDI_DATA_KEY_PREVIOUS`` until ``mandi keys rotate``
  has re-wrapped every data key.
- Blind-index key: ``MANDI_INDEX_KEY`` or ``MANDI_INDEX_KEY_FILE`` (dev: ``var/mandi-index.key``).
- KMS hook: ``MANDI_KMS=package.module:factory`` names a callable returning a ``KeyWrapper``
  (wrap and unwrap data keys in a cloud KMS); the local KEK is then not used.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import importlib
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger("mandi.keys")

KEY_DIR = Path("var")


class KeyUnavailable(RuntimeError):
    """A key is not configured, not valid, or (for a data key) destroyed."""


class KeyWrapper(Protocol):
    """Wraps and unwraps data keys. The local KEK implements it; so can a cloud KMS client."""

    @property
    def current_id(self) -> str: ...

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[str, bytes]:
        """(id of the wrapping key, wrapped bytes)."""
        ...

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes: ...


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def decode_key(raw: str) -> bytes:
    text = raw.strip()
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise KeyUnavailable("a key is not valid base64") from None
    if len(key) != 32:
        raise KeyUnavailable("a key must be 32 bytes")
    return key


def _development() -> bool:
    return os.environ.get("MANDI_ENV", "development") == "development"


def load_key(env: str, file_env: str, dev_file: str) -> bytes:
    """A key from ``env``, else the file named by ``file_env``, else (development only) a
    generated key file."""
    if raw := os.environ.get(env):
        return decode_key(raw)
    if path := os.environ.get(file_env):
        return decode_key(Path(path).read_text())
    if not _development():
        raise KeyUnavailable(f"set {env} or {file_env}")
    target = KEY_DIR / dev_file
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(new_key())
            log.warning("generated a new key file %s (mode 0600): keep it safe", target.resolve())
    return decode_key(target.read_text())


def key_id(key: bytes) -> str:
    """A short public name of a key (a hash prefix, which reveals nothing of it)."""
    return hashlib.sha256(b"mandi key id\x00" + key).hexdigest()[:12]


@dataclass(frozen=True)
class LocalKek:
    """The KEK from the environment or a key file, and the previous one during a rotation."""

    current: bytes
    previous: bytes | None = None

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def wrap(self, data_key: bytes, *, context: bytes) -> tuple[str, bytes]:
        nonce = secrets.token_bytes(12)
        return self.current_id, nonce + AESGCM(self.current).encrypt(nonce, data_key, context)

    def unwrap(self, kek_id: str, wrapped: bytes, *, context: bytes) -> bytes:
        for candidate in (self.current, self.previous):
            if candidate is not None and key_id(candidate) == kek_id:
                try:
                    return AESGCM(candidate).decrypt(wrapped[:12], wrapped[12:], context)
                except InvalidTag:
                    raise KeyUnavailable("a wrapped data key does not verify") from None
        raise KeyUnavailable(f"the key-encryption key {kek_id} is not configured")


@lru_cache(maxsize=1)
def kek() -> KeyWrapper:
    if hook := os.environ.get("MANDI_KMS"):
        module, _, factory = hook.partition(":")
        wrapper: KeyWrapper = getattr(importlib.import_module(module), factory)()
        return wrapper
    previous = os.environ.get("MANDI_DATA_KEY_PREVIOUS")
    return LocalKek(
        current=load_key("MANDI_DATA_KEY", "MANDI_DATA_KEY_FILE", "mandi-data.key"),
        previous=decode_key(previous) if previous else None,
    )


@lru_cache(maxsize=1)
def index_key() -> bytes:
    return load_key("MANDI_INDEX_KEY", "MANDI_INDEX_KEY_FILE", "mandi-index.key")


def reset_caches() -> None:
    """Forget loaded keys (after the environment changed, e.g. in a rotation test)."""
    kek.cache_clear()
    index_key.cache_clear()
