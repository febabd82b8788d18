"""Absolute links: every one the app writes is built from CASEAPP_PUBLIC_URL, never from the request.

A link in an e-mail, a receipt's QR code or the Atom feed is read later by someone else. Built from
the Host header (or X-Forwarded-Host, through ProxyFix), anyone could file a request under a
victim's e-mail address with a forged Host and have the agency mail the victim a link to the
forger's site. So `public_url()` binds the URL map to the configured address, whatever the request
says, and works the same outside a request (the sweep, the CLI).

Production mode is neither DEBUG (`flask --debug`) nor TESTING: the plain `config.Config` that
gunicorn and `flask --app wsgi` load. There the app refuses to start without a valid
CASEAPP_PUBLIC_URL; `make run` sets a local one. In debug and test runs without it, links go to the
local `make run` address (never to the request's host).
"""
from __future__ import annotations

import os
from urllib.parse import quote, urlsplit

from flask import Flask, current_app

DEVELOPMENT_URL = "http://127.0.0.1:{port}"


class PublicURLError(RuntimeError):
    """CASEAPP_PUBLIC_URL is missing in production mode, or is not a usable http(s) address."""


def is_production(config) -> bool:
    """Production mode: neither DEBUG nor TESTING is set."""
    return not (config.get("DEBUG") or config.get("TESTING"))


def normalise_public_url(url: str) -> str:
    """`scheme://host[:port][/prefix]` without a trailing slash; PublicURLError when it is not one."""
    try:
        parts = urlsplit(url.strip())
        port_ok = parts.port is None or parts.port > 0
    except ValueError as exc:
        raise PublicURLError(f"CASEAPP_PUBLIC_URL is not a valid address: {url!r} ({exc})") from None
    if (parts.scheme not in ("http", "https") or not parts.hostname or not port_ok or parts.query
            or parts.fragment or parts.username or parts.password):
        raise PublicURLError(f"CASEAPP_PUBLIC_URL must be an http(s) address such as https://ysqgk.example.gov.cn "
                             f"(optionally with a path prefix, no query, fragment or user): {url!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}{parts.path.rstrip('/')}"


def configure_public_url(app: Flask) -> None:
    """At start: check PUBLIC_URL (refuse to start without one in production mode), store it
    normalised and make `public_url` a template global."""
    url = app.config.get("PUBLIC_URL")
    if not url:
        if is_production(app.config):
            raise PublicURLError(
                "CASEAPP_PUBLIC_URL is not set. Every absolute link the app writes (e-mails, receipts and their "
                "QR codes, the Atom feed) is built from it, never from the request's Host header: set it to the "
                "portal's public address, e.g. CASEAPP_PUBLIC_URL=https://ysqgk.example.gov.cn "
                "(`make run` sets http://127.0.0.1:$PORT).")
        url = DEVELOPMENT_URL.format(port=os.environ.get("PORT") or 5000)
    app.config["PUBLIC_URL"] = normalise_public_url(url)
    app.add_template_global(public_url)


def public_base(config=None) -> str:
    """The configured public address, `scheme://host[:port][/prefix]` (the current app's by default)."""
    config = config if config is not None else current_app.config
    return normalise_public_url(config.get("PUBLIC_URL") or DEVELOPMENT_URL.format(port=5000))


def public_host(config=None) -> str:
    """The host name of the public address (for Message-IDs and the like)."""
    return urlsplit(public_base(config)).hostname or "localhost"


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of `endpoint` (a full endpoint name, url_for's values; `_anchor` too) on the
    configured public address, whatever the request's Host or X-Forwarded-Host say."""
    app = current_app
    parts = urlsplit(public_base(app.config))
    anchor = values.pop("_anchor", None)
    app.inject_url_defaults(endpoint, values)
    adapter = app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
    url = adapter.build(endpoint, values, force_external=True)
    if anchor is not None:
        url += "#" + quote(str(anchor), safe="%!#$&'()*+,/:;=?@")
    return url
