"""Domain errors with user-facing messages, and their HTTP handlers."""
from __future__ import annotations

from flask import current_app, flash, jsonify, redirect, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from caseapp.extensions import db


class DomainError(Exception):
    """A refused operation: nothing was changed; `message` is shown to the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message=None, *, code: str | None = None, errors: dict | None = None):
        super().__init__(str(message or self.default_message()))
        self.message = message or self.default_message()
        if code:
            self.code = code
        self.errors = errors or {}  # field name -> message, for forms and the API

    @classmethod
    def default_message(cls):
        return _l("The request could not be processed.")


class ValidationError(DomainError):
    status_code = 422
    code = "validation_error"


class TransitionError(DomainError):
    """The case's status does not allow this action."""

    status_code = 409
    code = "invalid_transition"

    @classmethod
    def default_message(cls):
        return _l("This action is not allowed in the case's current status.")


class ForbiddenError(DomainError):
    """The user's role may not take this step."""

    status_code = 403
    code = "forbidden"

    @classmethod
    def default_message(cls):
        return _l("You are not allowed to do this.")


class StaleVersionError(DomainError):
    """Someone else changed the case since the client loaded it."""

    status_code = 409
    code = "stale_version"

    @classmethod
    def default_message(cls):
        return _l("This case was changed by someone else in the meantime. Please reload it and try again.")


class NotFoundError(DomainError):
    status_code = 404
    code = "not_found"

    @classmethod
    def default_message(cls):
        return _l("Not found.")


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(status: int, code: str, message, fields: dict | None = None) -> tuple:
    """The API's error shape: {"error": {"code", "message"}}, with per-field messages when known."""
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {k: str(v) for k, v in fields.items()}
    return jsonify({"error": body}), status


HTTP_MESSAGES = {
    400: _l("The request was malformed."),
    401: _l("Please log in."),
    403: _l("You are not allowed to do this."),
    404: _l("The page or record was not found."),
    405: _l("This method is not allowed here."),
    409: _l("The request conflicts with the current state."),
    413: _l("The upload is too large."),
    429: _l("Too many attempts. Please wait a while and try again."),
    500: _l("An internal error occurred. Nothing was changed; please try again later."),
}


def register_error_handlers(app) -> None:
    """Render errors as JSON for the API and as pages for browsers, never as stack traces."""

    @app.errorhandler(DomainError)
    def _domain_error(err: DomainError):
        db.session.rollback()
        if wants_json():
            return json_error(err.status_code, err.code, err.message, err.errors)
        if request.method == "POST" and request.referrer:
            flash(str(err.message), "danger")
            return redirect(request.referrer)
        return render_template("error.html", status=err.status_code, message=err.message), err.status_code

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):
        status = err.code or 500
        message = HTTP_MESSAGES.get(status, err.description)
        if status == 413:
            limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
            message = _l("The request is too large: everything sent at once, files included, may be at most "
                         "%(mb)s MB. Please send fewer or smaller files.", mb=max(1, limit // (1024 * 1024)))
        if status == 400 and getattr(err, "description", "") and "CSRF" in str(err.description):
            message = _l("The form has expired or was not sent from this site. Please reload the page and try again.")
        # The exception's own headers (Retry-After of a 429, Allow of a 405) go with the answer.
        headers = [(key, value) for key, value in err.get_headers() if key.lower() != "content-type"]
        if wants_json():
            body, _status = json_error(status, err.name.lower().replace(" ", "_"), message)
            return body, status, headers
        return render_template("error.html", status=status, message=message), status, headers

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("Unhandled error")
        db.session.rollback()
        if app.config.get("TESTING") and app.config.get("PROPAGATE_UNEXPECTED", True):
            raise err
        if wants_json():
            return json_error(500, "internal_error", HTTP_MESSAGES[500])
        return render_template("error.html", status=500, message=HTTP_MESSAGES[500]), 500
