"""Letter records (owned by the letters work)."""
