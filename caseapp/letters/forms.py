"""The draft's fields form, built from the template's meta.yaml (the other letter forms come from the
actions' input schemas)."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from caseapp.letters.rendering import TemplateSpec


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
        elif f.type == "choice":
            field = SelectField(choices=[SelectChoice("", "—")] + [SelectChoice(v, label) for v, label in f.choices],
                                validate_choice=False, **kwargs)
        elif f.type == "int":
            field = StringField(render_kw={"inputmode": "numeric"}, **kwargs)
        else:
            field = StringField(**kwargs)
        setattr(LetterFieldsForm, f"f_{f.name}", field)
    data = {f"f_{k}": ("" if v is None else str(v)) for k, v in (values or {}).items()}
    return LetterFieldsForm(formdata=formdata, data=data)
