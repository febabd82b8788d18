"""Staff API endpoints, bearer token (owned by the office work)."""
