"""Rate limits, declared on the views they guard, counted by the `limits` library.

Each limit is a decorator on its view: `throttle.limit(limit, scope=..., key=...)`. Counts live in
RATELIMIT_STORAGE_URI (memory:// for one process; redis://... so that several workers and hosts
share them) under RATELIMIT_STRATEGY (fixed-window by default); RATELIMIT_ENABLED false turns them
off. A refused request is a 429 with Retry-After, answered like every other error (JSON for the
API, a page for browsers). With `failures_only`, a request counts only when its view called
`failed()` (a wrong query code, a wrong password), also when the view then raised; the limit is
checked before the view runs either way.

This replaces Flask-Limiter, which wraps the same `limits` library: its app-wide before- and
after-request hooks ran on every request of the app (about a tenth of a polled tracking lookup's
time) for the five views that have limits at all.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import Flask, current_app, g, request
from limits import parse, storage, strategies
from werkzeug.exceptions import TooManyRequests

from caseapp.core.clock import epoch_seconds

_STATE = "caseapp.throttle"
_parse = lru_cache(maxsize=64)(parse)  # limits come from settings: a handful of distinct strings


def client_address() -> str:
    """The client's address (after ProxyFix, the one the trusted proxy reported)."""
    return request.remote_addr or "127.0.0.1"


def failed() -> None:
    """Mark this request as a failed attempt: it counts towards the view's failures-only limits."""
    g.throttle_failed = True


def _refusal(strategy, item, parts) -> TooManyRequests:
    """The 429, with Retry-After: the seconds until the limit's window resets."""
    reset = strategy.get_window_stats(item, *parts).reset_time
    return TooManyRequests(retry_after=max(1, math.ceil(reset - epoch_seconds())))


class Throttle:
    """The application's rate limits (one per app, in app.extensions)."""

    def init_app(self, app: Flask) -> None:
        """Open the storage named by RATELIMIT_STORAGE_URI and pick the strategy."""
        store = storage.storage_from_string(app.config.get("RATELIMIT_STORAGE_URI", "memory://"),
                                            **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        strategy = strategies.STRATEGIES[app.config.get("RATELIMIT_STRATEGY", "fixed-window")](store)
        app.extensions[_STATE] = (strategy, store) if app.config.get("RATELIMIT_ENABLED", True) else None

    def limit(self, limit: Callable[[], str], *, scope: str, key: Callable[[], str] = client_address,
              methods: tuple[str, ...] | None = None, failures_only: bool = False) -> Callable:
        """Decorator: at most `limit()` (e.g. "20 per hour") requests, or failed attempts, per
        `key()` in `scope`; only for the given methods (all when None)."""

        def decorate(view: Callable) -> Callable:
            @wraps(view)
            def limited(*args, **kwargs):
                state = current_app.extensions.get(_STATE)
                if state is None or (methods and request.method not in methods):
                    return view(*args, **kwargs)
                strategy, item, parts = state[0], _parse(limit()), (scope, key())
                if not failures_only:
                    if not strategy.hit(item, *parts):
                        raise _refusal(strategy, item, parts)
                    return view(*args, **kwargs)
                if not strategy.test(item, *parts):
                    raise _refusal(strategy, item, parts)
                try:
                    return view(*args, **kwargs)
                finally:
                    if g.get("throttle_failed"):
                        strategy.hit(item, *parts)

            return limited

        return decorate

    def reset(self) -> None:
        """Forget every count of the current app (tests)."""
        state = current_app.extensions.get(_STATE)
        if state is not None:
            state[1].reset()
