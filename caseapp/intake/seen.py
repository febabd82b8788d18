"""What the applicant has already seen on the tracking page, to mark what is new since their last
visit (issue 26, item 2). The applicant has no account, so the browser remembers it: a signed
cookie `track_seen` (itsdangerous, signed with the app's secret key; not the session, whose unlock
ends after 30 minutes while "new since your last visit" must hold until a visit days later).

Per case (keyed by a digest of the tracking number, never the number itself, and never the query
code) it keeps a short fingerprint of each progress entry shown: its kind, time and text. An entry
is new when its fingerprint was not shown before, so an entry dated earlier (a payment recorded a
day late) still counts as new. The first visit in a browser marks nothing new (nothing to compare
with). At most MAX_CASES cases are kept, the latest visited first; a cookie that does not verify
is ignored.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable

from flask import after_this_request, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "track_seen"
MAX_CASES = 8
MAX_ENTRIES = 80  # fingerprints kept per case (a request's progress list is far shorter)
MAX_AGE = 180 * 24 * 3600  # half a year: a request, a correction and a reply fit in it
_TOKEN = 4  # characters of a fingerprint (hex): enough to tell one case's entries apart


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="caseapp.track-seen")


def _case_key(tracking_number: str) -> str:
    return hashlib.sha256(f"seen:{tracking_number}".encode()).hexdigest()[:12]


def fingerprint(entry) -> str:
    """A progress entry's short fingerprint: its kind, time and text."""
    raw = f"{entry.action}|{entry.at.isoformat()}|{entry.label}".encode()
    return hashlib.sha256(raw).hexdigest()[:_TOKEN]


def _read() -> dict[str, str]:
    value = request.cookies.get(COOKIE)
    if not value:
        return {}
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)} if isinstance(data, dict) else {}


def new_entries(tracking_number: str, entries: Iterable) -> set[str]:
    """The fingerprints of the entries this browser has not shown before for the case (none on its
    first visit), and remember all of them once the page is answered."""
    entries = list(entries)
    seen_all = _read()
    key = _case_key(tracking_number)
    before = seen_all.get(key)
    shown = [fingerprint(e) for e in entries]
    new = set() if before is None else {f for f in shown if f not in
                                       {before[i:i + _TOKEN] for i in range(0, len(before), _TOKEN)}}
    kept = {key: "".join(shown[-MAX_ENTRIES:])}
    kept.update((k, v) for k, v in seen_all.items() if k != key and len(kept) < MAX_CASES)

    @after_this_request
    def _remember(response):
        response.set_cookie(COOKIE, _serializer().dumps(kept), max_age=MAX_AGE, path="/track", httponly=True,
                            samesite="Lax", secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
        return response

    return new
