"""Export a time range of the log as JSON Lines with the checkpoints that cover it.

Line 1 is a header (range, counts, the public key that signs checkpoints); then every entry
from the first to the last sequence number that falls in the range (entries of concurrent
requests may interleave in time, and the chain needs them all); then the checkpoints inside that
span, so the range can be checked offline with ``mandi audit verify --file``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, TextIO

from audit import signing
from audit.models import AuditCheckpoint, AuditEntry
from audit.verify import BATCH


def _line(record: dict[str, Any]) -> str:
    def default(value: Any) -> Any:
        if isinstance(value, datetime):
            return value.isoformat(timespec="microseconds")
        raise TypeError(type(value).__name__)

    return json.dumps(record, default=default, sort_keys=True, ensure_ascii=False) + "\n"


async def export(
    out: TextIO,
    *,
    since: datetime,
    until: datetime,
    progress: Callable[[int, int], object] | None = None,
) -> dict[str, Any]:
    """``progress(written, total)`` is called after each batch with the entries it wrote and
    the number the export holds (the header's count)."""
    query = AuditEntry.filter(occurred_at__gte=since, occurred_at__lt=until)
    total = await query.count()
    first = await query.order_by("seq").first().values("seq")
    last = await query.order_by("-seq").first().values("seq")
    header: dict[str, Any] = {
        "type": "header",
        "since": since,
        "until": until,
        "entries": (last["seq"] - first["seq"] + 1) if first and last else 0,
        "first_seq": first["seq"] if first else None,
        "last_seq": last["seq"] if last else None,
        "public_key": signing.public_key_text(),
        "key_id": signing.key_id(),
    }
    out.write(_line(header))
    if not total:
        return header
    cursor = first["seq"] - 1
    while True:
        rows = (
            await AuditEntry.filter(seq__gt=cursor, seq__lte=last["seq"])
            .order_by("seq")
            .limit(BATCH)
            .values()
        )
        if not rows:
            break
        for row in rows:
            out.write(_line({"type": "entry", **row}))
        cursor = rows[-1]["seq"]
        if progress is not None:
            progress(len(rows), header["entries"])
    covering = AuditCheckpoint.filter(seq__gte=first["seq"], seq__lte=last["seq"])
    for point in await covering.order_by("seq").values():
        out.write(_line({"type": "checkpoint", **point}))
    return header
