"""Login form."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(message=_l("Please enter your username.")), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(message=_l("Please enter your password.")), Length(max=200)])
