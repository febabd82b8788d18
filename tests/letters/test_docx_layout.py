"""The DOCX of every letter has the PDF's official layout (GB/T 9704-2012, issue 22 item 2): the red
line under the letterhead, `— n —` page numbers in the outer corners, 仿宋 named on every run with
a fallback, the signature block kept with its date, and the letter's own core properties.

Each DOCX is opened in LibreOffice headless (one soffice call for all of them) and its rendering
compared with the PDF's: the same page count, the red line near the top of page 1, the page
numbers in the text. The conversion's fontconfig maps 仿宋 and 宋体 to Noto Serif CJK SC (the face
the PDF embeds), as a reader's system with those fonts would render them.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from pathlib import Path

import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH

from caseapp.letters import rendering, word

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftoppm") is None,
                                reason="LibreOffice and poppler are needed to render the DOCX")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BEIJING = timezone(timedelta(hours=8))
LONG = range(1, 13)  # letters one line longer each, moving the page break through every paragraph
FONTCONFIG = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>仿宋</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
</fontconfig>
"""


def _long_context(items: int) -> dict:
    context = rendering.context_from_sample("disclosed")
    context["f"] = {**context["f"], "provided": "\n".join(
        f"《示范市2026年第{n}批义务教育阶段学校招生入学工作实施细则》（示教发〔2026〕{n}号）" for n in range(1, items + 1))}
    return context


def _enclosed_context() -> dict:
    sample = rendering.load_sample("disclosed")
    return rendering.build_context(key="disclosed", agency=sample["agency"], case=sample["case"],
                                   fields=sample["fields"], number="示教信公〔2026〕12号", dated="2026-11-20",
                                   enclosures=[{"title": "招生计划表", "pages": 2}, {"title": "情况说明", "pages": 1}])


def _letters() -> dict[str, tuple[str, dict]]:
    """Every template's sample, the long variants of a disclosure and one with enclosures."""
    letters = {key: (key, rendering.context_from_sample(key)) for key in rendering.TEMPLATE_KEYS}
    letters.update({f"long-{n}": ("disclosed", _long_context(n)) for n in LONG})
    letters["enclosed"] = ("disclosed", _enclosed_context())
    return letters


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, dict]:
    """name -> html, docx, pdf (WeasyPrint) and lo_pdf (the DOCX through LibreOffice); a letter
    that fails to render fails its own tests only."""
    root = tmp_path_factory.mktemp("docx_layout")
    (root / "fonts.conf").write_text(FONTCONFIG, encoding="utf-8")
    out: dict[str, dict] = {}
    for name, (key, context) in _letters().items():
        try:
            html = rendering.render_html(key, context)
        except Exception as error:  # noqa: BLE001 - reported by the letter's tests
            out[name] = _Failed(error)
            continue
        docx = rendering.render_docx(html)
        (root / f"{name}.docx").write_bytes(docx)
        out[name] = {"html": html, "docx": docx, "pdf": rendering.render_pdf(html)}
    profile = root / f"lo-{uuid.uuid4().hex}"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(root / "pdf"), *sorted(str(p) for p in root.glob("*.docx"))],
                   check=True, capture_output=True, timeout=300,
                   env={"PATH": "/usr/bin:/bin", "HOME": str(root), "FONTCONFIG_FILE": str(root / "fonts.conf")})
    for name, item in out.items():
        if not isinstance(item, _Failed):
            pdf = root / "pdf" / f"{name}.pdf"
            item["lo_pdf"] = pdf.read_bytes()
            item["page1"] = root / "png" / f"{name}.png"
            item["page1"].parent.mkdir(exist_ok=True)
            subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "1", "-png", "-singlefile", str(pdf),
                            str(item["page1"].with_suffix(""))], check=True)
    return out


class _Failed(dict):
    """A letter that did not render: any look-up raises the rendering's error."""

    def __init__(self, error: Exception):
        super().__init__()
        self.error = error

    def __getitem__(self, key):
        raise self.error


def _page_count(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def _pages_text(pdf: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return text.split("\f")[:_page_count(pdf)]


def _words(pdf: bytes) -> list[dict]:
    """Every word pdftotext finds, with its page, box and the page's width."""
    html = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox", "-", "-"], input=pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    words = []
    for number, (width, body) in enumerate(re.findall(r'<page width="([\d.]+)"[^>]*>(.*?)</page>', html, re.S), 1):
        for x0, y0, x1, y1, text in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', body):
            words.append({"page": number, "x0": float(x0), "x1": float(x1), "y0": float(y0), "text": text,
                          "width": float(width)})
    return words


def _red_run_rows(png: Path) -> list[tuple[int, int]]:
    """(y, longest run of red pixels) of each row of a page image that has red in it."""
    import numpy as np
    from PIL import Image

    rgb = np.asarray(Image.open(png).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 90) & (rgb[..., 2] < 90)
    rows = []
    for y, row in enumerate(red):
        if row.any():
            # Longest run of True: split at the False pixels.
            runs = np.diff(np.flatnonzero(np.concatenate(([True], ~row, [True])))) - 1
            rows.append((y, int(runs.max())))
    return rows


@pytest.mark.parametrize("name", [*rendering.TEMPLATE_KEYS, *(f"long-{n}" for n in LONG), "enclosed"])
def test_docx_has_the_pdfs_page_count_red_line_and_page_numbers(converted, name):
    item = converted[name]
    pages = _page_count(item["lo_pdf"])
    assert pages == _page_count(item["pdf"]), f"{name}: LibreOffice {pages} pages, PDF {_page_count(item['pdf'])}"
    # The red line: one horizontal run of red at least 140 mm long (the text block is 156 mm wide,
    # 307 px at 50 dpi) in the top fifth of page 1, under the letterhead.
    rows = _red_run_rows(item["page1"])
    lines = [y for y, run in rows if run >= 140 / 25.4 * 50]
    assert lines and all(y < 585 / 4 for y in lines), rows
    # Page numbers `— n —` on every page, on the right of odd pages and the left of even ones.
    texts = _pages_text(item["lo_pdf"])
    words = _words(item["lo_pdf"])
    for number, text in enumerate(texts, start=1):
        assert re.search(rf"—\s*{number}\s*—", text), (number, text[-200:])
        digit = [w for w in words if w["page"] == number and w["text"].strip("— ") == str(number)
                 and w["y0"] > 700][-1]
        centre = (digit["x0"] + digit["x1"]) / 2
        assert centre > digit["width"] * 0.7 if number % 2 else centre < digit["width"] * 0.3, (number, digit)


@pytest.mark.parametrize("name", [f"long-{n}" for n in LONG])
def test_signature_stays_with_its_date_and_the_text_in_the_docx(converted, name):
    # LibreOffice spaces Latin from Chinese (it ignores w:autoSpaceDE/DN): compare without spaces.
    pages = [[re.sub(r"\s+", "", line) for line in page.splitlines() if line.strip()] for page in
             _pages_text(converted[name]["lo_pdf"])]
    page = next(i for i, lines in enumerate(pages) if "示范市教育局" in lines[1 if i == 0 else 0:])
    lines = pages[page][1:] if page == 0 else pages[page]
    signature = lines.index("示范市教育局")
    assert lines[signature + 1] == "2026年11月20日"  # the date on the same page
    assert lines[signature - 1] == "（印章）"
    # Text of the letter above the seal on that page, not the seal and signature alone.
    assert [line for line in lines[:signature - 1] if not re.fullmatch(r"—\d+—", line)]


def _document(docx: bytes):
    import docx as python_docx

    return python_docx.Document(io.BytesIO(docx))


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_core_properties_are_the_letters(converted, key):
    props = _document(converted[key]["docx"]).core_properties
    sample = rendering.load_sample(key)
    issued = date.fromisoformat(sample["letter"]["dated"])
    assert props.author == sample["agency"]["name"] == "示范市教育局"
    assert props.title == rendering.load_spec(key).title
    for stamp in (props.created, props.modified):
        assert stamp.astimezone(BEIJING) == datetime(issued.year, issued.month, issued.day, tzinfo=BEIJING)
    assert props.last_modified_by == "" and props.comments == "" and props.revision == 1
    assert props.language == "zh-CN"
    assert "python-docx" not in converted[key]["docx"].decode("latin-1")


def test_core_properties_follow_the_arguments_and_a_draft_has_no_date():
    html = rendering.render_html("receipt", rendering.context_from_sample("receipt"))
    props = _document(word.render_docx(html, issued_on=date(2026, 12, 1), agency_name="示范市人民政府")).core_properties
    assert props.author == "示范市人民政府" and props.created.astimezone(BEIJING).date() == date(2026, 12, 1)
    sample = rendering.load_sample("receipt")
    draft = rendering.build_context(key="receipt", agency=sample["agency"], case=sample["case"],
                                    fields=sample["fields"], number=None, dated=None)
    props = _document(rendering.render_docx(rendering.render_html("receipt", draft))).core_properties
    assert props.created is None and props.modified is None


@pytest.mark.parametrize("name", ["disclosed", "withheld.state_secret", "fee_notice", "enclosed"])
def test_closing_paragraphs_keep_together_with_the_signature_and_date(converted, name):
    doc = _document(converted[name]["docx"])
    styles = [b.style for b in word.html_blocks(converted[name]["html"])]
    paras = [p for p in doc.paragraphs if p.text.strip()]
    assert len(paras) == len(styles)
    by_style = dict(zip(styles, paras))
    for style in ("closing", "seal", "signature"):
        fmt = by_style[style].paragraph_format
        assert fmt.keep_with_next and fmt.keep_together, style
    assert by_style["date"].paragraph_format.keep_together
    assert bool(by_style["date"].paragraph_format.keep_with_next) == ("note" in styles)
    if "remedies" in styles:
        assert by_style["remedies"].paragraph_format.keep_with_next
    if name == "enclosed":
        assert styles.index("closing") < styles.index("enclosures") < styles.index("seal")
        assert by_style["enclosures"].paragraph_format.keep_with_next
    assert styles[-3:] == ["signature", "date", "note"] or styles[-2:] == ["signature", "date"]


@pytest.mark.parametrize("key", ["disclosed", "receipt"])
def test_every_run_names_its_fonts_and_the_fallbacks(converted, key):
    doc = _document(converted[key]["docx"])
    section = doc.sections[0]
    parts = [doc.element.body, section.footer._element, section.even_page_footer._element]
    for part in parts:
        for run in part.iter(f"{W}r"):
            fonts = run.find(f"{W}rPr/{W}rFonts")
            assert fonts is not None, run.xml
            assert {fonts.get(f"{W}{a}") for a in ("ascii", "hAnsi", "eastAsia", "cs")} <= {
                "仿宋", "宋体", "Times New Roman"}
            assert fonts.get(f"{W}eastAsia") in ("仿宋", "宋体") and fonts.get(f"{W}hint") == "eastAsia"
    body_fonts = {run.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for p in doc.paragraphs
                  for run in p._p.iter(f"{W}r")}
    assert body_fonts == {"仿宋", "宋体"}
    # No theme font anywhere: a theme reference wins over the name and depends on the reader's Office.
    styles_xml = doc.styles.element.xml
    assert "Theme=" not in styles_xml.split("</w:docDefaults>")[0] and 'w:cstheme' not in styles_xml.split(
        "</w:docDefaults>")[0]
    defaults = doc.styles.element.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert defaults.find(f"{W}rFonts").get(f"{W}eastAsia") == "仿宋"
    assert defaults.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    # The font table names the English alternates and the GB2312 charset for substitution.
    font_table = next(p for p in doc.part.package.iter_parts() if p.partname == "/word/fontTable.xml").blob.decode()
    assert re.search(r'w:name="仿宋">\s*<w:altName w:val="FangSong"/>', font_table)
    assert re.search(r'w:name="宋体">\s*<w:altName w:val="SimSun"/>', font_table)
    # Odd and even pages have their own footers (the numbers in the outer corners).
    assert doc.settings.odd_and_even_pages_header_footer
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert "PAGE" in section.footer._element.xml and "PAGE" in section.even_page_footer._element.xml


def test_red_line_is_the_letterheads_bottom_border(converted):
    doc = _document(converted["disclosed"]["docx"])
    head = doc.paragraphs[0]
    assert head.text == "示范市教育局"
    bottom = head._p.find(f"{W}pPr/{W}pBdr/{W}bottom")
    assert bottom.get(f"{W}val") == "single" and bottom.get(f"{W}color") == word.RED
    assert 6 <= int(bottom.get(f"{W}sz")) <= 12  # 0.75-1.5 pt
