"""Similarity: the ways of writing a request are taken out before comparing (periods, document
numbers and codes, numerals, widths, traditional characters, the vocabulary), hard constraints
decide before any text similarity, and each suggestion says why."""
from __future__ import annotations

from datetime import date

import pytest

from caseapp.disclosure import normalise, similarity
from caseapp.disclosure.vocabulary import Entry, default_vocabulary


def features(text: str, received_on: date = date(2026, 3, 10), strip=("江州市财政局",)) -> dict:
    return similarity.extract_features(text, strip=strip, received_on=received_on)


def compare(a: str, b: str, vocabulary=None, **kw) -> similarity.Comparison:
    fa, fb = features(a, **kw), features(b, **kw)
    idf, default = similarity.idf_table([fa, fb])
    return similarity.compare(fa, fb, idf, default, vocabulary)


@pytest.mark.parametrize("text", [
    "申请公开江财预〔2025〕12号文件", "请提供江财预[2025]12号", "江财预（2025）第12号通知", "江财预(２０２５)12号",
    "2025年第12号公告", "二〇二五年第十二号公告", "江财预字2025 12号",
])
def test_document_numbers_in_their_common_spellings_are_one(text):
    assert features(text)["doc"] == ["2025-12"]


@pytest.mark.parametrize("text", ["WJ05", "WJ-05", "WJ 05", "wj05", "ＷＪ－０５"])
def test_codes_are_one_whatever_the_separator_case_or_width(text):
    assert features(f"请公开编号为{text}的文件")["doc"] == ["WJ5"]


@pytest.mark.parametrize("text, received, label", [
    ("请公开2025年第二季度财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开2025年二季度财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开2025年4—6月财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开2025年4月至6月财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开2025年Q2财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开二〇二五年第二季度财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    # no year: the year of receipt, or the one before when that quarter had not begun by then
    ("请公开第二季度财政收支情况", date(2025, 9, 1), "2025年第二季度"),
    ("请公开第二季度财政收支情况", date(2026, 3, 10), "2025年第二季度"),
    ("请公开去年的三公经费", date(2026, 3, 10), "2025年"),
    ("请公开今年上半年的补贴发放名单", date(2026, 8, 3), "2026年上半年"),
    ("请公开上个月的处罚决定", date(2026, 1, 15), "2025年12月"),
])
def test_periods_become_intervals_anchored_on_the_day_of_receipt(text, received, label):
    sig = features(text, received_on=received)
    assert [normalise.Period(date.fromisoformat(a), date.fromisoformat(b)).label() for a, b in sig["per"]] == [label]


def test_traditional_characters_and_full_width_read_as_simplified_and_ascii():
    assert features("關於江州華星化工股份有限公司的處罰決定書")["co"] == features("关于江州华星化工股份有限公司的处罚决定书")["co"]
    assert features("２０２５年度部门决算")["per"] == features("2025年度部门决算")["per"]


def test_the_boilerplate_of_every_request_is_not_what_is_asked_for():
    sig = features("根据《中华人民共和国政府信息公开条例》第二十七条，因本人房屋在征收范围内，特申请公开"
                   "滨江村集体土地征收的批复，请以电子邮件方式提供，联系电话13812345678。")
    assert "条例" not in sig["t"] and "13812345678" not in sig["t"] and "电子邮件" not in sig["t"]
    assert "滨江村" in sig["t"]


def test_an_umbrella_term_is_shared_with_its_parts_but_two_parts_are_not():
    v = default_vocabulary()
    umbrella = v.apply(normalise.clean("2025年三公经费"))[1]
    part = v.apply(normalise.clean("2025年公务接待费"))[1]
    other_part = v.apply(normalise.clean("2025年因公出国（境）费"))[1]
    from caseapp.disclosure.vocabulary import shared_concepts

    assert shared_concepts(umbrella, part) == ["三公经费"]
    assert shared_concepts(part, other_part) == []


def test_an_agencys_own_words_count_at_once():
    a, b = "请公开清源湾片区改造的批复", "想看看老码头那片改造的批复"
    plain = compare(a, b, strip=())
    taught = compare(a, b, default_vocabulary().merged([Entry("synonym", "清源湾片区", ("老码头那片",))]), strip=())
    assert taught.score > plain.score
    assert any(r.kind == "term" and "清源湾片区" in r.value for r in taught.reasons)


@pytest.mark.parametrize("a, b, blocked", [
    ("请公开编号WJ-05的文件", "请公开编号WJ-06的文件", "docno"),
    ("请公开江财预〔2025〕12号文件", "请公开江财预〔2025〕13号文件", "docno"),
    ("请公开2025年部门决算", "请公开2024年部门决算", "period"),
    ("请公开2025年第一季度财政收支", "请公开2025年第二季度财政收支", "period"),
    ("地铁3号线的环评批复", "地铁4号线的环评批复", "numbered"),
])
def test_a_different_number_period_or_line_is_different_information(a, b, blocked):
    c = compare(a, b)
    assert c.blocked == blocked and c.score == 0.0


def test_the_same_number_and_period_agree_and_say_so_in_chinese():
    c = compare("请公开江财预〔2025〕12号文件（2025年第二季度资金分配）", "麻烦提供[2025]12号，二〇二五年4至6月的资金分配")
    assert c.blocked is None
    kinds = {r.kind: r.value for r in c.reasons}
    assert kinds["period"] == "2025年第二季度"
    assert kinds["docno"] == "江财预〔2025〕12号"


def test_scores_are_probabilities_and_the_threshold_comes_from_the_model():
    c = compare("请公开2025年部门预算", "申请2025年度本单位预算公开")
    assert 0.0 <= c.score <= 1.0
    assert 0.0 < similarity.THRESHOLD < 1.0
