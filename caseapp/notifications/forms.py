"""Forms of the notifications page."""
from __future__ import annotations

from flask_wtf import FlaskForm


class PlainForm(FlaskForm):
    """A form with only its CSRF token (buttons such as "mark as read")."""
