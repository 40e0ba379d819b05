"""The format of an encrypted value, its associated data, and the keyed blind index.

A sealed value is ``m1.<key id>.<base64url(nonce || ciphertext+tag)>``: AES-256-GCM under the
data key ``<key id>``, with associated data ``<table>|<column>|<row uid>``, so a value moved to
another column or row (even of the same person) no longer decrypts.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.crypto import keys

PREFIX = "m1."


class Undecryptable(ValueError):
    """The value was altered or moved, or its key was destroyed."""


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def key_id_of(value: str) -> str:
    return value[len(PREFIX) : value.index(".", len(PREFIX))]


def aad(table: str, column: str, row_uid: str) -> bytes:
    return f"{table}|{column}|{row_uid}".encode()


def seal(aes: AESGCM, key_id: str, plaintext: str, associated: bytes) -> str:
    nonce = secrets.token_bytes(12)
    body = base64.urlsafe_b64encode(nonce + aes.encrypt(nonce, plaintext.encode(), associated))
    return f"{PREFIX}{key_id}.{body.decode()}"


def unseal(aes: AESGCM, value: str, associated: bytes) -> str:
    try:
        raw = base64.urlsafe_b64decode(value[value.index(".", len(PREFIX)) + 1 :])
        return aes.decrypt(raw[:12], raw[12:], associated).decode()
    except (binascii.Error, ValueError, InvalidTag):
        raise Undecryptable("a sealed value does not verify") from None


def blind_index(table: str, column: str, value: str | None) -> str | None:
    """HMAC-SHA-256 of a normalised value under the blind-index key, per column."""
    if value is None:
        return None
    message = f"{table}|{column}|{value.strip().lower()}".encode()
    return hmac.new(keys.index_key(), message, hashlib.sha256).hexdigest()
