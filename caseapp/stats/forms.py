"""Forms of the statistics pages: recording a reconsideration or lawsuit, reopening from its decision."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField

from caseapp.cases.forms import DateText, parse_day
from caseapp.core.forms import Mandatory, choices
from caseapp.reviews.models import KIND_LABELS, RESULT_LABELS


class ReviewForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS.items()), validators=[Mandatory()])
    body = StringField(_l("Reconsideration body or court"), validators=[Mandatory()], render_kw={"maxlength": 200})
    reference = StringField(_l("Case or decision number"), render_kw={"maxlength": 100})
    filed_on = DateText(_l("Filed on"), validators=[Mandatory()])
    copy_received_on = DateText(_l("Copy of the application or complaint received on"))
    result = SelectField(_l("Result"), choices=choices(RESULT_LABELS.items()), default="pending")
    decided_on = DateText(_l("Decided on"))
    decision = TextAreaField(_l("Decision (summary)"), render_kw={"rows": 3, "maxlength": 5000})

    def review_data(self) -> tuple[dict, dict]:
        """(data for the operation, errors for malformed dates)."""
        data = {"kind": self.kind.data, "body": self.body.data, "reference": self.reference.data,
                "result": self.result.data, "decision": self.decision.data}
        errors = {}
        for name in ("filed_on", "copy_received_on", "decided_on"):
            try:
                data[name] = parse_day(getattr(self, name).data)
            except ValueError:
                data[name] = None
                errors[name] = _l("Please enter a date like 2026-11-27.")
        return data, errors


class ReviewAnswerForm(FlaskForm):
    """The day the answer (答复书 / 答辩状) and its evidence were submitted."""

    submitted_on = DateText(_l("Answer submitted on"), validators=[Mandatory()])


class ReopenFromReviewForm(FlaskForm):
    """Only the CSRF token: the decision on record is the reason."""
