"""Reconsiderations and lawsuits against a case's reply: their records, the answer clock (SPEC §12),
the answer's submission and the result (counted in the annual report's Table 4 by stats)."""
