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
from caseapp.letters import fonts, rendering
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


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_template_renders_to_pdf_and_docx_with_the_same_text(key):
    letter = rendered(key)
    spec = rendering.load_spec(key)
    text = pdf_text(letter.pdf)
    flat = squash(text)
    assert "SFJY-2026-000123" in flat
    assert squash(spec.wording) in flat
    assert spec.title in flat
    assert "示教信公〔2026〕12号" in flat and "2026年11月20日" in flat
    if spec.remedies == "refusal":
        assert REMEDIES_REFUSAL in flat and "对行政复议决定不服的" in flat and "6个月" not in flat
    elif spec.remedies == "normal":
        subject = spec.remedies_subject
        assert squash(REMEDIES_NORMAL.replace("本答复", subject)) in flat
    else:
        assert "行政复议" not in flat
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
    blocks = rendering.html_blocks(rendered(key).html)
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
    texts = [b.text for b in rendering.html_blocks(html)]
    assert "第一行<script>alert(1)</script>" in texts and "第二行 & 其他" in texts


def test_draft_without_number_shows_placeholder():
    sample = rendering.load_sample("receipt")
    ctx = rendering.build_context(key="receipt", agency=sample["agency"], case=sample["case"],
                                  fields=sample["fields"], number=None, dated="2026-11-03")
    blocks = rendering.html_blocks(rendering.render_html("receipt", ctx))
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
