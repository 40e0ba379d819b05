"""One module per marketplace; ``registry`` names which module speaks for which marketplace."""
