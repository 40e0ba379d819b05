"""The audit log: append-only, hash-chained entries of every access to personal data."""
