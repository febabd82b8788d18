"""The applicant's e-mails (when they gave an address), queued in the transaction of the audit event:
at receipt, correction request, extension, fee notice and reply.

Each e-mail carries the link to the tracking page with the tracking number filled in, never the
query code (the applicant was given it once, at filing). `register_subscribers()` is called once by
the application factory; the handlers run inside `record_event`, so a rolled-back operation queues
nothing, and the outbox delivers after the commit. Each message has a dedupe key, so a repeated
event never e-mails twice.
"""
from __future__ import annotations

from datetime import date


from caseapp.cases.models import Case
from caseapp.core.events import subscribe
from caseapp.core.filestore import open_path
from caseapp.core.outbox import queue_email
from caseapp.core.urls import public_url
from caseapp.extensions import db
from caseapp.letters.models import Letter
from caseapp.letters.operations import reply_outcome_templates

# SPEC §11: the reply and its enclosures go by e-mail up to this size in total; beyond it, the
# e-mail says where to download them (the tracking page, with the query code the applicant holds).
MAX_EMAIL_ATTACHMENTS = 10 * 1024 * 1024

SIGN_OFF = "\n\n本邮件由系统自动发送，请勿直接回复。如需查询办理进度，请使用申请编号和查询码登录查询页面。"


def tracking_link(case) -> str:
    """The public tracking page with the tracking number filled in (never the query code), on the
    configured public address (CASEAPP_PUBLIC_URL), never the request's host."""
    return public_url("portal.track", tracking_number=case.tracking_number)


def _case(event):
    if event.case_id is None:
        return None
    case = db.session.get(Case, event.case_id)
    return case if case is not None and (case.email or "").strip() else None


def _send(case, kind: str, subject: str, text: str, key: str, attachments: list[dict] | None = None) -> None:
    body = (f"{case.applicant_name}：\n\n{text}\n\n申请编号：{case.tracking_number}\n"
            f"查询办理进度：{tracking_link(case)}{SIGN_OFF}\n\n{case.agency.name}")
    queue_email(case.email.strip(), f"【{case.agency.name}】{subject}（{case.tracking_number}）", body,
                kind=kind, case_id=case.id, dedupe_key=f"applicant:{case.id}:{key}", attachments=attachments,
                sender_name=case.agency.name)


def _reply_files(letter: Letter) -> tuple[list[dict], int]:
    """The issued reply's PDF and its enclosures as e-mail attachments, and their total size."""
    files = [{"key": letter.pdf_key, "filename": f"{letter.number or letter.id}.pdf", "content_type": "application/pdf",
              "size": open_path(letter.pdf_key).stat().st_size}]
    for e in letter.enclosures:
        files.append({"key": e.record.storage_key, "filename": f"附件{e.position}-{e.record.title}.pdf",
                      "content_type": e.record.content_type, "size": e.record.size})
    return [{k: v for k, v in f.items() if k != "size"} for f in files], sum(f["size"] for f in files)


def _reply(case, letter: Letter | None) -> tuple[str, list[dict] | None]:
    """The reply e-mail's text and attachments: the letter and its enclosures when they fit, else where
    to download them (the tracking page needs the query code, which the e-mail never carries)."""
    text = "本机关已对您的政府信息公开申请作出答复，答复书可在查询页面查看和下载。"
    if letter is None or not letter.pdf_key:
        return text, None
    files, total = _reply_files(letter)
    titles = "\n".join(f"{e.position}. 《{e.record.title.strip('《》')}》（{e.record.page_count}页）" for e in letter.enclosures)
    if total <= MAX_EMAIL_ATTACHMENTS:
        text = "本机关已对您的政府信息公开申请作出答复，答复书" + ("及附件" if titles else "") + "随本邮件附上，也可在查询页面查看和下载。"
        return (text + (f"\n\n附件：\n{titles}" if titles else "")), files
    return (f"本机关已对您的政府信息公开申请作出答复。答复书及附件合计超过{MAX_EMAIL_ATTACHMENTS // (1024 * 1024)}MB，"
            f"未随本邮件发送，请凭申请编号和查询码在查询页面下载：{tracking_link(case)}"
            + (f"\n\n附件：\n{titles}" if titles else "")), None


def on_registered(event) -> None:
    """Receipt: the request was received (Reg. 31)."""
    case = _case(event)
    if case is None:
        return
    _send(case, "applicant_receipt", "政府信息公开申请已收到",
          f"本机关已于{case.received_on:%Y年%m月%d日}收到您的政府信息公开申请，"
          f"将依照《中华人民共和国政府信息公开条例》的规定办理。", "receipt")


def on_correction_requested(event) -> None:
    """Correction request: what to correct and by when (Reg. 30)."""
    case = _case(event)
    if case is None:
        return
    due = f"{case.correction_due_on:%Y年%m月%d日}" if case.correction_due_on else "补正期限内"
    _send(case, "applicant_correction", "政府信息公开申请补正告知",
          f"您的申请内容需要补正，请于{due}前通过查询页面提交补正材料。需要补正的事项：\n"
          f"{case.correction_details or ''}", f"correction:{case.correction_count}")


def on_fee_notified(event) -> None:
    """Fee notice: the amount and the payment deadline (国办函〔2020〕109号), as the fee event records them."""
    case = _case(event)
    if case is None:
        return
    after = event.after or {}
    amount = f"{after['amount']}元" if after.get("amount") is not None else ""
    pay_by = ""
    if after.get("pay_by"):
        day = date.fromisoformat(str(after["pay_by"]))
        pay_by = f"，请于{day:%Y年%m月%d日}前缴纳"
    _send(case, "applicant_fee", "信息处理费缴纳通知",
          f"本机关已向您出具收费通知书，信息处理费{amount}{pay_by}。逾期未缴纳的，视为放弃申请。",
          f"fee:{after.get('fee_id') or event.id}")


def on_letter_issued(event) -> None:
    """Extension notice and the reply (the letter that closes the case)."""
    case = _case(event)
    if case is None:
        return
    template = (event.after or {}).get("template") or ""
    if template == "extension_notice":
        due = f"{case.due_on:%Y年%m月%d日}" if case.due_on else ""
        _send(case, "applicant_extension", "延期答复告知",
              f"因正当理由，本机关延长答复期限，将于{due}前作出答复（《中华人民共和国政府信息公开条例》第三十三条）。",
              "extension")
        return

    if template in reply_outcome_templates():
        letter_id = (event.after or {}).get("letter_id")
        letter = db.session.get(Letter, letter_id) if isinstance(letter_id, int) else None
        text, attachments = _reply(case, letter)
        _send(case, "applicant_reply", "政府信息公开申请答复", text, f"reply:{letter_id}", attachments)


def register_subscribers() -> None:
    """Subscribe the applicant's e-mails to their audit events (idempotent)."""
    subscribe("case.registered", on_registered)
    subscribe("case.correction_requested", on_correction_requested)
    subscribe("fee.notified", on_fee_notified)
    subscribe("letter.issued", on_letter_issued)
