"""Bearer-token authentication for the JSON API's blueprints (one hook, used by each of them)."""
from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _

from caseapp.accounts.operations import user_for_token
from caseapp.core.errors import json_error


def bearer_authentication(*, required: bool = False):
    """A before_request hook: the token's user in `g.api_user`, never the session cookie (which a
    cross-site request would carry without a CSRF token); 401 for a bad token, or for none when
    `required` (otherwise the routes' role checks answer 401)."""

    def authenticate():
        g.api_request = True
        g.api_user = None
        header = request.environ.get("HTTP_AUTHORIZATION", "")  # headers.get raises inside when it is missing
        if not header.startswith("Bearer "):
            return json_error(401, "unauthorized", _("Please log in.")) if required else None
        user = user_for_token(header[7:].strip())
        if user is None:
            return json_error(401, "invalid_token", _("Invalid or revoked access token."))
        g.api_user = user
        return None

    return authenticate
