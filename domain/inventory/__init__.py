"""Domain area: inventory."""
