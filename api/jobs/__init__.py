"""Background jobs: marketplace sync run by workers as the system principal."""
