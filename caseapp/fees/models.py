"""Fee records (owned by the letters work)."""
