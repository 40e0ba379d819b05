"""GraphQL for orders."""
