"""Internal notes on a case (owned by the office work)."""
