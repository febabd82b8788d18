"""Download names: the Chinese name for clients that read RFC 5987, a meaningful ASCII one for the rest.

Flask's send_file keeps a non-ASCII name in `filename*=UTF-8''...` but derives the plain `filename=`
by dropping every non-ASCII character, so 示教信公〔2026〕1号.pdf falls back to 20261.pdf. Callers give
their own fallback instead (tracking number and kind, e.g. SFJY-2026-000001-reply.pdf).
"""
from __future__ import annotations

import re
from urllib.parse import quote

# Characters a file name never carries: path separators, quotes, controls (and so header injection).
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\/:*?<>|]+')
# RFC 5987 attr-char besides letters and digits: everything else is percent-encoded.
_ATTR_CHARS = "!#$&+-.^_`|~"


def safe_filename(name: str) -> str:
    """The name without path separators, quotes or control characters."""
    return _UNSAFE.sub("_", name).strip(" .") or "download"


def ascii_filename(name: str) -> str:
    """An ASCII file name: unsafe or non-ASCII characters become hyphens (runs of them, one)."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "-", safe_filename(name)).strip("-.")
    return cleaned or "download"


def content_disposition(name: str, fallback: str, *, inline: bool = False) -> str:
    """A Content-Disposition value: `filename=` the ASCII fallback, and `filename*=UTF-8''` the name
    when it differs (RFC 6266, RFC 5987)."""
    plain = ascii_filename(fallback)
    value = f'{"inline" if inline else "attachment"}; filename="{plain}"'
    full = safe_filename(name)
    if full != plain:
        value += f"; filename*=UTF-8''{quote(full, safe=_ATTR_CHARS)}"
    return value


def set_download_name(response, name: str, fallback: str, *, inline: bool = False):
    """Give a response (send_file's or any other) its download names; returns the response."""
    response.headers["Content-Disposition"] = content_disposition(name, fallback, inline=inline)
    return response
