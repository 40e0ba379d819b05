"""GraphQL for inventory."""
