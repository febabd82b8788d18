"""Render a letter from its one source, reply_templates/<key>/letter.html, to HTML, PDF and DOCX.

Templates run in their own sandboxed Jinja environment on a plain dict (never ORM objects). The
PDF comes from the rendered HTML through WeasyPrint; the DOCX is built from the same rendered HTML,
block by block (letterhead, number, title, paragraphs, signature, date), so both carry the same
paragraphs in the same order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from flask_babel import lazy_gettext as _l
from jinja2 import FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.sandbox import SandboxedEnvironment

from caseapp.cases.outcomes import CODES as OUTCOME_CODES
from caseapp.core.clock import SHANGHAI, utcnow
from caseapp.letters import fonts
from caseapp.letters.word import render_docx

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "reply_templates"
NOTICE_KEYS = (
    "receipt", "correction_notice", "extension_notice", "deferral_notice", "consultation_third_party",
    "consultation_agency", "third_party_disclosure_notice", "fee_notice", "withdrawal_confirmation",
)
# The agency's answers to a reconsideration (行政复议答复书) and to a lawsuit (行政诉讼答辩状) against a
# reply (SPEC §12): addressed to the reconsideration body or the court, never to the applicant.
ANSWER_KEYS = ("review_answer.reconsideration", "review_answer.lawsuit")
TEMPLATE_KEYS: tuple[str, ...] = (*OUTCOME_CODES, *NOTICE_KEYS, *ANSWER_KEYS)
FIELD_TYPES = ("text", "textarea", "date", "int", "choice")
# normal: reconsideration or litigation; refusal: reconsideration first (Administrative Reconsideration
# Law 2023 Art. 23(1)(4)); partial: normal, but reconsideration first for the part withheld; none.
REMEDIES = ("normal", "refusal", "partial", "none")
NUMBER_PLACEHOLDER = "（文号签发时生成）"
# Printed in a draft's preview only: a letter cannot be approved while its agency lacks the setting.
MISSING_RECONSIDERATION_BODY = "【行政复议机关未设置】"
# Letters are archival PDF (ISO 19005-2, level B: fonts embedded, an sRGB output intent, XMP metadata),
# the form record offices keep documents in.
PDF_VARIANT = "pdf/a-2b"


# --- Template specifications (meta.yaml) --------------------------------------------------------

@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: object  # a lazy translated string
    type: str = "text"
    required: bool = False
    prefill: str | None = None  # key of the case values the draft starts from
    help: str | None = None
    choices: tuple[tuple[str, str], ...] = ()  # (value, label) of a "choice" field
    # Required only when other fields have these values, e.g. {"ground": "not_ours"}.
    required_if: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    title: str
    kind: str  # "reply" (closes the case with `outcome`) or "notice"
    outcome: str | None
    remedies: str  # "normal", "refusal" (reconsideration first) or "none"
    remedies_subject: str  # what the remedies paragraph is about: 本答复, 本决定 ...
    addressee: str  # "applicant", "third_party", "agency" or "review_body" (reconsideration body or court)
    wording: str  # a phrase every rendering contains (checked by the tests)
    summary: str
    fields: tuple[FieldSpec, ...] = field(default_factory=tuple)
    # Groups of fields of which at least one must be filled, e.g. (("provided", "public_location"),).
    required_one_of: tuple[tuple[str, ...], ...] = ()

    @property
    def is_reply(self) -> bool:
        return self.kind == "reply"

    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


# Every letter has these two, first: whom it is addressed to and a summary of the request.
COMMON_FIELDS = {
    "applicant": (FieldSpec("addressee", _l("Addressee (how the applicant is addressed)"), "text", True,
                            "applicant_name"),
                  FieldSpec("description", _l("Summary of the request"), "textarea", True, "description")),
    "third_party": (FieldSpec("addressee", _l("Name of the third party"), "text", True),
                    FieldSpec("description", _l("Government information concerned"), "textarea", True,
                              "description")),
    "agency": (FieldSpec("addressee", _l("Agency consulted"), "text", True),
               FieldSpec("description", _l("Government information concerned"), "textarea", True,
                         "description")),
    "review_body": (FieldSpec("addressee", _l("Reconsideration body or court"), "text", True),
                    FieldSpec("description", _l("Summary of the request"), "textarea", True, "description")),
}


@lru_cache(maxsize=None)
def load_spec(key: str) -> TemplateSpec:
    """The specification of a template (its meta.yaml); KeyError for an unknown key."""
    if key not in TEMPLATE_KEYS:
        raise KeyError(key)
    meta = yaml.safe_load((TEMPLATE_ROOT / key / "meta.yaml").read_text(encoding="utf-8"))
    addressee = meta.get("addressee", "applicant")
    # Labels, help texts, choices and the summary are English message ids shown through Flask-Babel
    # (their Chinese is in the catalogue); the title and everything printed stay Chinese.
    own = tuple(
        FieldSpec(f["name"], _l(f["label"]), f.get("type", "text"), bool(f.get("required", False)),
                  f.get("prefill"), _l(f["help"]) if f.get("help") else None,
                  tuple((str(c["value"]), _l(c["label"])) for c in f.get("choices") or ()),
                  tuple((str(k), str(v)) for k, v in (f.get("required_if") or {}).items()))
        for f in meta.get("fields") or ()
    )
    names = {f.name for f in (*COMMON_FIELDS[addressee], *own)}
    for f in own:
        if f.type not in FIELD_TYPES:
            raise ValueError(f"{key}: field {f.name} has unknown type {f.type}")
        # Templates read fields as f.<name>: a dict method's name (items, keys...) would shadow the value.
        if f.name in dir(dict) or not f.name.isidentifier() or f.name.startswith("_"):
            raise ValueError(f"{key}: field name {f.name!r} is not allowed")
        if (f.type == "choice") != bool(f.choices):
            raise ValueError(f"{key}: field {f.name}: choices go with type choice, and only there")
        if any(other not in names for other, _value in f.required_if):
            raise ValueError(f"{key}: field {f.name}: required_if names an unknown field")
    one_of = tuple(tuple(group) for group in meta.get("required_one_of") or ())
    if any(len(group) < 2 or not set(group) <= names for group in one_of):
        raise ValueError(f"{key}: required_one_of needs groups of two or more known fields")
    remedies = meta.get("remedies", "none")
    if remedies not in REMEDIES:
        raise ValueError(f"{key}: unknown remedies {remedies!r}")
    kind = "reply" if key in OUTCOME_CODES else "notice"
    return TemplateSpec(
        key=key, title=meta["title"], kind=kind, outcome=key if kind == "reply" else None,
        remedies=remedies, remedies_subject=meta.get("remedies_subject", "本答复"),
        addressee=addressee, wording=meta["wording"], summary=_l(meta["summary"]) if meta.get("summary") else "",
        fields=(*COMMON_FIELDS[addressee], *own), required_one_of=one_of,
    )


def ui_message_ids() -> set[str]:
    """Every English message id the templates' meta.yaml shows in the UI (labels, help, choices, summary)."""
    ids = set()
    for key in TEMPLATE_KEYS:
        meta = yaml.safe_load((TEMPLATE_ROOT / key / "meta.yaml").read_text(encoding="utf-8"))
        ids.update(x for x in [meta.get("summary")] if x)
        for f in meta.get("fields") or ():
            ids.update(x for x in [f.get("label"), f.get("help"), *(c["label"] for c in f.get("choices") or ())] if x)
    return ids


def all_specs() -> list[TemplateSpec]:
    """Every template's specification, replies first in the order of SPEC §6."""
    return [load_spec(k) for k in TEMPLATE_KEYS]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_required(key: str, fields: dict) -> dict:
    """What a draft still lacks before it can be submitted or approved: field name -> translated message.

    Driven by the template's meta.yaml: `required: true`, `required_if: {field: value}`, the groups of
    `required_one_of` (each field of an unmet group gets the message) and the values of `choice` fields.
    Empty when the fields are complete. KeyError for an unknown template.
    """
    spec = load_spec(key)
    fields = fields or {}
    errors: dict = {}
    for f in spec.fields:
        value = fields.get(f.name)
        if f.type == "choice" and not _blank(value) and str(value) not in {v for v, _label in f.choices}:
            errors[f.name] = _l("Please choose one of the options offered.")
        elif _blank(value):
            if f.required:
                errors[f.name] = _l("This field is required.")
            elif f.required_if and all(str(fields.get(other) or "") == wanted for other, wanted in f.required_if):
                errors[f.name] = _l("This field is required for the option chosen.")
    for group in spec.required_one_of:
        if all(_blank(fields.get(name)) for name in group):
            labels = "、".join(str(next(f.label for f in spec.fields if f.name == name)) for name in group)
            for name in group:
                errors.setdefault(name, _l("Fill in at least one of: %(fields)s.", fields=labels))
    return errors


def _setting(agency, name: str):
    value = agency.get(name) if isinstance(agency, dict) else getattr(agency, name, None)
    return value.strip() if isinstance(value, str) else value


def missing_settings(agency, key: str | None = None) -> list:
    """Why a letter of this agency cannot be approved yet (translated reasons); empty when it can.

    `agency` is the Agency row or its plain dict; with `key`, only what that template prints counts
    (a letter without a remedies paragraph does not need the reconsideration body).
    """
    reasons = []
    needs_body = key is None or load_spec(key).remedies != "none"
    if needs_body and not _setting(agency, "reconsideration_body"):
        reasons.append(_l("The agency has no reconsideration body set: an administrator must enter it "
                          "in the agency settings before letters with a remedies paragraph can be approved."))
    if not _setting(agency, "name"):
        reasons.append(_l("The agency has no name set."))
    if not _setting(agency, "letter_number_pattern"):
        reasons.append(_l("The agency has no letter number pattern set."))
    return reasons


def agency_letter_values(agency) -> dict:
    """The agency's facts a letter prints, as a plain dict (name, reconsideration body, contact line)."""
    contact = _setting(agency, "letter_contact")
    if not contact:
        phone, address = _setting(agency, "phone"), _setting(agency, "address")
        contact = "；".join(p for p in (f"联系电话：{phone}" if phone else "", f"地址：{address}" if address else "")
                           if p)
    return {"name": _setting(agency, "name") or "", "reconsideration_body": _setting(agency, "reconsideration_body"),
            "letterhead": True, "contact": contact or ""}


@lru_cache(maxsize=None)
def load_sample(key: str) -> dict:
    """The sample data of a template (sample.yaml): agency, case and fields."""
    return yaml.safe_load((TEMPLATE_ROOT / key / "sample.yaml").read_text(encoding="utf-8"))


# --- Formatting helpers (pure) ------------------------------------------------------------------

def as_date(value) -> date | None:
    """A date from a date or an ISO string; None when empty."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def cn_date(value) -> str:
    """2026-11-02 -> 2026年11月2日 (GB/T 9704: Arabic numerals, no leading zeros)."""
    d = as_date(value)
    return "" if d is None else f"{d.year}年{d.month}月{d.day}日"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_SECTIONS = ("", "万", "亿")


def cn_amount(yuan: int) -> str:
    """Whole yuan in capital numerals for money, e.g. 1700 -> 壹仟柒佰元整."""
    yuan = int(yuan)
    if yuan == 0:
        return "零元整"
    sections, out, n = [], "", yuan
    while n:
        sections.append(n % 10000)
        n //= 10000
    need_zero = False
    for i in range(len(sections) - 1, -1, -1):
        sec = sections[i]
        if sec == 0:
            need_zero = bool(out)
            continue
        text, zero = "", False
        for pos in range(3, -1, -1):
            digit = sec // (10 ** pos) % 10
            if digit == 0:
                zero = bool(text)
                continue
            if zero or (need_zero and not text and out):
                text += "零"
            text += _DIGITS[digit] + _UNITS[pos]
            zero = False
        if out and sec < 1000 and not text.startswith("零"):
            text = "零" + text
        out += text + _SECTIONS[i]
        need_zero = False
    return out + "元整"


def paragraphs(value) -> list[str]:
    """Non-empty lines of a free-text field, stripped: each becomes one paragraph."""
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


def strip_end(value) -> str:
    """Drop trailing full stops so that a quoted summary fits inside a sentence."""
    return str(value or "").strip().rstrip("。．.；;，,")


# --- Rendering ----------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _environment() -> SandboxedEnvironment:
    env = SandboxedEnvironment(
        loader=FileSystemLoader(str(TEMPLATE_ROOT)),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(cn_date=cn_date, cn_amount=cn_amount, paras=paragraphs, strip_end=strip_end)
    return env


def build_context(*, key: str, agency: dict, case: dict, fields: dict, number: str | None,
                  dated, enclosures=()) -> dict:
    """The plain dict a template renders from; every field of the spec is present (empty if unset).
    `enclosures`: [{title, pages}] the letter lists after its text (附件), in order."""
    spec = load_spec(key)
    values = {name: "" for name in spec.field_names()}
    values.update({k: v for k, v in (fields or {}).items() if v is not None})
    agency = dict(agency)
    # Never a guessed body: approval is refused while it is missing (missing_settings), so only a
    # draft's preview can show the marker.
    agency["reconsideration_body"] = (agency.get("reconsideration_body") or "").strip() or MISSING_RECONSIDERATION_BODY
    is_person = case.get("applicant_type", "natural_person") == "natural_person"
    return {
        "agency": agency,
        "case": dict(case),
        "f": values,
        "you": "您" if is_person else "贵单位",
        "enclosures": [{"title": str(e["title"]), "pages": int(e["pages"])} for e in enclosures or ()],
        "letter": {
            "key": key, "title": spec.title, "number": number or NUMBER_PLACEHOLDER,
            "dated": as_date(dated), "remedies": spec.remedies, "remedies_subject": spec.remedies_subject,
            "is_draft": number is None,
        },
    }


def context_from_sample(key: str) -> dict:
    """The rendering context of a template's sample data (admin preview, tests, benchmark)."""
    sample = load_sample(key)
    letter = sample.get("letter", {})
    return build_context(key=key, agency=sample["agency"], case=sample["case"], fields=sample.get("fields", {}),
                         number=letter.get("number"), dated=letter.get("dated"),
                         enclosures=sample.get("enclosures", ()))


def render_html(key: str, context: dict) -> str:
    """The letter as HTML (the single source of the PDF and the DOCX)."""
    return _environment().get_template(f"{key}/letter.html").render(**context)


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    css = (TEMPLATE_ROOT / "_letter.css").read_text(encoding="utf-8")
    return fonts.font_face_css() + "\n" + css.replace("var(--letter-font)", fonts.font_stack())


def render_pdf(html: str) -> bytes:
    """A4 PDF/A-2b of the letter's HTML with the CJK serif font embedded (subset).

    Its title, author (the agency) and creation date (the letter's date) come from the head of
    _layout.html; a draft without a date yet is dated when it is rendered.
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    css = CSS(string=_stylesheet(), font_config=font_config)
    options = {"pdf_variant": PDF_VARIANT}
    document = HTML(string=html, base_url=str(TEMPLATE_ROOT)).render(
        stylesheets=[css], font_config=font_config, **options)
    if not document.metadata.created:
        document.metadata.created = utcnow().astimezone(SHANGHAI).isoformat(timespec="seconds")
    return document.write_pdf(**options)


@dataclass(frozen=True)
class RenderedLetter:
    html: str
    pdf: bytes
    docx: bytes


def render_letter(key: str, context: dict) -> RenderedLetter:
    """Render one letter to HTML, PDF and DOCX from the same source."""
    html = render_html(key, context)
    return RenderedLetter(html, render_pdf(html), render_docx(html))

