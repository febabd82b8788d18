"""Outcome categories of SPEC §6 and their annual-report rows. The only home of this table."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Outcome:
    code: str
    section: str          # annual-report section: （一）..（六）
    item: int | None      # numbered item inside the section, e.g. （三）2
    report_label: str     # the official row wording (always Chinese, as the report prints it)
    label: object         # UI label through Flask-Babel
    basis: str            # articles of the Regulations (or the fee measures) relied on; "" when none fits
    refusal: bool = False  # refusals must say that reconsideration comes first (SPEC §7)


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("disclosed", "一", None, "（一）予以公开", _l("Disclosed"), "第三十六条第（一）项、第（二）项"),
    Outcome("partially_disclosed", "二", None, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            _l("Partially disclosed"), "第三十七条"),
    Outcome("withheld.state_secret", "三", 1, "1．属于国家秘密", _l("Withheld: state secret"), "第十四条", True),
    Outcome("withheld.law_prohibited", "三", 2, "2．其他法律行政法规禁止公开",
            _l("Withheld: prohibited by other laws"), "第十四条", True),
    Outcome("withheld.three_safeties", "三", 3, "3．危及“三安全一稳定”",
            _l("Withheld: endangers security or stability"), "第十四条", True),
    Outcome("withheld.third_party", "三", 4, "4．保护第三方合法权益",
            _l("Withheld: third party's lawful rights"), "第十五条", True),
    Outcome("withheld.internal_affairs", "三", 5, "5．属于三类内部事务信息",
            _l("Withheld: internal affairs information"), "第十六条第一款", True),
    Outcome("withheld.process_info", "三", 6, "6．属于四类过程性信息",
            _l("Withheld: process information"), "第十六条第二款", True),
    Outcome("withheld.enforcement_file", "三", 7, "7．属于行政执法案卷",
            _l("Withheld: administrative enforcement file"), "第十六条第二款", True),
    Outcome("withheld.administrative_query", "三", 8, "8．属于行政查询事项",
            _l("Withheld: administrative query matter"), "第三十六条第（七）项", True),
    Outcome("unavailable.not_held", "四", 1, "1．本机关不掌握相关政府信息",
            _l("Unavailable: not held by this agency"), "第三十六条第（四）项、第（五）项"),
    Outcome("unavailable.needs_creation", "四", 2, "2．没有现成信息需要另行制作",
            _l("Unavailable: would need to be created"), "第三十八条"),
    Outcome("unavailable.unclear_after_correction", "四", 3, "3．补正后申请内容仍不明确",
            _l("Unavailable: still unclear after correction"), "第三十条"),
    Outcome("not_handled.petition", "五", 1, "1．信访举报投诉类申请",
            _l("Not handled: petition, complaint or report"), "第三十九条第一款"),
    Outcome("not_handled.repeat", "五", 2, "2．重复申请", _l("Not handled: repeated request"), "第三十六条第（六）项"),
    Outcome("not_handled.publication", "五", 3, "3．要求提供公开出版物",
            _l("Not handled: asks for publications"), "第三十九条第二款"),
    Outcome("not_handled.excessive", "五", 4, "4．无正当理由大量反复申请",
            _l("Not handled: excessive requests without good reason"), "第三十五条"),
    Outcome("not_handled.confirm_or_reissue", "五", 5, "5．要求行政机关确认或重新出具已获取信息",
            # No article fits: Art. 39(2) is about publications. The category comes from the annual-report
            # format (国办公开办函〔2021〕30号); the reply says the request is not a disclosure request.
            _l("Not handled: asks to confirm or reissue information"), ""),
    Outcome("other.correction_lapsed", "六", 1, "1．申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
            _l("Other: correction not made in time"), "第三十条"),
    Outcome("other.fee_unpaid", "六", 2, "2．申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            _l("Other: fee not paid in time"), "国办函〔2020〕109号"),
    # No article fits every other ending (withdrawal, death of the applicant...): left empty on purpose.
    Outcome("other.other", "六", 3, "3．其他", _l("Other ending (including withdrawal)"), ""),
)

BY_CODE: dict[str, Outcome] = {o.code: o for o in OUTCOMES}
CODES: tuple[str, ...] = tuple(BY_CODE)

# Outcomes that only make sense from one status: a lapse closes the case that waited for it.
REQUIRED_STATUS = {
    "other.correction_lapsed": "correction_requested",
    "other.fee_unpaid": "awaiting_fee",
}
WITHDRAWAL_OUTCOME = "other.other"

# What must be true of a case before it may close with an outcome, beyond REQUIRED_STATUS:
# outcome code -> rules(case, today) -> the reason it may not (a message), or None. A domain above
# cases adds its own with add_outcome_rule (fees: the payment period must have run out).
OutcomeRule = Callable[[object, date], object]
_RULES: dict[str, list[OutcomeRule]] = {}


def add_outcome_rule(code: str, rule: OutcomeRule) -> None:
    """Require `rule(case, today)` to return None before a case closes with `code`."""
    if code not in BY_CODE:
        raise LookupError(f"no outcome {code!r}")
    if rule not in _RULES.setdefault(code, []):
        _RULES[code].append(rule)


def outcome_rule_refusal(case, code: str, today: date):
    """The first rule of `code` the case does not meet (its message), or None."""
    for rule in _RULES.get(code, ()):
        message = rule(case, today)
        if message is not None:
            return message
    return None


def _correction_period_over(case, today: date):
    """Reg. 30: a correction lapses only once the applicant was told (the correction notice issued)
    and the period counted from that notice has run out (its last day still counts)."""
    if case.correction_notified_on is None or case.correction_due_on is None:
        return _l("The correction notice has not been issued: the applicant was never told what to correct, so "
                  "the correction period has not started and the request cannot be closed as lapsed.")
    if today <= case.correction_due_on:
        return _l("The correction period runs until %(day)s: the request cannot be closed as lapsed before then.",
                  day=case.correction_due_on.isoformat())
    return None


def _corrected(case, _today: date):
    """Reg. 30: "still unclear after correction" needs a correction that was asked for and arrived."""
    if case.correction_received_on is None:
        return _l("“Still unclear after correction” applies only after a correction was requested and received.")
    return None


add_outcome_rule("other.correction_lapsed", _correction_period_over)
add_outcome_rule("unavailable.unclear_after_correction", _corrected)


def get_outcome(code: str) -> Outcome | None:
    """The outcome with this code, or None."""
    return BY_CODE.get(code)


def is_refusal(code: str) -> bool:
    """Whether the outcome withholds information (reconsideration comes first, SPEC §7)."""
    outcome = BY_CODE.get(code)
    return bool(outcome and outcome.refusal)
