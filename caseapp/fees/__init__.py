"""Fees (国办函〔2020〕109号): computation, notices, payments."""
