"""The plain values a letter is drafted and rendered from: the agency's facts and the case's facts.

Domains above letters add their own values (fees add the fee's basis, amount and dates) with
`add_values_provider`, so that letters never import them.
"""
from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa

from caseapp.cases import states
from caseapp.cases.models import Case
from caseapp.cases.outcomes import get_outcome
from caseapp.extensions import db
from caseapp.letters import rendering
from caseapp.letters.models import TimeRequest
from caseapp.records.grounds import GROUNDS
from caseapp.records.queries import searched_places

_PROVIDERS: list[Callable[[Case], dict]] = []


def add_values_provider(provider: Callable[[Case], dict]) -> None:
    """Add a function case -> dict whose values every letter of the case may print."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def agency_values(agency) -> dict:
    """The agency's facts a letter prints (a plain dict)."""
    contact = getattr(agency, "letter_contact", None) or "；".join(
        p for p in (f"联系电话：{agency.phone}" if agency.phone else "",
                    f"地址：{agency.address}" if agency.address else "") if p)
    return {"name": agency.name, "reconsideration_body": agency.reconsideration_body,
            "letterhead": True, "contact": contact}


def latest_time_request(case: Case, kind: str) -> TimeRequest | None:
    """The case's most recent extension or deferral request."""
    return db.session.scalar(sa.select(TimeRequest).where(TimeRequest.case_id == case.id, TimeRequest.kind == kind)
                             .order_by(TimeRequest.id.desc()).limit(1))


def case_values(case: Case) -> dict:
    """The case's facts a letter prints or is pre-filled from (a plain dict, dates as ISO strings)."""

    def iso(d):
        return d.isoformat() if d else ""

    outcome = get_outcome(case.outcome or "")
    values = {
        "tracking_number": case.tracking_number,
        "applicant_name": case.applicant_name,
        "applicant_type": case.applicant_type,
        "received_on": iso(case.received_on),
        "description": case.description,
        "document_ref": case.document_ref or "",
        "due_on": iso(case.due_on),
        "outcome": case.outcome or "",
        "legal_basis": outcome.basis if outcome else "",
        "correction_details": case.correction_details or "",
        "correction_requested_on": iso(case.correction_requested_on),
        # The notice's issue: the date the letters that follow it quote as "the notice sent on".
        "correction_notified_on": iso(case.correction_notified_on),
        "correction_period_days": case.correction_period_days or "",
        "correction_due_on": iso(case.correction_due_on),
        "correction_received_on": iso(case.correction_received_on),
        "extension_days": case.extension_days or "",
        "deferred_to": iso(case.deferred_to),
        "withdrawn_on": iso(case.closed_on) if case.status == states.Status.WITHDRAWN else "",
        # Where the case's recorded searches looked (档案室、公文系统), "" without one: the not-held
        # reply says in one sentence that a search was made, never its terms or results (SPEC §12).
        "searched_places": searched_places(case),
    }
    ext = latest_time_request(case, "extension")
    dfr = latest_time_request(case, "deferral")
    values["extension_reason"] = ext.reason if ext else ""
    values["deferral_reason"] = dfr.reason if dfr else ""
    for provider in _PROVIDERS:
        values.update(provider(case))
    return values


# A request's text often begins "申请公开……"; the letter already says "您申请获取“……”".
_REQUEST_VERB = re.compile(
    r"^\s*(?:本人|我|我单位|我公司)?(?:特此|现)?(?:申请|请求|要求)(?:(?:公开|获取|提供)[：:，,\s]*|[：:]\s*)")


def request_summary(description: str | None) -> str:
    """The request's text without its leading verb, as the letters quote it after 您申请获取."""
    text = str(description or "")
    rest = _REQUEST_VERB.sub("", text, count=1)
    return rest if rest.strip() else text


def prefill(spec: rendering.TemplateSpec, values: dict) -> dict:
    """The starting fields of a draft: each field's `prefill` value from the case, else empty (the
    request's summary without its leading 申请公开, which the letter's sentence already says)."""
    out = {f.name: (values.get(f.prefill, "") if f.prefill else "") for f in spec.fields}
    for f in spec.fields:
        if f.prefill == "description":
            out[f.name] = request_summary(out[f.name])
    return out


def _book_title(title: str) -> str:
    """A record's title as the letter quotes it, inside 《》 (without doubling them)."""
    return str(title or "").strip().strip("《》").strip()


def enclosure_values(records) -> list[dict]:
    """The enclosures a letter lists (附件), in order: title and page count."""
    return [{"title": _book_title(r.title), "pages": r.page_count} for r in records]


def _pages(pages) -> str:
    return "、".join(f"第{p}页" for p in sorted(set(pages)))


def _sentence(text: str) -> str:
    text = str(text or "").strip()
    return text if not text or text.endswith(("。", ".", "！", "？")) else text + "。"


def withheld_from_log(versions) -> dict:
    """A partial disclosure's withheld part and its reasons from the redaction log of its redacted
    enclosures: `versions` is [(record, its redaction_log entries)]. The letter names the record,
    the pages, the ground and how many places, never the withheld text itself; each ground is given
    with its article and the reason recorded when the version was made."""
    parts, reasons = [], {}
    for record, log in versions:
        by_ground: dict[str, dict] = {}
        for entry in log:
            ground = GROUNDS.get(entry.get("exemption") or "")
            if ground is None:
                continue
            item = by_ground.setdefault(ground.code, {"pages": [], "count": 0})
            item["pages"].append(entry["page"])
            item["count"] += int(entry.get("count") or 1)
            reasons.setdefault((ground.code, _sentence(entry.get("reason"))), []).append(_book_title(record.title))
        for code, item in by_ground.items():
            kind = GROUNDS[code].box.strip("〔〕")
            parts.append(f"《{_book_title(record.title)}》{_pages(item['pages'])}中涉及{kind}的内容（共{item['count']}处），"
                         f"已从提供的文本中删除。")
    lines = []
    for (code, reason), titles in reasons.items():
        ground = GROUNDS[code]
        books = "、".join(f"《{t}》" for t in dict.fromkeys(titles))
        lines.append(f"{books}中涉及{ground.box.strip('〔〕')}的内容，不予公开的理由是：{reason}根据《中华人民共和国政府信息公开条例》"
                     f"{ground.article}的规定，本机关对该部分内容不予公开。")
    return {"withheld_part": "\n".join(parts), "withheld_reason": "\n".join(lines)}
