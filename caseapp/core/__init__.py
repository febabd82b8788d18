"""Shared foundations: database helpers, audit trail, permissions, errors, i18n."""
