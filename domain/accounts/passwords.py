"""Password hashing with argon2id (argon2-cffi's PasswordHasher, RFC 9106 low-memory profile).

Each hash or verification takes tens of milliseconds of CPU: it runs in a worker thread (the
event loop keeps serving) and at most ``HASHING_AT_ONCE`` run at the same time in a process;
further ones wait their turn.
"""

from __future__ import annotations

from anyio import CapacityLimiter, to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

HASHING_AT_ONCE = 2
_hasher = PasswordHasher()
# Verified against when a username is unknown, so both failure paths cost one argon2 verify.
_DUMMY_HASH = _hasher.hash("mandi-dummy-password-for-timing")
_limiter: CapacityLimiter | None = None


def _slots() -> CapacityLimiter:
    global _limiter
    if _limiter is None:  # made lazily: a limiter belongs to the running event loop's library
        _limiter = CapacityLimiter(HASHING_AT_ONCE)
    return _limiter


def _verify(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def hash_password(password: str) -> str:
    return await to_thread.run_sync(_hasher.hash, password, limiter=_slots())


async def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; always spends one verification, even with no hash."""
    return await to_thread.run_sync(_verify, stored_hash, password, limiter=_slots())


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)
