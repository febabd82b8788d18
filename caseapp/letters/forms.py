"""The draft's fields form, built from the template's meta.yaml (the other letter forms come from the
actions' input schemas)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from caseapp.cases.outcomes import get_outcome
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


# Replies grouped as the annual report groups outcomes (its sections), apart from procedural notices.
REPLY_GROUP_LABELS = {
    "一": _l("Replies: (1) disclosed"), "二": _l("Replies: (2) partially disclosed"),
    "三": _l("Replies: (3) withheld"), "四": _l("Replies: (4) cannot be provided"),
    "五": _l("Replies: (5) not handled"), "六": _l("Replies: (6) other endings"),
}
NOTICES_LABEL = _l("Procedural notices")


def template_groups(specs) -> list[tuple[str, list[tuple[object, str]]]]:
    """(group label, [(spec, its name in the list)]): replies by annual-report section, each named by
    its outcome, then the procedural notices by title. No template code is shown."""
    groups: dict[str, list] = {}
    notices = []
    for spec in specs:
        outcome = get_outcome(spec.outcome or spec.key) if spec.is_reply else None
        if outcome is not None:
            groups.setdefault(outcome.section, []).append((spec, str(outcome.label)))
        else:
            notices.append((spec, str(spec.title)))
    out = [(str(REPLY_GROUP_LABELS[section]), items) for section, items in groups.items()]
    return out + ([(str(NOTICES_LABEL), notices)] if notices else [])
