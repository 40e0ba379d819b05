"""GraphQL for the audit log."""
