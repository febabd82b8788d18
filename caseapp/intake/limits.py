"""Rate limits of the public side, shared by the portal pages and the public API.

Failed lookups (wrong tracking number or query code) are limited per client address and per
tracking number and client; only failures count (the view calls caseapp.core.throttle.failed).
Filing is limited per client address. Each limit can be set in the config (LOOKUP_RATE_LIMIT_IP,
LOOKUP_RATE_LIMIT_NUMBER, FILING_RATE_LIMIT).
"""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request

from caseapp.core.throttle import client_address
from caseapp.extensions import throttle


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
    return f"{client_address()}:" + number.strip().upper()[:40]


def limited_lookup(*, methods: tuple[str, ...] | None = None) -> Callable:
    """Decorator for a view that looks a request up by number and code: 429 while either lookup
    limit is used up; a failed lookup counts towards both."""
    per_client = throttle.limit(lookup_ip_limit, scope="lookup-ip", methods=methods, failures_only=True)
    per_number = throttle.limit(lookup_number_limit, scope="lookup-number", key=lookup_number_key, methods=methods,
                                failures_only=True)
    return lambda view: per_client(per_number(view))


def limited_filing(*, methods: tuple[str, ...] | None = None) -> Callable:
    """Decorator for a view that files a request: at most FILING_RATE_LIMIT per client address."""
    return throttle.limit(filing_limit, scope="filing", methods=methods)


def verification_limit() -> str:
    """Letter checks (核验文书: an upload hashed and its signature validated) allowed per client address."""
    return current_app.config.get("VERIFY_RATE_LIMIT", "30 per 15 minutes")


def limited_verification(*, methods: tuple[str, ...] | None = None) -> Callable:
    """Decorator for the public letter check: at most VERIFY_RATE_LIMIT per client address."""
    return throttle.limit(verification_limit, scope="verify-letter", methods=methods)
