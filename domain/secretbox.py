"""AES-256-GCM encryption of values at rest, with a key that never lives in the database.

The key comes from ``MANDI_DATA_KEY`` (URL-safe base64 of 32 bytes) or the file named by
``MANDI_DATA_KEY_FILE``. In development only, a key file is created at ``var/mandi-data.key``
on first use. Ciphertexts are ``v1.<base64(nonce || ciphertext)>``; the associated data binds a
ciphertext to its place (e.g. ``user:42:mfa``) so it cannot be moved to another row.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_VERSION = "v1"
_DEV_KEY_FILE = Path("var/mandi-data.key")


class KeyUnavailable(RuntimeError):
    """No data key is configured (outside development this is a start-up error)."""


class Undecryptable(ValueError):
    """The ciphertext was altered, moved, or made with another key."""


def _decode_key(raw: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(raw.strip() + "=" * (-len(raw.strip()) % 4))
    except (binascii.Error, ValueError):
        raise KeyUnavailable("the data key is not valid base64") from None
    if len(key) != 32:
        raise KeyUnavailable("the data key must be 32 bytes")
    return key


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


@lru_cache(maxsize=1)
def _key() -> bytes:
    if raw := os.environ.get("MANDI_DATA_KEY"):
        return _decode_key(raw)
    if path := os.environ.get("MANDI_DATA_KEY_FILE"):
        return _decode_key(Path(path).read_text())
    if os.environ.get("MANDI_ENV", "development") != "development":
        raise KeyUnavailable("set MANDI_DATA_KEY or MANDI_DATA_KEY_FILE")
    if not _DEV_KEY_FILE.exists():
        _DEV_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(_DEV_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key())
    return _decode_key(_DEV_KEY_FILE.read_text())


def encrypt(plaintext: str, *, context: str) -> str:
    nonce = secrets.token_bytes(12)
    sealed = AESGCM(_key()).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{_VERSION}.{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def decrypt(token: str, *, context: str) -> str:
    version, _, body = token.partition(".")
    if version != _VERSION:
        raise Undecryptable("unknown ciphertext version")
    try:
        raw = base64.urlsafe_b64decode(body)
        return AESGCM(_key()).decrypt(raw[:12], raw[12:], context.encode()).decode()
    except (binascii.Error, ValueError, InvalidTag):
        raise Undecryptable("ciphertext does not verify") from None
