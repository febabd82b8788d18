"""caseapp: a case manager for government information-disclosure requests."""
from __future__ import annotations

import os
import sys

from flask import Flask, g, jsonify, request, session
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from caseapp.core.db import configure_engine, write_intent
from caseapp.core.sessions import CookieSessions
from caseapp.core.text import SafeJSONRequest, refuse_unsafe_request
from caseapp.core.urls import configure_public_url
from caseapp.extensions import babel, csrf, db, login_manager, migrate, throttle

__version__ = "0.1.0"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_class: str | type = "config.Config") -> Flask:
    """The application factory."""
    app = Flask(__name__, template_folder="../templates", instance_path=_instance_path())
    app.config.from_object(config_class)
    # Every absolute link comes from CASEAPP_PUBLIC_URL; production mode refuses to start without it.
    configure_public_url(app)
    os.makedirs(app.config["DATA_DIR"], exist_ok=True)
    _harden(app)

    db.init_app(app)
    from caseapp.cases.search import include_name

    # include_name keeps autogenerate away from the full-text objects the models do not describe.
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True, include_name=include_name)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    csrf.init_app(app)
    from caseapp.core.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=os.path.join(app.root_path, "translations"))
    throttle.init_app(app)

    with app.app_context():
        configure_engine(db.engine)

    _import_models()
    _register_actions()
    _register_blueprints(app)
    _register_hooks(app)
    from caseapp.core.actions import install_door

    install_door()  # a request's writes go through the action runner (caseapp.core.actions)
    from caseapp.core.errors import register_error_handlers

    register_error_handlers(app)
    from caseapp.cli import register_cli

    register_cli(app)
    return app


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: a number beyond the ids' INTEGER column (32-bit on PostgreSQL,
    64-bit on SQLite) is a 404, not a 500 from the database."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _harden(app: Flask) -> None:
    """Request-level defences set before any route is added (see issue 13)."""
    # Registered as "int" before the blueprints, so every <int:...> route is bounded.
    app.url_map.converters["int"] = BoundedIntConverter
    # JSON bodies are parsed by caseapp.core.text.loads_json (depth, surrogates, control characters).
    app.request_class = SafeJSONRequest
    app.session_interface = CookieSessions()
    # Control characters in query strings, path values and form fields are refused before any view.
    app.before_request(refuse_unsafe_request)
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        # Trust X-Forwarded-For/-Proto/-Host only from the configured number of reverse proxies.
        # No link is built from the host (caseapp.core.urls): X-Forwarded-Host steers none.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    storage = app.config.get("RATELIMIT_STORAGE_URI", "memory://")
    if storage.startswith("memory://") and _worker_count() > 1:
        app.logger.warning(
            "Rate limits use memory:// with %s workers: each worker counts on its own, so the limits are "
            "several times looser. Set CASEAPP_RATELIMIT_STORAGE_URI=redis://... to share them.", _worker_count())


def _worker_count() -> int:
    """Processes serving the app, as WEB_CONCURRENCY or gunicorn's --workers in GUNICORN_CMD_ARGS say."""
    import re

    counts = [1]
    if os.environ.get("WEB_CONCURRENCY", "").strip().isdigit():
        counts.append(int(os.environ["WEB_CONCURRENCY"]))
    match = re.search(r"(?:-w|--workers)[ =]?(\d+)", " ".join([os.environ.get("GUNICORN_CMD_ARGS", ""), *sys.argv]))
    if match:
        counts.append(int(match.group(1)))
    return max(counts)


def _instance_path() -> str:
    from config import INSTANCE_DIR

    return str(INSTANCE_DIR)


def _import_models() -> None:
    """Import every model module so that the metadata (and Alembic) see all tables."""
    import caseapp.accounts.models  # noqa: F401
    import caseapp.calendar.models  # noqa: F401
    import caseapp.cases.attachments  # noqa: F401
    import caseapp.cases.closures  # noqa: F401
    import caseapp.cases.models  # noqa: F401
    import caseapp.cases.notes  # noqa: F401
    import caseapp.consultations.models  # noqa: F401
    import caseapp.core.audit  # noqa: F401
    import caseapp.core.db  # noqa: F401
    import caseapp.core.outbox  # noqa: F401
    import caseapp.disclosure.models  # noqa: F401
    import caseapp.fees.models  # noqa: F401
    import caseapp.intake.models  # noqa: F401
    import caseapp.jobs.supervision  # noqa: F401
    import caseapp.letters.models  # noqa: F401
    import caseapp.records.models  # noqa: F401
    import caseapp.reviews.models  # noqa: F401


def _register_actions() -> None:
    """Import every domain's action registry (each declares its actions once, on import)."""
    import caseapp.admin.actions  # noqa: F401
    import caseapp.cases.actions  # noqa: F401
    import caseapp.consultations.actions  # noqa: F401
    import caseapp.disclosure.actions  # noqa: F401
    import caseapp.fees.actions  # noqa: F401
    import caseapp.intake.actions  # noqa: F401
    import caseapp.jobs.actions  # noqa: F401
    import caseapp.jobs.sweep  # noqa: F401 - its subscriber recomputes due dates after a calendar import
    import caseapp.letters.actions  # noqa: F401
    import caseapp.records.actions  # noqa: F401
    import caseapp.reviews.actions  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from caseapp.accounts.views import bp as accounts_bp
    from caseapp.admin.views import bp as admin_bp
    from caseapp.api import bp as api_bp
    from caseapp.fees.views import bp as fees_bp
    from caseapp.office import bp as office_bp
    from caseapp.intake.views import bp as portal_bp
    from caseapp.letters.views import bp as letters_bp

    for bp in (portal_bp, accounts_bp, office_bp, letters_bp, fees_bp, admin_bp, api_bp):
        app.register_blueprint(bp)
    _register_consultations(app)
    _register_notifications(app)
    _register_stats(app)
    from caseapp.disclosure.api import bp as disclosure_api_bp
    from caseapp.disclosure.public_views import bp as public_bp
    from caseapp.disclosure.views import bp as disclosure_bp
    from caseapp.disclosure.vocabulary_views import bp as vocabulary_bp

    for bp in (disclosure_bp, public_bp, disclosure_api_bp, vocabulary_bp):
        app.register_blueprint(bp)
    from caseapp.api.openapi import register_paths
    from caseapp.disclosure.api import OPENAPI as disclosure_openapi

    register_paths(**disclosure_openapi)

    @app.get("/favicon.ico")
    def favicon():
        """Browsers ask for /favicon.ico whatever the page says: the SVG icon."""
        from flask import redirect, url_for

        return redirect(url_for("static", filename="favicon.svg"), code=301)

    @app.get("/healthz")
    def healthz():
        """200 and JSON when the app and its database answer."""
        import sqlalchemy as sa

        db.session.execute(sa.text("SELECT 1"))
        return jsonify({"status": "ok", "database": db.engine.dialect.name, "version": __version__})


def _register_stats(app: Flask) -> None:
    """Statistics: the office pages, the report API (its own blueprint under /api/v1) and its OpenAPI entry."""
    from caseapp.api.openapi import register_paths
    from caseapp.stats.api import OPENAPI as stats_openapi
    from caseapp.stats.api import bp as stats_api_bp
    from caseapp.stats.public_views import bp as public_stats_bp
    from caseapp.stats.views import bp as stats_bp

    app.register_blueprint(stats_bp)
    app.register_blueprint(public_stats_bp)
    app.register_blueprint(stats_api_bp)
    register_paths(**stats_openapi)


def _register_consultations(app: Flask) -> None:
    """Consultations: office pages and staff API (own blueprint under /api/v1, with its OpenAPI paths)."""
    from caseapp.admin.departments import bp as departments_bp
    from caseapp.api.openapi import register_paths
    from caseapp.consultations.api import OPENAPI_PATHS, OPENAPI_TAGS
    from caseapp.consultations.api import bp as consultations_api_bp
    from caseapp.consultations.views import bp as consultations_bp

    app.register_blueprint(consultations_bp)
    app.register_blueprint(consultations_api_bp)
    app.register_blueprint(departments_bp)
    register_paths(OPENAPI_PATHS, tags=OPENAPI_TAGS)


def _register_notifications(app: Flask) -> None:
    """Notifications: the office page and bell, the staff API (own blueprint under /api/v1, with its
    OpenAPI paths) and the subscribers that queue the applicant's e-mails."""
    from caseapp.api.openapi import register_paths
    from caseapp.notifications.api import OPENAPI_PATHS, OPENAPI_TAGS
    from caseapp.notifications.api import bp as notifications_api_bp
    from caseapp.notifications.applicant import register_subscribers
    from caseapp.notifications.views import bp as notifications_bp

    app.register_blueprint(notifications_bp)
    app.register_blueprint(notifications_api_bp)
    register_paths(OPENAPI_PATHS, tags=OPENAPI_TAGS)
    register_subscribers()


def _register_hooks(app: Flask) -> None:
    from caseapp.accounts.operations import SESSION_GENERATION_KEY, load_session_user

    @login_manager.user_loader
    def _load_user(user_id: str):
        # A session whose generation the user has since moved past (logout, password change) is void.
        return load_session_user(user_id, session.get(SESSION_GENERATION_KEY))

    @app.before_request
    def _mark_writes():
        # Unsafe methods take the SQLite write lock up front (see caseapp.core.db.write_intent);
        # safe ones keep the default (no intent), so they need nothing here.
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._write_token = write_intent.set(True)

    @app.teardown_request
    def _reset_writes(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)

    always = [("Content-Security-Policy", CSP), ("X-Content-Type-Options", "nosniff"),
              ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin")]
    no_store = ("/office", "/track", "/apply", "/api/v1/requests", "/api/v1/cases")

    @app.after_request
    def _security_headers(response):
        # Each header unless the view set its own (one pass over the response's headers).
        present = {key.lower() for key, _value in response.headers.items()}
        wanted = list(always)
        if request.path.startswith(no_store):
            wanted.append(("Cache-Control", "no-store"))
        if app.config.get("HSTS"):
            wanted.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
        for key, value in wanted:
            if key.lower() not in present:
                response.headers.add(key, value)
        return response

    @app.context_processor
    def _template_globals():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale())}
