"""Import of an office's existing cases from a sheet (issue 25, item 4): the template, reading it,
checking each row, and the operation that files one row as a case.

One row is one case. Headers are Chinese (English aliases accepted, see COLUMNS). The checks
(`check_sheet`, `check_row`) write nothing: the dry run is them alone. `import_case` writes one
checked row (the runner's `import_case` action in caseapp.admin.actions commits it, one row at a
time) with one audit event, `case.imported`.

What an import keeps and what it recomputes:
- the tracking number when the row has one (else a new one of the agency's pattern), the receipt,
  closing and status as given: receipt dates older than a year are allowed here and only here
  (validate_channel(historical=True));
- the due date is recomputed with the calendar (caseapp.clock: 20 working days from receipt plus
  any extension); a due date in the sheet that disagrees is reported and kept in the audit event;
- a row already imported (same tracking number, or for a row without one the same receipt date,
  applicant and description in the agency) is skipped: a second run imports nothing.
Rows in 待补正 or 待缴费 are refused: their correction or fee facts are not in the sheet.
"""
from __future__ import annotations

import csv
import io
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from caseapp.calendar.service import load_calendar
from caseapp.cases import states
from caseapp.cases.attachments import Attachment, check_upload, clean_filename
from caseapp.cases.closures import closure_kind, record_closure
from caseapp.cases.identity import applicant_key, format_tracking_number, hash_query_code, new_query_code
from caseapp.cases.labels import APPLICANT_TYPE_LABELS, CHANNEL_LABELS, DELIVERY_LABELS, FORM_LABELS, ID_TYPE_LABELS
from caseapp.cases.models import Case
from caseapp.cases.outcomes import OUTCOMES, WITHDRAWAL_OUTCOME
from caseapp.cases.states import STATUS_LABELS
from caseapp.cases.validation import validate_channel, validate_request
from caseapp.clock.rules import MAX_EXTENSION_DAYS
from caseapp.clock.service import refresh_due
from caseapp.core import filestore
from caseapp.core.audit import record_event
from caseapp.core.clock import SHANGHAI
from caseapp.core.db import Counter, flush_or_stale, next_counter_value
from caseapp.core.text import unsafe_character
from caseapp.extensions import db

MAX_ROWS = 20000
MAX_LETTERS = 10


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # the template's Chinese header
    aliases: tuple[str, ...] = ()
    required: bool = False  # the header must be present (values may still be optional per row)
    note: str = ""  # what the template says about the column (Chinese, as the template prints it)


COLUMNS: tuple[Column, ...] = (
    Column("tracking_number", "申请编号", ("tracking_number", "tracking number", "编号"),
           note="原申请编号；没有的留空，导入时按本机关规则编号"),
    Column("received_on", "收到申请日期", ("received_on", "received date", "收到日期", "接收日期"), True,
           note="日期，如 2025-03-05"),
    Column("channel", "申请渠道", ("channel",), True, note="在线申请、当面提交、信函、传真、电子邮件、口头申请"),
    Column("applicant_type", "申请人类型", ("applicant_type", "applicant type"), True,
           note="自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他组织"),
    Column("applicant_name", "申请人姓名或名称", ("applicant_name", "applicant name", "applicant", "申请人"), True),
    Column("id_type", "证件类型", ("id_type", "id type"),
           note="自然人填写：居民身份证、护照等；法人或其他组织不填（使用统一社会信用代码）"),
    Column("id_number", "证件号码或统一社会信用代码", ("id_number", "id number", "证件号码", "统一社会信用代码")),
    Column("contact_person", "联系人", ("contact_person", "contact person"), note="法人或其他组织必填"),
    Column("phone", "联系电话", ("phone",)),
    Column("email", "电子邮箱", ("email",)),
    Column("address", "通信地址", ("address",)),
    Column("description", "所需政府信息描述", ("description", "申请内容"), True),
    Column("form", "载体形式", ("form",), note="纸质、电子；留空为纸质"),
    Column("delivery", "获取方式", ("delivery",), note="邮寄、电子邮件、自行领取、在线下载；留空为自行领取"),
    Column("status", "办理状态", ("status",), True, note="待受理、办理中、已办结、已撤回"),
    Column("due_on", "答复期限", ("due_on", "due date", "due"), note="原记录的答复期限；与重新计算的期限不一致时报告"),
    Column("extension_days", "延长答复期限（工作日）", ("extension_days", "extension days", "延期天数"),
           note="经批准延长的工作日数（最多 20）"),
    Column("outcome", "办理结果", ("outcome",), note="已办结的必填：如 予以公开、部分公开、属于国家秘密、本机关不掌握相关政府信息"),
    Column("closed_on", "办结日期", ("closed_on", "closed date", "closing date"), note="已办结、已撤回的必填"),
    Column("letters", "文书文件", ("letters", "files"), note="文书的文件名，多个用分号分隔；文件放在表格旁的文件夹中"),
)
BY_KEY = {c.key: c for c in COLUMNS}
# Fields of validate_request that have no column of their own: their messages go to this column.
FIELD_COLUMN = {"org_code": "id_number", "postal_code": "address"}

# Words offices use beside the labels the application shows (which are accepted too).
CHANNEL_WORDS = {"网上申请": "online", "在线申请": "online", "在线": "online", "网上": "online", "政府网站": "online", "当面": "in_person",
                 "现场": "in_person", "窗口": "in_person", "信函": "post", "邮寄": "post", "来信": "post",
                 "传真": "fax", "电子邮件": "email", "邮件": "email", "口头": "oral", "口头申请": "oral"}
APPLICANT_TYPE_WORDS = {"自然人": "natural_person", "公民": "natural_person", "个人": "natural_person",
                        "商业企业": "commercial_enterprise", "企业": "commercial_enterprise",
                        "科研机构": "research_institution", "社会公益组织": "social_welfare_org",
                        "法律服务机构": "legal_service_org", "其他": "other_org", "其他组织": "other_org"}
ID_TYPE_WORDS = {"身份证": "resident_id", "居民身份证": "resident_id", "护照": "passport"}
FORM_WORDS = {"纸质": "paper", "纸质文本": "paper", "电子": "electronic", "电子文本": "electronic"}
DELIVERY_WORDS = {"邮寄": "post", "电子邮件": "email", "邮件": "email", "自行领取": "pickup", "当面领取": "pickup",
                  "领取": "pickup", "在线下载": "online", "网上获取": "online"}
STATUS_WORDS = {"待受理": "submitted", "办理中": "in_progress", "已受理": "in_progress", "已办结": "closed",
                "办结": "closed", "已答复": "closed", "已撤回": "withdrawn", "撤回": "withdrawn",
                "待补正": "correction_requested", "待缴费": "awaiting_fee"}
IMPORTABLE_STATUSES = ("submitted", "in_progress", "closed", "withdrawn")
DATE_RE = re.compile(r"^\s*(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?\s*$")


def _words(labels: dict, extra: dict) -> dict[str, str]:
    """Code, Chinese label and office words -> code (the labels read in Chinese whatever the user's locale)."""
    out = {code: code for code in labels}
    with force_locale("zh_CN"):
        out.update({str(label): code for code, label in labels.items()})
    out.update(extra)
    return out


def outcome_words() -> dict[str, str]:
    """Outcome code, Chinese label and the annual report's row wording (with or without its number) -> code."""
    out: dict[str, str] = {}
    with force_locale("zh_CN"):
        for o in OUTCOMES:
            out[o.code] = o.code
            out[str(o.label)] = o.code
            out[o.report_label] = o.code
            bare = re.sub(r"^(（[一二三四五六七]）|\d+．)", "", o.report_label)
            out[bare] = o.code
            out[re.sub(r"（.*）$", "", bare)] = o.code  # 部分公开 without its counting note
    out["撤回"] = out["申请人撤回"] = WITHDRAWAL_OUTCOME
    return out


@dataclass
class Problem:
    row: int  # the sheet's row number (the header is row 1); 0 for the sheet as a whole
    column: str  # the column's header, "" for the row or the sheet
    message: str
    level: str = "error"  # "error": nothing written for the row; "warning": imported, to look at


@dataclass
class Sheet:
    """A read sheet: its column keys (in header order) and its rows as {key: raw value}."""

    columns: list[str]
    rows: list[tuple[int, dict]]
    problems: list[Problem] = field(default_factory=list)  # header problems: nothing is imported


def _header_key(text) -> str | None:
    name = re.sub(r"[\s*＊]", "", str(text or "")).lower()
    for column in COLUMNS:
        if name == column.header or name in (a.replace(" ", "").lower() for a in column.aliases) \
                or name == column.key:
            return column.key
    return None


def read_sheet(filename: str, data: bytes) -> Sheet:
    """Read a .csv (UTF-8, or GB18030 as Excel saves it) or .xlsx sheet; header problems are the Sheet's."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        table = _xlsx_rows(data)
    elif lower.endswith(".csv"):
        table = _csv_rows(data)
    else:
        table = None
    if table is None:
        return Sheet([], [], [Problem(0, "", str(_l("The file is not a sheet this import reads: send an .xlsx or a "
                                                   ".csv file made from the template.")))])
    if not table:
        return Sheet([], [], [Problem(0, "", str(_l("The sheet is empty.")))])
    header, *body = table
    keys, problems = [], []
    for position, text in enumerate(header, start=1):
        if text in (None, ""):
            keys.append(None)
            continue
        key = _header_key(text)
        if key is None:
            problems.append(Problem(1, str(text), str(_l("Unknown column “%(name)s” (column %(n)s): use the "
                                                          "template's headers.", name=text, n=position))))
        elif key in keys:
            problems.append(Problem(1, str(text), str(_l("The column “%(name)s” appears twice.",
                                                          name=BY_KEY[key].header))))
        keys.append(key)
    for column in COLUMNS:
        if column.required and column.key not in keys:
            problems.append(Problem(1, column.header, str(_l("The column “%(name)s” is missing.",
                                                              name=column.header))))
    rows = []
    for number, cells in enumerate(body, start=2):
        if all(c in (None, "") or (isinstance(c, str) and not c.strip()) for c in cells):
            continue
        rows.append((number, {k: cells[i] if i < len(cells) else None for i, k in enumerate(keys) if k}))
    if len(rows) > MAX_ROWS:
        problems.append(Problem(0, "", str(_l("The sheet has more than %(n)s rows: split it.", n=MAX_ROWS))))
    return Sheet([k for k in keys if k], rows, problems)


def _csv_rows(data: bytes) -> list[list] | None:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return [row for row in csv.reader(io.StringIO(text, newline=""))]
    return None


def _xlsx_rows(data: bytes) -> list[list] | None:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same answer to the user
        return None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number Excel stored as a float (a phone, a code)
    value = str(value).strip()
    return value or None


def parse_date(value) -> date | None:
    """A date cell: a date value, or text like 2025-03-05, 2025/3/5 or 2025年3月5日; ValueError otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    match = DATE_RE.match(str(value))
    if match is None:
        raise ValueError(value)
    return date(*(int(g) for g in match.groups()))


@dataclass
class CheckedRow:
    """One row as it will be imported, or why not."""

    row: int
    values: dict = field(default_factory=dict)  # what import_case needs, when the row is valid
    problems: list[Problem] = field(default_factory=list)
    skipped: str | None = None  # the row is already in the database: why it is not imported again
    letters: list = field(default_factory=list)  # [(name, bytes)]

    @property
    def ok(self) -> bool:
        return not any(p.level == "error" for p in self.problems) and self.skipped is None


class RowChecker:
    """Checks the rows of one sheet for one agency, remembering the numbers and keys seen in it."""

    def __init__(self, agency, today: date, letters: Callable[[str], bytes | None] | None = None):
        self.agency, self.today, self.letters = agency, today, letters
        self.cal = load_calendar()
        self.seen_numbers: dict[str, int] = {}
        self.seen_keys: dict[tuple, int] = {}
        self.words = {
            "channel": _words(CHANNEL_LABELS, CHANNEL_WORDS),
            "applicant_type": _words(APPLICANT_TYPE_LABELS, APPLICANT_TYPE_WORDS),
            "id_type": _words(ID_TYPE_LABELS, ID_TYPE_WORDS),
            "form": _words(FORM_LABELS, FORM_WORDS),
            "delivery": _words(DELIVERY_LABELS, DELIVERY_WORDS),
            "status": _words({s.value: label for s, label in STATUS_LABELS.items()}, STATUS_WORDS),
        }
        self.outcomes = outcome_words()
        self.known_numbers: dict | None = None  # filled by prefetch()
        self.known_keys: dict = {}

    def check(self, number: int, raw: dict) -> CheckedRow:
        """Check one row (nothing written): its values for import_case, its problems, or why it is skipped."""
        out = CheckedRow(number)

        def problem(key: str, message, level: str = "error"):
            out.problems.append(Problem(number, BY_KEY[key].header, str(message), level))

        text = {k: _text(v) for k, v in raw.items() if k not in ("received_on", "due_on", "closed_on")}
        for key, value in text.items():
            if value is not None and unsafe_character(value, multiline=key in ("description", "address")) is not None:
                problem(key, _l("The cell holds a control or invalid character."))
        days = {}
        for key in ("received_on", "due_on", "closed_on"):
            try:
                days[key] = parse_date(raw.get(key))
            except ValueError:
                days[key] = None
                problem(key, _l("“%(value)s” is not a date: write it as 2025-03-05 (or as a date cell).",
                                value=raw.get(key)))
        codes = {}
        for key in ("channel", "applicant_type", "id_type", "form", "delivery", "status"):
            value = text.get(key)
            if value is None:
                codes[key] = None
                continue
            codes[key] = self.words[key].get(value) or self.words[key].get(value.replace(" ", ""))
            if codes[key] is None:
                problem(key, _l("Unknown value “%(value)s”: use one of the template's words.", value=value))
        status = codes["status"]
        if text.get("status") is None:
            problem("status", _l("The status is missing."))
        elif status is not None and status not in IMPORTABLE_STATUSES:
            problem("status", _l("Cases awaiting a correction or a fee payment cannot be imported (the sheet does not "
                                 "hold their notice): import them as 办理中 and record the step in the case."))
        outcome = None
        if text.get("outcome") is not None:
            outcome = self.outcomes.get(text["outcome"]) or self.outcomes.get(text["outcome"].replace(" ", ""))
            if outcome is None:
                problem("outcome", _l("Unknown outcome “%(value)s”: use an outcome of the annual report, e.g. "
                                      "予以公开, 部分公开, 属于国家秘密.", value=text["outcome"]))
        final = status in ("closed", "withdrawn")
        if status == "withdrawn" and outcome is None and text.get("outcome") is None:
            outcome = WITHDRAWAL_OUTCOME
        if status == "withdrawn" and outcome not in (None, WITHDRAWAL_OUTCOME):
            problem("outcome", _l("A withdrawn case counts as 其他 (other ending) in the annual report: leave the outcome "
                                  "empty or write 其他."))
        if status == "closed" and text.get("outcome") is None:
            problem("outcome", _l("A closed case needs its outcome."))
        if final and days["closed_on"] is None and raw.get("closed_on") in (None, ""):
            problem("closed_on", _l("A closed or withdrawn case needs its closing date."))
        if status in ("submitted", "in_progress"):
            if text.get("outcome") is not None:
                problem("outcome", _l("An open case has no outcome: give the status 已办结 or leave the outcome empty."))
            if days["closed_on"] is not None:
                problem("closed_on", _l("An open case has no closing date: give the status 已办结 or leave it empty."))
        received_on = days["received_on"]
        if received_on is None and raw.get("received_on") in (None, ""):
            problem("received_on", _l("The receipt date is missing."))
        if text.get("channel") is None:
            problem("channel", _l("The channel is missing."))
        for key, message in validate_channel(codes["channel"] or text.get("channel"), received_on, self.today,
                                             historical=True).items():
            if key == "received_on" and received_on is not None:
                problem(key, message)
        closed_on = days["closed_on"]
        if final and closed_on is not None and received_on is not None \
                and not received_on <= closed_on <= self.today:
            problem("closed_on", _l("The closing date must be between the receipt date and today."))
        extension = 0
        if text.get("extension_days") is not None:
            try:
                extension = int(text["extension_days"])
            except ValueError:
                extension = -1
            if not 0 <= extension <= MAX_EXTENSION_DAYS:
                problem("extension_days", _l("An extension is 0 to 20 working days."))
                extension = 0

        atype = codes["applicant_type"]
        id_number = text.get("id_number")
        request = {
            "applicant_type": atype or text.get("applicant_type"),
            "applicant_name": text.get("applicant_name"),
            "id_type": codes["id_type"] or ("resident_id" if atype == "natural_person" and id_number else None),
            "id_number": id_number if atype == "natural_person" else None,
            "org_code": id_number if atype not in (None, "natural_person") else None,
            "contact_person": text.get("contact_person"), "phone": text.get("phone"), "email": text.get("email"),
            "address": text.get("address"), "description": text.get("description"),
            "form": codes["form"] or "paper", "delivery": codes["delivery"] or "pickup",
        }
        clean, errors = validate_request(request)
        for key, message in errors.items():
            column = FIELD_COLUMN.get(key, key)
            if key in ("applicant_type", "id_type", "form", "delivery") and text.get(column) is not None \
                    and codes.get(column) is None:
                continue  # already said: an unknown word
            problem(column if column in BY_KEY else "description", message)

        number_text = text.get("tracking_number")
        if number_text is not None:
            if len(number_text) > 40:
                problem("tracking_number", _l("A tracking number has at most 40 characters."))
            elif number_text in self.seen_numbers:
                problem("tracking_number", _l("The tracking number %(number)s is also in row %(row)s: each case once.",
                                              number=number_text, row=self.seen_numbers[number_text]))
            else:
                self.seen_numbers[number_text] = number
        if any(p.level == "error" for p in out.problems):
            return out

        key = applicant_key(clean["applicant_type"], clean["id_number"], clean["org_code"],
                            clean["applicant_name"], clean["phone"])
        row_key = (received_on, key, clean["description"])
        if number_text is None:
            if row_key in self.seen_keys:
                problem("description", _l("Row %(row)s has the same receipt date, applicant and description: each "
                                          "case once.", row=self.seen_keys[row_key]))
                return out
            self.seen_keys[row_key] = number
        existing = self._existing(number_text, received_on, key, clean["description"])
        if existing is not None:
            if existing.agency_id != self.agency.id:
                problem("tracking_number", _l("The tracking number %(number)s belongs to a case of another agency.",
                                              number=number_text))
            elif number_text is not None and (existing.received_on != received_on or existing.applicant_key != key):
                problem("tracking_number", _l("The tracking number %(number)s is already used by another case of "
                                              "this agency (received on %(day)s).", number=number_text,
                                              day=existing.received_on.isoformat()))
            else:
                out.skipped = str(_l("Already imported as %(number)s: not imported again.",
                                     number=existing.tracking_number))
            return out

        for name in _letter_names(text.get("letters")):
            content = self.letters(name) if self.letters is not None else None
            if content is None:
                problem("letters", _l("The file “%(name)s” is not beside the sheet.", name=name))
                continue
            try:
                check_upload(name, content)
            except Exception as err:  # noqa: BLE001 - a ValidationError with the file's problem
                problem("letters", getattr(err, "message", err))
                continue
            out.letters.append((name, content))
        if len(out.letters) > MAX_LETTERS:
            problem("letters", _l("At most %(n)s files per case.", n=MAX_LETTERS))
        if any(p.level == "error" for p in out.problems):
            return out

        due = self.cal.add_working_days(received_on, 20 + extension)
        if days["due_on"] is not None and days["due_on"] != due:
            problem("due_on", _l("The sheet's due date %(sheet)s differs from the calendar's %(due)s (20 working "
                                 "days from receipt%(ext)s): the case is imported with %(due)s.",
                                 sheet=days["due_on"].isoformat(), due=due.isoformat(),
                                 ext=str(_l(" plus the extension")) if extension else ""), level="warning")
        out.values = {
            "request": clean, "applicant_key": key, "tracking_number": number_text, "channel": codes["channel"],
            "received_on": received_on, "status": status, "outcome": outcome if final else None,
            "closed_on": closed_on if final else None, "extension_days": extension, "sheet_due_on": days["due_on"],
            "row": number,
            "calendar": self.cal,  # the sheet's calendar, loaded once (not a query per row)
        }
        return out

    def prefetch(self, rows: list[tuple[int, dict]]) -> None:
        """Read once, for the whole sheet, the cases that its numbers and its unnumbered rows' receipt
        dates could match (instead of one query a row: 10,000 rows import in the benchmark's time)."""
        numbers, days = set(), set()
        for _number, raw in rows:
            text = _text(raw.get("tracking_number"))
            if text is not None:
                numbers.add(text)
                continue
            try:
                day = parse_date(raw.get("received_on"))
            except ValueError:
                day = None
            if day is not None:
                days.add(day)
        self.known_numbers, self.known_keys = {}, {}
        cols = (Case.tracking_number, Case.agency_id, Case.received_on, Case.applicant_key)
        for chunk in _chunks(sorted(numbers)):
            for found in db.session.execute(sa.select(*cols).where(Case.tracking_number.in_(chunk))):
                self.known_numbers[found.tracking_number] = found
        for chunk in _chunks(sorted(days)):
            for found in db.session.execute(sa.select(*cols, Case.description).where(
                    Case.agency_id == self.agency.id, Case.received_on.in_(chunk))):
                self.known_keys.setdefault((found.received_on, found.applicant_key, found.description), found)

    def _existing(self, number: str | None, received_on: date, key: str, description: str):
        if self.known_numbers is not None:
            if number is not None:
                return self.known_numbers.get(number)
            return self.known_keys.get((received_on, key, description))
        cols = (Case.tracking_number, Case.agency_id, Case.received_on, Case.applicant_key)
        if number is not None:
            return db.session.execute(sa.select(*cols).where(Case.tracking_number == number)).first()
        return db.session.execute(sa.select(*cols).where(
            Case.agency_id == self.agency.id, Case.received_on == received_on, Case.applicant_key == key,
            Case.description == description).limit(1)).first()


def _chunks(values: list, size: int = 500):
    for i in range(0, len(values), size):
        yield values[i:i + size]


def _letter_names(value: str | None) -> list[str]:
    return [n.strip() for n in re.split(r"[;；\n]", value or "") if n.strip()]


def _pattern_regex(pattern: str, prefix: str) -> re.Pattern | None:
    """A regex matching the agency's tracking numbers, with the year and the sequence as groups."""
    parts = []
    try:
        for literal, name, _spec, _conv in string.Formatter().parse(pattern):
            parts.append(re.escape(literal))
            if name == "prefix":
                parts.append(re.escape(prefix))
            elif name == "year":
                parts.append(r"(?P<year>\d{4})")
            elif name == "seq":
                parts.append(r"(?P<seq>\d+)")
            elif name is not None:
                return None
    except ValueError:
        return None
    return re.compile("^" + "".join(parts) + "$")


def _keep_counter_ahead(agency, number: str) -> None:
    """An imported number of the agency's own pattern moves the counter of its year on, so that a
    request filed later never gets the same number."""
    regex = _pattern_regex(agency.tracking_pattern, agency.tracking_prefix)
    match = regex.match(number) if regex is not None else None
    if match is None or "seq" not in match.groupdict() or "year" not in match.groupdict():
        return
    seq, scope = int(match.group("seq")), f"{agency.id}:{int(match.group('year'))}"
    table = Counter.__table__
    if db.session.execute(sa.select(table.c.value).where(table.c.name == "tracking", table.c.scope == scope)
                          ).scalar() is None:
        next_counter_value("tracking", scope)
    db.session.execute(sa.update(table).where(table.c.name == "tracking", table.c.scope == scope,
                                              table.c.value < seq).values(value=seq))


def _import_case(agency, values: dict, *, letters: Iterable = (), actor=None, actor_label: str = "import",
                source: str | None = None, today: date) -> Case:
    """import_case without autoflush."""
    received_on, number = values["received_on"], values["tracking_number"]
    cal = values.get("calendar") or load_calendar()
    if number is None:
        while True:  # an imported number of the same pattern may already hold the next value
            seq = next_counter_value("tracking", f"{agency.id}:{received_on.year}")
            number = format_tracking_number(agency.tracking_pattern, agency.tracking_prefix, received_on.year, seq)
            if db.session.scalar(sa.select(Case.id).where(Case.tracking_number == number)) is None:
                break
    else:
        _keep_counter_ahead(agency, number)
    status = values["status"]
    case = Case(
        agency_id=agency.id, tracking_number=number, query_code_hash=hash_query_code(new_query_code()),
        applicant_key=values["applicant_key"], channel=values["channel"], status=status,
        # The receipt day's noon in Beijing: the hour of a paper request was never recorded.
        submitted_at=datetime.combine(received_on, time(12, 0), tzinfo=SHANGHAI).astimezone(UTC),
        received_on=received_on, clock_started_on=received_on,
        accepted_on=received_on if status in ("in_progress", "closed") else None,
        extension_days=values["extension_days"], outcome=values["outcome"], closed_on=values["closed_on"],
        registered_by_id=getattr(actor, "id", None), **values["request"],
    )
    db.session.add(case)
    refresh_due(case, today, cal)
    flush_or_stale()
    if states.is_final(status):
        record_closure(case, "withdrawal" if status == "withdrawn" else closure_kind(case.outcome))
    files = []
    for upload in letters:
        name, content = upload.filename, upload.data
        stored = filestore.store_bytes(content, area="uploads")
        att = Attachment(case_id=case.id, kind="scan", original_name=clean_filename(name),
                         content_type=check_upload(name, content), size=stored.size, sha256=stored.sha256,
                         storage_key=stored.storage_key, uploaded_by_id=getattr(actor, "id", None))
        db.session.add(att)
        files.append(att)
    if files:
        flush_or_stale()  # their ids go into the event
    record_event("case.imported", actor=actor if getattr(actor, "id", None) else None,
                 actor_label=None if getattr(actor, "id", None) else actor_label, case=case,
                 after={"tracking_number": number, "received_on": received_on, "channel": case.channel,
                        "status": status, "outcome": case.outcome, "closed_on": case.closed_on,
                        "due_on": case.due_on, "sheet_due_on": values.get("sheet_due_on"),
                        "extension_days": case.extension_days, "source": source, "row": values.get("row"),
                        "files": [{"id": a.id, "name": a.original_name, "sha256": a.sha256} for a in files]})
    flush_or_stale()
    return case


def import_case(agency, values: dict, **kwargs) -> Case:
    """File one checked row (RowChecker.check's values, its letters as Uploads) as a case with its
    original number, dates, status and outcome; the due date from the calendar; one audit event
    `case.imported`. Without autoflush: the case and its search entry reach the database in one flush."""
    with db.session.no_autoflush:
        return _import_case(agency, values, **kwargs)


def template_csv() -> bytes:
    """The import template as CSV (UTF-8 with BOM, so that Excel reads the Chinese headers): the
    headers and two example rows, one open case and one closed."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.header for c in COLUMNS])
    writer.writerow(["SFJY-2025-000101", "2025-03-05", "信函", "自然人", "张三", "居民身份证", "11010519491231002X", "",
                     "13800138000", "", "示范市人民路1号", "申请公开2025年示范市义务教育阶段学校招生入学工作实施意见。",
                     "纸质", "邮寄", "已办结", "2025-04-02", "", "予以公开", "2025-03-28", "SFJY-2025-000101答复书.pdf"])
    writer.writerow(["", "2026-11-02", "当面提交", "商业企业", "示范市某某科技有限公司", "", "91350100M000100Y43",
                     "李四", "021-12345678", "lisi@example.com", "", "申请公开本市2026年道路运输企业质量信誉考核结果。", "电子",
                     "电子邮件", "办理中", "", "", "", "", ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
