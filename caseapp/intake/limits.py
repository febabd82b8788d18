"""Rate limits of the public side, shared by the portal pages and the public API.

Failed lookups (wrong tracking number or query code) are limited per client address and per
tracking number and client; only failures count (the view sets g.lookup_failed). Filing is limited per
client address. Each limit can be set in the config (LOOKUP_RATE_LIMIT_IP, LOOKUP_RATE_LIMIT_NUMBER,
FILING_RATE_LIMIT).
"""
from __future__ import annotations

from flask import current_app, g, request
from flask_limiter.util import get_remote_address


def lookup_ip_limit() -> str:
    """Failed lookups allowed per client address."""
    return current_app.config.get("LOOKUP_RATE_LIMIT_IP", "20 per 15 minutes")


def lookup_number_limit() -> str:
    """Failed lookups allowed per tracking number from one client address."""
    return current_app.config.get("LOOKUP_RATE_LIMIT_NUMBER", "10 per 15 minutes")


def filing_limit() -> str:
    """Online filings allowed per client address."""
    return current_app.config.get("FILING_RATE_LIMIT", "20 per hour")


def lookup_number_key() -> str:
    """The rate-limit key of a client trying one tracking number (form field or URL).

    Per client, not global: a stranger's wrong codes must not lock the applicant out of their own
    request. The per-address limit still bounds how many numbers one client can try.
    """
    number = (request.view_args or {}).get("tracking_number") or request.form.get("tracking_number") or ""
    return f"lookup-number:{get_remote_address()}:" + number.strip().upper()[:40]


def lookup_failed(_response) -> bool:
    """Only failed lookups count towards the limits (set by the view that did the lookup)."""
    return bool(g.get("lookup_failed"))
