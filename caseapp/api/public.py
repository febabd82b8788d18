"""Public API endpoints for applicants (owned by the portal work)."""
