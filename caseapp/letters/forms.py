"""Forms of the letter pages: the draft's fields are built from the template's meta.yaml."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from caseapp.letters.rendering import TemplateSpec, all_specs

DELIVERY_CHOICES = [
    SelectChoice("post", _l("By post (registered mail)")),
    SelectChoice("hand", _l("Handed over (signed for)")),
    SelectChoice("email", _l("By email")),
    SelectChoice("online", _l("Online (via the portal)")),
]


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class DraftForm(FlaskForm):
    template = SelectField(_l("Letter template"), validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.template.choices = [
            SelectChoice(s.key, f"{s.summary}" if s.is_reply else s.title,
                         optgroup=str(_l("Replies (close the case)") if s.is_reply else _l("Notices and letters")))
            for s in all_specs()
        ]


def fields_form(spec: TemplateSpec, values: dict, formdata=None) -> FlaskForm:
    """A form with one input per template field, filled with the draft's values."""

    class LetterFieldsForm(FlaskForm):
        pass

    for f in spec.fields:
        kwargs = {"label": f.label, "description": f.help or "", "validators": [Optional()]}
        if f.type == "textarea":
            field = TextAreaField(render_kw={"rows": 4}, **kwargs)
        elif f.type == "date":
            field = StringField(render_kw={"type": "date"}, **kwargs)
        elif f.type == "int":
            field = StringField(render_kw={"inputmode": "numeric"}, **kwargs)
        else:
            field = StringField(**kwargs)
        setattr(LetterFieldsForm, f"f_{f.name}", field)
    data = {f"f_{k}": ("" if v is None else str(v)) for k, v in (values or {}).items()}
    return LetterFieldsForm(formdata=formdata, data=data)


class ReturnForm(FlaskForm):
    comment = TextAreaField(_l("What should be changed"), validators=[DataRequired(), Length(max=2000)])


class IssueForm(FlaskForm):
    method = SelectField(_l("Delivery"), choices=DELIVERY_CHOICES, validators=[DataRequired()])
    date = DateField(_l("Delivery date (posting, signing or sending date)"), validators=[InputRequired()])
    reference = StringField(_l("Reference (registered-mail number, recipient, email address)"),
                            validators=[Optional(), Length(max=200)])


class ExtensionForm(FlaskForm):
    days = IntegerField(_l("Working days (at most 20)"), validators=[InputRequired(), NumberRange(1, 20)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class DeferralForm(FlaskForm):
    deferred_to = DateField(_l("Reply by"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class FeeForm(FlaskForm):
    basis = SelectField(_l("Basis"), choices=[SelectChoice("requests", _l("Per request (requests this month)")),
                                              SelectChoice("pages", _l("Per page (pages of this request)"))],
                        validators=[DataRequired()])
    count = IntegerField(_l("Number of requests or pages"), validators=[InputRequired(), NumberRange(1, 100000)])


class ApproveFeeForm(FlaskForm):
    how_to_pay = TextAreaField(_l("How to pay"), validators=[Optional(), Length(max=2000)])


class PaymentForm(FlaskForm):
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
