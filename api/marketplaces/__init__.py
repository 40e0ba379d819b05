"""GraphQL for marketplaces."""
