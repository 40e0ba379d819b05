"""Domain area: catalog."""
