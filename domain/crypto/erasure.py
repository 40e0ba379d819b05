"""Crypto-shredding: destroying a person's data key makes every copy of their sealed values,
in backups and replicas of the database included, unreadable.

What stays readable after shredding: rows themselves (ids, foreign keys, statuses, amounts,
timestamps), blind indexes (keyed hashes: they confirm a guess only to whoever holds the index
key), the audit log (ids and field names, never values; the actor's IP and user agent are kept
in clear for security logging until retention purges them), and one-way hashes of credentials.
"""

from __future__ import annotations

from domain.crypto import keystore
from domain.personal import SubjectKind


async def shred_subject(kind: SubjectKind | str, subject_id: int) -> int:
    """Destroy the data key of one data subject (``user``, ``customer`` or ``organization``).

    Irreversible. Returns the number of keys destroyed (0 if the subject had none). Reads of the
    subject's sealed values then yield ``None``."""
    return await keystore.shred(SubjectKind(kind).value, subject_id)
