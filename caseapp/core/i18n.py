"""Locale selection: zh_CN by default, English on request (?lang=en, kept in the session)."""
from __future__ import annotations

from flask import current_app, has_request_context, request, session


def select_locale() -> str:
    """Pick the user's language: an explicit ?lang=, then the session, then zh_CN."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = request.args["lang"] if "lang" in request.args else None  # .get raises inside when missing
    if wanted in languages:
        session["lang"] = wanted
        return wanted
    if session.get("lang") in languages:
        return session["lang"]
    return current_app.config["BABEL_DEFAULT_LOCALE"]
