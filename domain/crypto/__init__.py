"""Encryption of personal data at rest: per-subject data keys wrapped by a key-encryption key,
AES-256-GCM values bound to their table, column and row, and keyed blind indexes.

The personal-data declaration (``domain.personal``) is the only list of what is encrypted:
every declared field is a ``SealedField`` (or a one-way hash, said so in its declaration), and
``tests/domain/test_encryption_at_rest.py`` reads raw rows to prove it.
"""
