"""Domain area: marketplaces."""
