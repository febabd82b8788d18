"""Public portal: apply, receipt, track, withdraw, correct, suggest."""
