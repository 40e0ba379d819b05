"""Authorization: who may do what to which object and see which of its fields. Knows no HTTP."""
