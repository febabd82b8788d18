"""The grounds a part of a record is withheld on (SPEC §11): each names its box label and the
withheld.* outcome of SPEC §6 it falls under. The one home of this list."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Ground:
    code: str
    label: object  # what the office shows
    box: str  # the type in the black box: official wording, the same in every language
    outcome: str  # the withheld.* outcome code (SPEC §6)
    article: str  # the article of the Regulations, for the letter's reasons


GROUNDS: dict[str, Ground] = {g.code: g for g in (
    Ground("personal_privacy", _l("Personal privacy"), "〔个人隐私〕", "withheld.third_party", "第十五条"),
    Ground("trade_secret", _l("Trade secret"), "〔商业秘密〕", "withheld.third_party", "第十五条"),
    Ground("state_secret", _l("State secret"), "〔国家秘密〕", "withheld.state_secret", "第十四条"),
    Ground("law_prohibited", _l("Disclosure forbidden by law or administrative regulation"), "〔法律法规禁止公开〕",
           "withheld.law_prohibited", "第十四条"),
    Ground("three_safeties", _l("Endangers security or social stability"), "〔三安全一稳定〕",
           "withheld.three_safeties", "第十四条"),
    Ground("internal_affairs", _l("Internal affairs information"), "〔内部事务信息〕", "withheld.internal_affairs",
           "第十六条第一款"),
    Ground("process_info", _l("Process information"), "〔过程性信息〕", "withheld.process_info", "第十六条第二款"),
    Ground("enforcement_file", _l("Administrative enforcement case file"), "〔行政执法案卷〕",
           "withheld.enforcement_file", "第十六条第二款"),
)}


def ground_choices() -> list[tuple[str, object]]:
    """(code, label) for a form's choice of ground."""
    return [(g.code, g.label) for g in GROUNDS.values()]
