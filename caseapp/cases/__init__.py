"""Cases: the request record, its statuses and transitions, triage and workspace."""
