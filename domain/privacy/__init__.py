"""Domain area: privacy rights and support access grants."""
