"""caseapp: a case manager for government information-disclosure requests."""
from __future__ import annotations

import os

from flask import Flask, g, jsonify, request

from caseapp.core.db import configure_engine, write_intent
from caseapp.extensions import babel, csrf, db, limiter, login_manager, migrate

__version__ = "0.1.0"

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def create_app(config_class: str | type = "config.Config") -> Flask:
    """The application factory."""
    app = Flask(__name__, template_folder="../templates", instance_path=_instance_path())
    app.config.from_object(config_class)
    os.makedirs(app.config["DATA_DIR"], exist_ok=True)

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
    limiter.init_app(app)

    with app.app_context():
        configure_engine(db.engine)

    _import_models()
    _register_blueprints(app)
    _register_hooks(app)
    from caseapp.core.errors import register_error_handlers

    register_error_handlers(app)
    from caseapp.cli import register_cli

    register_cli(app)
    return app


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
    import caseapp.clock.supervision  # noqa: F401
    import caseapp.consultations.models  # noqa: F401
    import caseapp.core.audit  # noqa: F401
    import caseapp.core.db  # noqa: F401
    import caseapp.core.outbox  # noqa: F401
    import caseapp.disclosure.models  # noqa: F401
    import caseapp.fees.models  # noqa: F401
    import caseapp.intake.models  # noqa: F401
    import caseapp.letters.models  # noqa: F401
    import caseapp.stats.reviews  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from caseapp.accounts.views import bp as accounts_bp
    from caseapp.admin.views import bp as admin_bp
    from caseapp.api import bp as api_bp
    from caseapp.cases.views import bp as office_bp
    from caseapp.intake.views import bp as portal_bp
    from caseapp.letters.views import bp as letters_bp

    for bp in (portal_bp, accounts_bp, office_bp, letters_bp, admin_bp, api_bp):
        app.register_blueprint(bp)
    from caseapp.disclosure.api import bp as disclosure_api_bp
    from caseapp.disclosure.public_views import bp as public_bp
    from caseapp.disclosure.views import bp as disclosure_bp

    for bp in (disclosure_bp, public_bp, disclosure_api_bp):
        app.register_blueprint(bp)
    from caseapp.api.openapi import register_paths
    from caseapp.disclosure.api import OPENAPI as disclosure_openapi

    register_paths(**disclosure_openapi)
    _register_consultations(app)
    _register_stats(app)

    @app.get("/healthz")
    def healthz():
        """200 and JSON when the app and its database answer."""
        import sqlalchemy as sa

        db.session.execute(sa.text("SELECT 1"))
        return jsonify({"status": "ok", "database": db.engine.dialect.name, "version": __version__})


def _register_consultations(app: Flask) -> None:
    """Consultations, notifications and supervision: office pages, staff API (own blueprint under
    /api/v1, with its OpenAPI paths) and the subscribers that queue the applicant's e-mails."""
    from caseapp.admin.departments import bp as departments_bp
    from caseapp.api.openapi import register_paths
    from caseapp.consultations.api import OPENAPI_PATHS, OPENAPI_TAGS
    from caseapp.consultations.api import bp as consultations_api_bp
    from caseapp.consultations.notify import register_subscribers
    from caseapp.consultations.views import bp as consultations_bp

    app.register_blueprint(consultations_bp)
    app.register_blueprint(consultations_api_bp)
    app.register_blueprint(departments_bp)
    register_paths(OPENAPI_PATHS, tags=OPENAPI_TAGS)
    register_subscribers()


def _register_stats(app: Flask) -> None:
    """Statistics: the office pages, the report API (its own blueprint under /api/v1) and its OpenAPI entry."""
    from caseapp.api.openapi import register_paths
    from caseapp.stats.api import OPENAPI as stats_openapi
    from caseapp.stats.api import bp as stats_api_bp
    from caseapp.stats.views import bp as stats_bp

    app.register_blueprint(stats_bp)
    app.register_blueprint(stats_api_bp)
    register_paths(**stats_openapi)


def _register_hooks(app: Flask) -> None:
    from caseapp.accounts.models import User

    @login_manager.user_loader
    def _load_user(user_id: str):
        return db.session.get(User, int(user_id))

    @app.before_request
    def _mark_writes():
        # Unsafe methods take the SQLite write lock up front (see caseapp.core.db.write_intent).
        g._write_token = write_intent.set(request.method not in ("GET", "HEAD", "OPTIONS"))

    @app.teardown_request
    def _reset_writes(_exc):
        token = g.pop("_write_token", None)
        if token is not None:
            write_intent.reset(token)

    @app.after_request
    def _security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        if request.path.startswith(("/office", "/track", "/api/v1/requests", "/api/v1/cases")):
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.context_processor
    def _template_globals():
        from flask_babel import get_locale

        return {"current_locale": str(get_locale())}
