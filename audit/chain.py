"""The hash chain: each entry's hash covers its content and the previous entry's hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64

# The entry content the chain covers, in order. Changing this list breaks old chains.
CHAINED = (
    "seq",
    "occurred_at",
    "request_id",
    "actor_type",
    "actor_id",
    "on_behalf_of",
    "organization_id",
    "action",
    "resource_type",
    "resource_id",
    "fields_accessed",
    "subject",
    "outcome",
    "justification",
    "ip",
    "user_agent",
)


# One encoder, built once: json.dumps with options builds a new encoder on every call, which
# was a third of the cost of verifying the chain. Same options, so the same bytes.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _normal(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    return value


def canonical(entry: dict[str, Any]) -> bytes:
    """The bytes hashed for an entry: its chained fields as sorted, compact JSON."""
    get = entry.get
    content = {
        name: _normal(value) if isinstance(value := get(name), datetime) else value
        for name in CHAINED
    }
    return _ENCODER.encode(content).encode()


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical(entry)).hexdigest()
