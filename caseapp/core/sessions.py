"""Flask's signed-cookie sessions, without their per-request cost when there is nothing to read or write.

Most requests of the public API and of polling clients carry no session cookie. Flask's
SecureCookieSessionInterface builds an itsdangerous signer on every request before it even looks
for the cookie, and works out every cookie attribute before finding an empty session has nothing to
save. Here a request without the cookie gets an empty session straight away, and an empty,
unchanged session saves nothing (keeping `Vary: Cookie` when it was read); everything else is
Flask's own code.
"""
from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request, Response


class CookieSessions(SecureCookieSessionInterface):
    """SecureCookieSessionInterface that skips the signer when there is no cookie and nothing to save."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        name = self.get_cookie_name(app)
        if app.secret_key and (name not in request.cookies or not request.cookies[name]):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                if any(key.lower() == "vary" for key, _value in response.headers.items()):
                    response.vary.add("Cookie")
                else:
                    response.headers["Vary"] = "Cookie"  # as vary.add would, without parsing a header set
            return
        super().save_session(app, session, response)
