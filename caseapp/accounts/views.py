"""Staff login and logout."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from caseapp.accounts.forms import LoginForm
from caseapp.accounts.operations import SESSION_GENERATION_KEY, authenticate, end_all_sessions
from caseapp.core.actions import outside_runner
from caseapp.core.throttle import client_address, failed
from caseapp.extensions import db, throttle

bp = Blueprint("accounts", __name__, url_prefix="/office")


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _username_key() -> str:
    # Per client and username: a stranger's failures cannot lock the account for its owner.
    return f"{client_address()}:" + (request.form.get("username") or "").strip().lower()[:80]


@bp.route("/login", methods=["GET", "POST"])
@outside_runner("signing in: the user's session and last login, before anyone acts")
@throttle.limit(_login_limit, scope="login", methods=("POST",), failures_only=True)
@throttle.limit(_login_limit, scope="login-user", key=_username_key, methods=("POST",), failures_only=True)
def login():
    """Show the login form and sign a staff user in."""
    if current_user.is_authenticated:
        return redirect(url_for("office.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data.strip(), form.password.data)
        if user is not None:
            db.session.commit()
            session.clear()  # nothing from before the login (portal unlocks, receipts) carries over
            login_user(user)
            session[SESSION_GENERATION_KEY] = user.session_generation
            flash(_("Welcome, %(name)s.", name=user.display_name), "greeting")  # a greeting, not an alert
            target = request.args.get("next", "")
            # Only local paths: never an open redirect.
            if not target.startswith("/") or target.startswith("//") or urlsplit(target).netloc:
                target = url_for("office.index")
            return redirect(target)
        flash(_("Wrong username or password."), "danger")
    if request.method == "POST":
        failed()  # a post that did not sign in counts towards the limits
    return render_template("accounts/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@outside_runner("signing out: the user's own sessions end")
@login_required
def logout():
    """Sign the user out (POST with CSRF, so a link cannot log anyone out)."""
    # Logging out voids every session of the user, so a cookie copied before still fails afterwards.
    end_all_sessions(current_user, reason="logout")
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("accounts.login"))
