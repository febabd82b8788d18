"""Every standard template renders from its sample to PDF and DOCX with the same paragraphs,
the CJK font embedded, the right wording and remedies, and the reviewed snapshot text.

Regenerate the snapshots with CASEAPP_UPDATE_SNAPSHOTS=1 and read every one before accepting it.
"""
from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

import pytest

from caseapp.cases.outcomes import CODES, is_refusal
from caseapp.letters import fonts, rendering, word
from tests.letters.conftest import docx_paragraphs, pdf_fonts, pdf_text, squash

SNAPSHOTS = Path(__file__).parent / "snapshots"
REMEDIES_NORMAL = "可以自收到本答复之日起60日内向示范市人民政府申请行政复议，或者自收到本答复之日起6个月内依法向人民法院提起行政诉讼"
REMEDIES_REFUSAL = "应当先申请行政复议"


@lru_cache(maxsize=None)
def rendered(key: str) -> rendering.RenderedLetter:
    return rendering.render_letter(key, rendering.context_from_sample(key))


def test_there_is_one_template_per_outcome_and_notice():
    on_disk = {p.name for p in rendering.TEMPLATE_ROOT.iterdir() if p.is_dir()}
    assert on_disk == set(rendering.TEMPLATE_KEYS)
    assert set(CODES) <= on_disk
    for key in rendering.TEMPLATE_KEYS:
        spec = rendering.load_spec(key)
        assert spec.title and spec.wording
        assert (spec.remedies != "none") == (spec.is_reply or key in ("third_party_disclosure_notice",
                                                                      "withdrawal_confirmation"))
        assert spec.remedies == ("refusal" if is_refusal(key) else spec.remedies)
    assert rendering.load_spec("partially_disclosed").remedies == "partial"


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_template_renders_to_pdf_and_docx_with_the_same_text(key):
    letter = rendered(key)
    spec = rendering.load_spec(key)
    text = pdf_text(letter.pdf)
    flat = squash(text)
    assert "SFJY-2026-000123" in flat
    assert squash(spec.wording) in flat
    assert spec.title in flat
    assert "示教信公〔2026〕12号" in flat and rendering.cn_date(rendering.load_sample(key)["letter"]["dated"]) in flat
    assert "本级人民政府" not in flat and rendering.MISSING_RECONSIDERATION_BODY not in flat
    if spec.remedies == "refusal":
        assert REMEDIES_REFUSAL in flat and "对行政复议决定不服的" in flat and "6个月" not in flat
    elif spec.remedies == "partial":
        # Suing directly stays open for the part disclosed; for the part withheld, reconsideration first.
        assert squash(REMEDIES_NORMAL) in flat
        assert squash("对本答复中决定不予公开的部分不服的，根据《中华人民共和国行政复议法》第二十三条第一款第（四）项"
                      "的规定，应当先申请行政复议") in flat
    elif spec.remedies == "normal":
        subject = spec.remedies_subject
        assert squash(REMEDIES_NORMAL.replace("本答复", subject)) in flat
    else:  # no remedies paragraph (the answers to a review name the reconsideration in their text)
        assert "60日内" not in flat and "6个月内" not in flat
        assert "行政复议" not in flat or spec.addressee == "review_body"
    # The DOCX holds the same paragraphs, in the same order, as the PDF.
    paragraphs = docx_paragraphs(letter.docx)
    assert squash("".join(paragraphs)) == flat
    assert paragraphs[:3] == ["示范市教育局", "示教信公〔2026〕12号", spec.title]


@pytest.mark.parametrize("key", ["disclosed", "withheld.state_secret", "fee_notice"])
def test_cjk_font_is_embedded(key):
    rows = pdf_fonts(rendered(key).pdf)
    assert rows and all(row["emb"] == "yes" for row in rows), rows
    expected = fonts.FAMILY if fonts.fonts_ready() else "WenQuanYi"
    assert any(expected in row["name"] for row in rows), rows


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_rendered_text_matches_reviewed_snapshot(key):
    blocks = word.html_blocks(rendered(key).html)
    text = "\n".join(f"[{b.style}] {b.text}" for b in blocks) + "\n"
    path = SNAPSHOTS / f"{key}.txt"
    if os.environ.get("CASEAPP_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no snapshot for {key}: run with CASEAPP_UPDATE_SNAPSHOTS=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_user_text_is_escaped_and_split_into_paragraphs():
    ctx = rendering.context_from_sample("other.other")
    ctx["f"]["reason"] = "第一行<script>alert(1)</script>\n\n第二行 & 其他"
    html = rendering.render_html("other.other", ctx)
    assert "<script>" not in html and "&lt;script&gt;" in html
    texts = [b.text for b in word.html_blocks(html)]
    assert "第一行<script>alert(1)</script>" in texts and "第二行 & 其他" in texts


def test_draft_without_number_shows_placeholder():
    sample = rendering.load_sample("receipt")
    ctx = rendering.build_context(key="receipt", agency=sample["agency"], case=sample["case"],
                                  fields=sample["fields"], number=None, dated="2026-11-03")
    blocks = word.html_blocks(rendering.render_html("receipt", ctx))
    assert blocks[1].text == rendering.NUMBER_PLACEHOLDER


def test_sandbox_refuses_unsafe_attribute_access():
    from jinja2.exceptions import SecurityError

    env = rendering._environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ f.__class__.__mro__ }}").render(f={}.__class__)  # noqa


@pytest.mark.parametrize("value,expected", [
    (0, "零元整"), (10, "壹拾元整"), (100, "壹佰元整"), (1700, "壹仟柒佰元整"), (3000, "叁仟元整"),
    (1005, "壹仟零伍元整"), (10000, "壹万元整"), (10010, "壹万零壹拾元整"), (120000, "壹拾贰万元整"),
])
def test_capital_amounts(value, expected):
    assert rendering.cn_amount(value) == expected


def test_chinese_dates():
    assert rendering.cn_date("2026-11-02") == "2026年11月2日"
    assert rendering.cn_date("") == ""


def _pages(pdf: bytes) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                         check=True).stdout.decode("utf-8")
    return [page for page in out.split("\f") if page.strip()]


def _signature_has_text_above_it(pdf: bytes) -> bool:
    """On the page with the agency's signature, some body text comes before it (GB/T 9704 7.3.5)."""
    pages = [[line.strip() for line in page.splitlines() if line.strip()] for page in _pages(pdf)]
    pages[0] = pages[0][1:]  # the letterhead is the agency's name too
    for lines in pages:
        if "示范市教育局" in lines:
            return any(line != "（印章）" for line in lines[:lines.index("示范市教育局")])
    raise AssertionError("no signature found")


def _note_is_with_the_date(pdf: bytes) -> bool:
    """The contact note (附注) is on the page of the date, not alone on a page after it."""
    last = [line.strip() for line in _pages(pdf)[-1].splitlines() if line.strip()]
    return not last[0].startswith("（联系电话")


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_signature_is_never_alone_on_the_last_page(key):
    assert _signature_has_text_above_it(rendered(key).pdf)
    assert _note_is_with_the_date(rendered(key).pdf)


@pytest.mark.parametrize("items", range(1, 13))
def test_signature_stays_with_the_text_whatever_the_length_of_the_letter(items):
    # One more line of provided documents at a time moves the page break through every paragraph.
    context = rendering.context_from_sample("disclosed")
    context["f"] = {**context["f"], "provided": "\n".join(
        f"《示范市2026年第{n}批义务教育阶段学校招生入学工作实施细则》（示教发〔2026〕{n}号）" for n in range(1, items + 1))}
    pdf = rendering.render_letter("disclosed", context).pdf
    assert _signature_has_text_above_it(pdf) and _note_is_with_the_date(pdf)


# --- Issue 9: the legal review's fixed points, each checked in a rendered PDF ---------------------

def _pdf_flat(key: str, context: dict) -> str:
    return squash(pdf_text(rendering.render_letter(key, context).pdf))


def _context(key: str, *, agency: dict | None = None, case: dict | None = None, **fields) -> dict:
    sample = rendering.load_sample(key)
    return rendering.build_context(key=key, agency={**sample["agency"], **(agency or {})},
                                   case={**sample["case"], **(case or {})},
                                   fields={**sample["fields"], **fields}, number="示教信公〔2026〕12号",
                                   dated=sample["letter"]["dated"])


def test_partial_disclosure_says_reconsideration_comes_first_for_the_withheld_part():
    flat = _pdf_flat("partially_disclosed", rendering.context_from_sample("partially_disclosed"))
    assert "6个月内依法向人民法院提起行政诉讼" in flat  # the disclosed part
    assert "决定不予公开的部分不服的" in flat and REMEDIES_REFUSAL in flat
    assert flat.index("6个月内") < flat.index(REMEDIES_REFUSAL)


def test_letters_print_the_agencys_reconsideration_body_and_never_a_guess():
    flat = _pdf_flat("disclosed", _context("disclosed", agency={"reconsideration_body": "示范省教育厅"}))
    assert "60日内向示范省教育厅申请行政复议" in flat
    # Without the setting, a draft's preview shows a marker, never "本级人民政府"; approval is refused.
    html = rendering.render_html("disclosed", _context("disclosed", agency={"reconsideration_body": None}))
    assert rendering.MISSING_RECONSIDERATION_BODY in html and "本级人民政府" not in html
    for path in rendering.TEMPLATE_ROOT.rglob("*.html"):
        assert "本级人民政府" not in path.read_text(encoding="utf-8"), path


def test_missing_settings_name_the_reconsideration_body_only_where_a_letter_prints_it():
    complete = {"name": "示范市教育局", "letter_number_pattern": "示教信公〔{year}〕{seq}号",
                "reconsideration_body": "示范市人民政府"}
    assert rendering.missing_settings(complete) == []
    assert rendering.missing_settings(complete, "withheld.state_secret") == []
    lacking = {**complete, "reconsideration_body": "  "}
    reasons = [str(r) for r in rendering.missing_settings(lacking, "withheld.state_secret")]
    assert len(reasons) == 1 and "行政复议机关" in reasons[0]
    assert rendering.missing_settings(lacking) == rendering.missing_settings(lacking, "disclosed")
    assert rendering.missing_settings(lacking, "receipt") == []  # a receipt has no remedies paragraph
    assert len(rendering.missing_settings({"name": "", "letter_number_pattern": "", "reconsideration_body": ""})) == 3


def test_missing_settings_reads_an_agency_row(make_agency):
    agency = make_agency(reconsideration_body=None)
    assert len(rendering.missing_settings(agency)) == 1
    agency.reconsideration_body = "示范市人民政府"
    assert rendering.missing_settings(agency) == []


def test_the_letter_contact_line_comes_from_the_agency_setting():
    class Row:
        name, reconsideration_body = "示范市教育局", "示范市人民政府"
        letter_contact, phone, address = None, "0100-1234", "人民路1号"

    assert rendering.agency_letter_values(Row)["contact"] == "联系电话：0100-1234；地址：人民路1号"
    Row.letter_contact = "联系人：王五；联系电话：0100-5555"
    values = rendering.agency_letter_values(Row)
    assert values["contact"] == "联系人：王五；联系电话：0100-5555"
    assert values["reconsideration_body"] == "示范市人民政府"
    context = _context("disclosed", agency=values)
    assert "（联系人：王五；联系电话：0100-5555）" in _pdf_flat("disclosed", context)


def test_a_disclosure_reply_needs_what_is_provided_or_where_it_is_published():
    errors = rendering.check_required("disclosed", {"addressee": "张三", "description": "某文件",
                                                    "provided": "", "public_location": " "})
    assert set(errors) == {"provided", "public_location"}
    assert rendering.check_required("disclosed", {"addressee": "张三", "description": "某文件",
                                                  "public_location": "门户网站"}) == {}
    flat = _pdf_flat("disclosed", _context("disclosed", provided="", public_location="示范市教育局门户网站"))
    assert "第三十六条第（一）项" in flat and "第三十六条第（二）项" not in flat
    flat = _pdf_flat("disclosed", _context("disclosed", public_location=""))
    assert "第三十六条第（二）项" in flat and "第三十六条第（一）项" not in flat


def test_not_held_has_two_grounds_chosen_by_the_clerk():
    spec = rendering.load_spec("unavailable.not_held")
    ground = next(f for f in spec.fields if f.name == "ground")
    assert ground.type == "choice" and ground.required
    assert [v for v, _label in ground.choices] == ["not_exist", "not_ours"]

    flat = _pdf_flat("unavailable.not_held", _context("unavailable.not_held", ground="not_exist"))
    assert "第三十六条第（四）项" in flat and "该政府信息不存在" in flat and "第（五）项" not in flat

    context = _context("unavailable.not_held", ground="not_ours", right_agency="示范市市场监督管理局",
                       right_agency_contact="联系电话：0100-87654321",
                       search="您申请获取的食品经营许可信息由市场监督管理部门制作并负责公开。")
    flat = _pdf_flat("unavailable.not_held", context)
    assert "不属于本机关负责公开的政府信息" in flat and "第三十六条第（五）项" in flat
    assert "该政府信息由示范市市场监督管理局负责公开（联系方式：联系电话：0100-87654321）" in flat
    assert "食品经营许可信息" in flat and "不存在" not in flat and "第（四）项" not in flat

    # The responsible agency unknown: the letter still gives Art. 36(5) and the reason, names nobody.
    flat = _pdf_flat("unavailable.not_held", _context("unavailable.not_held", ground="not_ours", right_agency="",
                                                      search="该信息不属于本机关的职责范围。"))
    assert "第三十六条第（五）项" in flat and "负责公开（" not in flat and "不存在" not in flat


def test_not_held_requires_a_ground_and_for_not_ours_a_reason():
    base = {"addressee": "张三", "description": "某文件"}
    assert set(rendering.check_required("unavailable.not_held", base)) == {"ground"}
    assert rendering.check_required("unavailable.not_held", {**base, "ground": "not_exist"}) == {}
    assert set(rendering.check_required("unavailable.not_held", {**base, "ground": "not_ours"})) == {"search"}
    assert set(rendering.check_required("unavailable.not_held", {**base, "ground": "elsewhere"})) == {"ground"}


@pytest.mark.parametrize("key", [k for k in CODES if k.startswith("withheld.")])
def test_every_refusal_cites_article_36_3_and_requires_its_reason(key):
    spec = rendering.load_spec(key)
    reason = next(f for f in spec.fields if f.name == "reason")
    assert reason.required and "第三十六条第（三）项" in spec.summary
    sample = rendering.load_sample(key)
    assert "reason" in rendering.check_required(key, {**sample["fields"], "reason": ""})
    assert rendering.check_required(key, sample["fields"]) == {}
    flat = squash(pdf_text(rendered(key).pdf))
    assert "第三十六条第（三）项" in flat and squash(sample["fields"]["reason"]) in flat


def test_extension_notice_cites_article_33_paragraph_2():
    assert "第三十三条第二款的规定，答复期限延长20个工作日" in squash(pdf_text(rendered("extension_notice").pdf))


def test_receipt_marks_a_provisional_due_date():
    provisional = _pdf_flat("receipt", _context("receipt", case={"due_provisional": True}))
    assert "2026年11月30日前作出答复（该日期为暂定日期" in provisional
    assert "暂定" not in _pdf_flat("receipt", _context("receipt", case={"due_provisional": False}))


def test_correction_notice_prints_the_period_the_case_enforces():
    spec = rendering.load_spec("correction_notice")
    assert "correction_due_on" not in spec.field_names()  # not editable in the letter
    context = _context("correction_notice", case={"correction_due_on": "2026-12-01"})
    context["f"]["correction_due_on"] = "2026-12-31"  # a stale value stored in an old draft is ignored
    flat = _pdf_flat("correction_notice", context)
    assert "请您于2026年12月1日前" in flat and "12月31日" not in flat


def test_outcomes_without_a_fitting_article_have_no_legal_basis():
    from caseapp.cases.outcomes import get_outcome

    assert get_outcome("not_handled.confirm_or_reissue").basis == ""
    assert get_outcome("other.other").basis == ""


def test_common_field_labels_are_translated():
    from flask_babel import force_locale

    spec = rendering.load_spec("disclosed")
    with force_locale("en"):
        assert str(spec.fields[0].label) == "Addressee (how the applicant is addressed)"
    with force_locale("zh_CN"):
        assert str(spec.fields[0].label) == "收件人（称谓）"


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_every_sample_is_complete_by_its_own_template_rules(key):
    assert rendering.check_required(key, rendering.load_sample(key)["fields"]) == {}


def test_an_older_not_held_draft_without_a_ground_keeps_its_meaning():
    # Drafts written before the choice existed: an agency named meant "not ours", none meant "does not exist".
    html = rendering.render_html("unavailable.not_held", _context("unavailable.not_held", ground="",
                                                                  right_agency="示范市市场监督管理局"))
    assert "第三十六条第（五）项" in html and "不存在" not in html
    html = rendering.render_html("unavailable.not_held", _context("unavailable.not_held", ground=""))
    assert "第三十六条第（四）项" in html


def test_every_label_help_choice_and_summary_of_the_templates_has_its_chinese():
    from caseapp.core.i18n_build import load_sources

    catalogue = load_sources("zh_CN")
    missing = sorted(i for i in rendering.ui_message_ids() if not (catalogue.get(i) and catalogue.get(i).string))
    assert missing == []


def test_template_fields_show_in_the_users_language():
    from flask_babel import force_locale

    spec = rendering.load_spec("unavailable.not_held")
    ground = next(f for f in spec.fields if f.name == "ground")
    with force_locale("en"):
        assert str(ground.label) == "Ground of the reply" and str(spec.summary).startswith("The information")
        assert str(ground.choices[1][1]).startswith("Not this agency's to disclose")
    with force_locale("zh_CN"):
        assert str(ground.label) == "答复情形" and str(spec.summary).startswith("经检索没有所申请的信息")
        assert str(ground.choices[1][1]).startswith("不属于本机关负责公开")
