"""Statistics for auditors: the annual-report tables, the dashboard, exports and the audit log viewer."""
