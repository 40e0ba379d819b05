"""Ed25519 signatures of checkpoints. The private key comes from ``MANDI_AUDIT_KEY`` (URL-safe
base64 of the 32-byte seed) or the file named by ``MANDI_AUDIT_KEY_FILE``; in development a key
file is created at ``var/audit-signing.key``. The public key verifies exports offline."""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

DEV_KEY_FILE = Path("var/audit-signing.key")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))


def new_seed() -> str:
    return _b64(os.urandom(32))


@lru_cache(maxsize=1)
def private_key() -> Ed25519PrivateKey:
    raw = os.environ.get("MANDI_AUDIT_KEY")
    if not raw and (path := os.environ.get("MANDI_AUDIT_KEY_FILE")):
        raw = Path(path).read_text()
    if not raw:
        if os.environ.get("MANDI_ENV", "development") != "development":
            raise RuntimeError("set MANDI_AUDIT_KEY or MANDI_AUDIT_KEY_FILE")
        if not DEV_KEY_FILE.exists():
            DEV_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(DEV_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(new_seed())
        raw = DEV_KEY_FILE.read_text()
    return Ed25519PrivateKey.from_private_bytes(_unb64(raw))


def public_key_text(key: Ed25519PublicKey | None = None) -> str:
    key = key or private_key().public_key()
    return _b64(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def key_id(public_text: str | None = None) -> str:
    return hashlib.sha256((public_text or public_key_text()).encode()).hexdigest()[:16]


def _message(seq: int, head_hash: str) -> bytes:
    return f"mandi-audit-checkpoint:{seq}:{head_hash}".encode()


def sign(seq: int, head_hash: str) -> str:
    return _b64(private_key().sign(_message(seq, head_hash)))


def public_key(text: str) -> Ed25519PublicKey:
    """A public key from its text (ValueError when it is none)."""
    try:
        return Ed25519PublicKey.from_public_bytes(_unb64(text))
    except (TypeError, ValueError, binascii.Error) as error:
        raise ValueError("not an Ed25519 public key (32 bytes, base64)") from error


def verify(seq: int, head_hash: str, signature: str, public_text: str | None = None) -> bool:
    """Whether ``signature`` signs the checkpoint; False for anything malformed (a key, a
    signature or a value of the wrong type in an export)."""
    try:
        key = public_key(public_text or public_key_text())
        key.verify(_unb64(signature), _message(seq, head_hash))
    except (InvalidSignature, ValueError, TypeError, AttributeError, binascii.Error):
        return False
    return True
