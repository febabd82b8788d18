"""Admin forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional


class CalendarImportForm(FlaskForm):
    file = FileField(_l("Calendar file (JSON)"), validators=[FileRequired(message=_l("Please choose a file."))])


class AgencySettingsForm(FlaskForm):
    """An agency's settings (issue 9 item 17); the operation validates the values, the form only carries them."""

    name = StringField(_l("Name of the agency"), validators=[Length(max=200)])
    tracking_prefix = StringField(_l("Tracking-number prefix"), validators=[Length(max=20)])
    letter_number_pattern = StringField(_l("Letter number pattern"), validators=[Length(max=100)])
    reply_cutoff = StringField(_l("Daily cut-off for online receipt (HH:MM)"), validators=[Length(max=5)])
    reconsideration_body = StringField(_l("Reconsideration body"), validators=[Length(max=200)])
    letter_contact = StringField(_l("Contact line printed on letters"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Telephone"), validators=[Optional(), Length(max=40)])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=300)])
    due_soon_days = StringField(_l("Due soon at (working days left)"), validators=[Length(max=4)])
    clerk_reminder_days = StringField(_l("Remind the handling clerk at (working days left)"),
                                      validators=[Optional(), Length(max=40)])
    supervisor_reminder_days = StringField(_l("Remind the supervisor at (working days left)"),
                                           validators=[Optional(), Length(max=40)])
    correction_period_days = StringField(_l("Default correction period (working days)"),
                                  validators=[Length(max=4)])
    candidate_threshold = StringField(_l("Requests that make information a candidate for proactive disclosure"),
                                      validators=[Length(max=4)])
    retention_years = StringField(_l("Retention period of closed cases' dossiers (years)"), validators=[Length(max=4)])
    charges_fees = BooleanField(_l("This agency charges information-processing fees"))
    allow_self_approval = BooleanField(_l("Allow the same person to write and approve (one-person office)"))


class CaseImportForm(FlaskForm):
    """An import sheet (.xlsx or .csv), or a .zip with the sheet and its letters (issue 25, item 4)."""

    agency = SelectField(_l("Agency"), choices=[])
    file = FileField(_l("Sheet (.xlsx or .csv), or a .zip with the sheet and its letters"),
                     validators=[FileRequired(message=_l("Please choose a file."))])
    dry_run = BooleanField(_l("Only check: write nothing"), default=True)
