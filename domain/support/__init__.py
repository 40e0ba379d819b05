"""Domain area: support."""
