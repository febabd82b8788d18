"""Office pages of one letter (its fields, state and the actions on it), its files, and the
template previews. The actions themselves run through caseapp/office/actions.py."""
from __future__ import annotations

from flask import Blueprint, abort, make_response, render_template, request
from flask_login import current_user, login_required

from caseapp.core.actions import Ctx, offers
from caseapp.core.forms import apply_errors
from caseapp.core.permissions import CASE_READERS, Role, require_agency, roles_required
from caseapp.letters import operations as ops
from caseapp.letters import rendering
from caseapp.letters.actions import DELIVERY_LABELS, ENCLOSURES_SHOWN
from caseapp.letters.files import enclosure_file_response, letter_file_response
from caseapp.letters.forms import fields_form, template_groups
from caseapp.letters.queries import enclosure_of, get_letter
from caseapp.letters.searches import SEARCHED_OUTCOMES
from caseapp.records.queries import place_text, release_versions, searches_of_case
from caseapp.letters.states import LETTER_LABELS, LetterStatus

bp = Blueprint("letters", __name__, url_prefix="/office/letters")
PREVIEW_ROLES = (Role.ADMIN, Role.SUPERVISOR)


def _letter_or_404(letter_id: int):
    letter = get_letter(letter_id)
    if letter is None:
        abort(404)
    require_agency(current_user, letter.agency_id)
    return letter


def _action_forms(ctx: Ctx, shown) -> dict:
    """One form per action offered outside the composer, starting from its declared defaults."""
    return {o.action.name: o.action.input.form_class(ctx, versioned=False, prefix=o.action.name)(
        data=o.action.input.initial(ctx)) for o in shown if o.action.place != "composer"}


def _without_decision(forms: dict, letter) -> None:
    """Only a disclosing reply over a third party's objection is approved with a decision on it
    (Reg. 32): any other approval form goes without those fields."""
    form = forms.get("approve_letter")
    if form is not None and not ops.needs_objection_decision(letter):
        for name in ("objection_decision", "decision_reasons"):
            if name in form:
                delattr(form, name)


def _missing_content(spec, errors: dict) -> list[str]:
    """What the draft still lacks, each message once (a group's message already names its fields)."""
    labels = {f.name: str(f.label) for f in spec.fields}
    by_message: dict[str, list[str]] = {}
    for name, message in errors.items():
        by_message.setdefault(str(message), []).append(labels.get(name, name))
    return [message if len(names) > 1 else f"{names[0]}：{message}" for message, names in by_message.items()]


def render_letter_page(letter, *, failed: tuple | None = None) -> str:
    """The letter page: one composer (save, autosave, save and submit) beside the letter's preview.
    After a refused edit or step, `failed` = (action name, its form, errors) puts the typed values and
    the messages back beside their fields."""
    spec = rendering.load_spec(letter.template)
    ctx = Ctx(user=current_user, case=letter.case, target=letter)
    shown = offers(ctx, target="letter")
    save = next((o for o in shown if o.action.place == "composer"), None)  # the composer's own actions
    submit = next((o for o in shown if o.action.place == "composer-submit"), None)
    composer_actions = {o.action.name for o in (save, submit) if o is not None}
    forms = _action_forms(ctx, shown)
    fields = fields_form(spec, letter.fields)
    problems: list[str] = []
    if failed is not None:
        name, form, errors = failed
        if name in composer_actions:
            fields = fields_form(spec, letter.fields, formdata=request.form)
            errors = {(f"f_{k}" if f"f_{k}" in fields else k): v for k, v in errors.items()}
            apply_errors(fields, errors)
            problems = list(fields.form_errors)
        else:
            forms[name] = form
            apply_errors(form, {k: v for k, v in errors.items() if k in form})
            problems = [str(v) for k, v in errors.items() if k not in form]
    _without_decision(forms, letter)
    editable = save is not None and save.enabled
    missing = _missing_content(spec, rendering.check_required(letter.template, letter.fields))
    return render_template(
        "letters/letter.html", letter=letter, case=letter.case, spec=spec,
        objections=ops.objections_for(letter), decision_labels=ops.DECISION_LABELS,
        status_labels={s.value: label for s, label in LETTER_LABELS.items()}, delivery_labels=DELIVERY_LABELS,
        form=fields, editable=editable, submit_offer=submit if editable else None,
        enclosures=letter.enclosures, enclosures_shown=ENCLOSURES_SHOWN,
        release_versions=release_versions(letter.case) if editable and spec.is_reply else [],
        offers=[o for o in shown if not (editable and o.action.name in composer_actions) and o is not save],
        forms=forms, problems=problems, missing=missing,
        # A not-held or needs-creation reply rests on the case's searches: shown to whoever approves it.
        searches={"searches": searches_of_case(letter.case), "place_text": place_text}
        if spec.outcome in SEARCHED_OUTCOMES else None,
        settings_missing=rendering.missing_settings(letter.case.agency, letter.template)
        if letter.status in (LetterStatus.DRAFT, LetterStatus.RETURNED, LetterStatus.SUBMITTED) else [],
    )


@bp.get("/<int:letter_id>")
@login_required
@roles_required(*CASE_READERS)
def letter_page(letter_id: int):
    """A letter: its fields (editable while a draft), its approval and its issue."""
    return render_letter_page(_letter_or_404(letter_id))


@bp.get("/<int:letter_id>/preview.pdf")
@login_required
@roles_required(*CASE_READERS)
def preview(letter_id: int):
    """The letter as it stands, rendered now (a draft has no number yet)."""
    letter = _letter_or_404(letter_id)
    if letter.status == LetterStatus.ISSUED:
        return _framable(letter_file_response(letter, "pdf", inline=True))
    response = make_response(ops.preview_letter_pdf(letter))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = "inline; filename=preview.pdf"
    return _framable(response)


def _framable(response):
    """Let the letter page show this PDF in its preview frame (same origin only)."""
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'self'"
    return response


def _issued_file(letter_id: int, ext: str):
    letter = _letter_or_404(letter_id)
    if letter.status != LetterStatus.ISSUED:
        abort(404)
    return letter_file_response(letter, ext)


@bp.get("/<int:letter_id>/letter.pdf")
@login_required
@roles_required(*CASE_READERS)
def file_pdf(letter_id: int):
    """The issued letter's frozen PDF."""
    return _issued_file(letter_id, "pdf")


@bp.get("/<int:letter_id>/letter.docx")
@login_required
@roles_required(*CASE_READERS)
def file_docx(letter_id: int):
    """The issued letter's frozen DOCX."""
    return _issued_file(letter_id, "docx")


@bp.get("/<int:letter_id>/enclosures/<int:record_id>")
@login_required
@roles_required(*CASE_READERS)
def enclosure_file(letter_id: int, record_id: int):
    """A file enclosed with the letter, opened in the browser (the approver reads each one)."""
    letter = _letter_or_404(letter_id)
    enclosure = enclosure_of(letter, record_id)
    if enclosure is None:
        abort(404)
    return enclosure_file_response(enclosure, inline=True)


@bp.get("/templates")
@login_required
@roles_required(*PREVIEW_ROLES)
def templates():
    """Every standard letter template, with a preview from its sample data."""
    return render_template("letters/templates.html", groups=template_groups(rendering.all_specs()))


@bp.get("/templates/<key>/preview")
@login_required
@roles_required(*PREVIEW_ROLES)
def template_preview(key: str):
    """A template rendered as PDF from its sample.yaml."""
    if key not in rendering.TEMPLATE_KEYS:
        abort(404)
    response = make_response(rendering.render_pdf(rendering.render_html(key, rendering.context_from_sample(key))))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f"inline; filename={key}.pdf"
    return response
