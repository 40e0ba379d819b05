"""Domain area: orders."""
