"""Admin forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CalendarImportForm(FlaskForm):
    file = FileField(_l("Calendar file (JSON)"), validators=[FileRequired(message=_l("Please choose a file."))])
