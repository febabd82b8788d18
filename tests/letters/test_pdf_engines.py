"""Every PDF the app makes looks the same in poppler, MuPDF and Ghostscript (issue 22, item 1).

Each kind is rendered at 100 dpi by `pdftoppm` (poppler), `mutool draw` (MuPDF) and `gs` (with
anti-aliasing, as print servers run it), and the ink (pixel darkness summed) of MuPDF's and
Ghostscript's pages is compared with poppler's. A font the engines read differently shows as
25-90% less ink (blank or boxed Chinese); anti-aliasing alone stays within 2%. Pages with tables
and small type are compared with their straight rules left out (long runs of dark pixels), since
engines draw hairline borders differently even when the fonts are right; they may differ by 5%.
Letters' red (the letterhead, and the seal placeholder's dashed circle, which the engines stroke
with weights 35% apart) is left out: their black text must agree within 2%. Page 1 carries every
font and the layout of each kind; one long letter is checked on every page.
`pdffonts` must show every font embedded, and letters are PDF/A-2b with their metadata.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from pypdf import PdfReader

from caseapp.letters import rendering
from tests.letters.conftest import pdf_fonts

DPI = 100
LETTER_LIMIT = 0.02  # letters: plain text, ink within 2% of poppler's
TABLE_LIMIT = 0.05  # tables and small type, rules left out
RULE_PIXELS = 40  # a run this long (1 cm at 100 dpi) is a rule, never a stroke of a glyph
ENGINES = ("poppler", "mutool", "gs")


def _command(engine: str, pdf: Path, page: int, out: Path) -> list[str]:
    if engine == "poppler":
        return ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", "-singlefile",
                str(pdf), str(out.with_suffix(""))]
    if engine == "mutool":
        return ["mutool", "draw", "-q", "-r", str(DPI), "-o", str(out), str(pdf), str(page)]
    return ["gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=png16m", "-dTextAlphaBits=4",
            "-dGraphicsAlphaBits=4", f"-r{DPI}", f"-dFirstPage={page}", f"-dLastPage={page}", "-o", str(out), str(pdf)]


def rasterize(pdf: bytes, page: int, folder: Path) -> dict[str, np.ndarray]:
    """Page `page` (1-based) in each engine, as RGB in 0..1 (rows x columns x 3)."""
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / "doc.pdf"
    source.write_bytes(pdf)

    def one(engine):
        out = folder / f"{engine}-{page}.png"
        subprocess.run(_command(engine, source, page, out), check=True, capture_output=True)
        return engine, np.asarray(Image.open(out).convert("RGB"), dtype=np.float64) / 255.0

    with ThreadPoolExecutor(len(ENGINES)) as pool:
        return dict(pool.map(one, ENGINES))


def _long_runs(mask: np.ndarray) -> np.ndarray:
    """The pixels of horizontal runs of at least RULE_PIXELS set pixels."""
    h, w = mask.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = mask
    flat = padded.ravel()
    edges = np.diff(flat)
    starts, ends = np.flatnonzero(edges == 1) + 1, np.flatnonzero(edges == -1) + 1
    long = ends - starts >= RULE_PIXELS
    marks = np.zeros(flat.size + 1, dtype=np.int32)
    np.add.at(marks, starts[long], 1)
    np.add.at(marks, ends[long], -1)
    return np.cumsum(marks)[:-1].astype(bool).reshape(h, w + 2)[:, 1:-1]


def without_rules(dark: np.ndarray) -> np.ndarray:
    """The page with its straight rules (and the anti-aliased pixel either side of them) blanked."""
    mask = dark > 0.15
    horizontal, vertical = _long_runs(mask), _long_runs(mask.T).T
    horizontal = horizontal | np.roll(horizontal, 1, 0) | np.roll(horizontal, -1, 0)
    vertical = vertical | np.roll(vertical, 1, 1) | np.roll(vertical, -1, 1)
    return np.where(horizontal | vertical, 0.0, dark)


def ink(rgb: np.ndarray, *, keep_rules: bool, keep_red: bool) -> float:
    """The page's darkness summed (0 white .. 1 black per pixel), rules and red left out if asked."""
    dark = 1.0 - rgb.mean(axis=2)
    if not keep_red:
        dark = np.where(rgb[..., 0] - np.maximum(rgb[..., 1], rgb[..., 2]) > 0.2, 0.0, dark)
    return float((dark if keep_rules else without_rules(dark)).sum())


def ink_differences(pdf: bytes, page: int, folder: Path, *, keep_rules: bool = True,
                    keep_red: bool = True) -> dict[str, float]:
    """MuPDF's and Ghostscript's ink relative to poppler's on one page (e.g. {"mutool": 0.003, ...})."""
    amounts = {engine: ink(rgb, keep_rules=keep_rules, keep_red=keep_red)
               for engine, rgb in rasterize(pdf, page, folder).items()}
    assert amounts["poppler"] > 0, "poppler drew a blank page"
    return {engine: amounts[engine] / amounts["poppler"] - 1 for engine in ("mutool", "gs")}


def check(diffs: dict[str, float], limit: float, what: str) -> None:
    """Fail when MuPDF's or Ghostscript's ink differs from poppler's by more than `limit`."""
    print(f"{what}: " + ", ".join(f"{e} {d:+.2%}" for e, d in diffs.items()))
    assert all(abs(d) <= limit for d in diffs.values()), (
        f"{what} differs from poppler's ink: " + ", ".join(f"{e} {d:+.1%}" for e, d in diffs.items()))


def assert_fonts_embedded(pdf: bytes) -> None:
    """pdffonts lists fonts, every one embedded."""
    fonts = pdf_fonts(pdf)
    assert fonts, "no fonts in the PDF"
    assert all(f["emb"] == "yes" for f in fonts), "\n".join(f["line"] for f in fonts)


def page_count(pdf: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdfinfo(pdf: bytes) -> dict[str, str]:
    """pdfinfo's fields (Title, Author, CreationDate in ISO 8601, ...) and the XMP metadata as "_meta"."""
    def run(*args):
        return subprocess.run(["pdfinfo", *args, "-"], input=pdf, capture_output=True, check=True).stdout.decode()

    fields = dict(re.findall(r"^(\w[\w ]*?):\s+(.*)$", run("-isodates"), re.M))
    fields["_meta"] = run("-meta")
    return fields


# --- letters --------------------------------------------------------------------------------------

LONG_LETTER = "partially_disclosed"  # two pages: the last has the signature, seal area, date and page number


@pytest.fixture(scope="module")
def letters(tmp_path_factory) -> dict[str, tuple[bytes, dict[int, dict[str, float]]]]:
    """Every template's sample as a PDF, with the engines' ink differences on page 1 (every page of
    the long letter), rasterized side by side to keep the file fast."""
    folder = tmp_path_factory.mktemp("letters")
    pdfs = {key: rendering.render_pdf(rendering.render_html(key, rendering.context_from_sample(key)))
            for key in rendering.TEMPLATE_KEYS}
    jobs = [(key, page) for key in pdfs for page in (range(1, page_count(pdfs[key]) + 1) if key == LONG_LETTER else [1])]

    def measure(job):
        key, page = job
        # Red is the letterhead and the seal placeholder's dashed circle, which Ghostscript strokes a
        # third heavier and MuPDF a tenth lighter (as with hairline rules); the text is black.
        return job, ink_differences(pdfs[key], page, folder / f"{key}-{page}", keep_red=False)

    with ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as pool:
        measured = dict(pool.map(measure, jobs))
    return {key: (pdf, {page: d for (k, page), d in measured.items() if k == key}) for key, pdf in pdfs.items()}


@pytest.mark.parametrize("key", rendering.TEMPLATE_KEYS)
def test_letter_renders_the_same_in_every_engine(key, letters):
    pdf, pages = letters[key]
    assert_fonts_embedded(pdf)
    for page, diffs in pages.items():
        check(diffs, LETTER_LIMIT, f"{key} page {page}")


def test_every_page_of_a_long_letter_is_checked(letters):
    _pdf, pages = letters[LONG_LETTER]
    assert len(pages) >= 2


def test_letters_are_pdfa_2b_with_title_author_and_date():
    key = "disclosed"
    context = rendering.context_from_sample(key)
    pdf = rendering.render_pdf(rendering.render_html(key, context))
    info = pdfinfo(pdf)
    assert info["Title"] == context["letter"]["title"] == rendering.load_spec(key).title
    assert info["Author"] == context["agency"]["name"]
    assert info["CreationDate"].startswith(context["letter"]["dated"].isoformat() + "T00:00:00+08")  # Beijing
    assert info["PDF version"] == "1.7"
    assert 'pdfaid:part="2"' in info["_meta"] and 'pdfaid:conformance="B"' in info["_meta"]
    [intent] = PdfReader(io.BytesIO(pdf)).trailer["/Root"]["/OutputIntents"]  # PDF/A's colour profile
    assert intent.get_object()["/S"] == "/GTS_PDFA1" and "/DestOutputProfile" in intent.get_object()


def test_a_draft_without_a_date_still_has_a_creation_date():
    key = "disclosed"
    context = rendering.context_from_sample(key)
    context["letter"]["dated"] = None
    info = pdfinfo(rendering.render_pdf(rendering.render_html(key, context)))
    assert info["CreationDate"].startswith("2026-11-10")  # the frozen today (Beijing)


# --- the receipt, the annual report and the supervision order ------------------------------------

def test_receipt_renders_the_same_in_every_engine(app, make_case, tmp_path):
    from caseapp.intake.receipt import render_receipt_pdf

    case = make_case("submitted", description="申请公开本市2025年义务教育阶段学校招生计划及各校录取分数线。" * 3)
    with app.test_request_context():
        pdf = render_receipt_pdf(case, case.query_code)
    assert_fonts_embedded(pdf)
    assert page_count(pdf) == 1
    check(ink_differences(pdf, 1, tmp_path, keep_rules=False), TABLE_LIMIT, "receipt page 1")


def test_annual_report_renders_the_same_in_every_engine(app, make_agency, make_case, tmp_path):
    from caseapp.stats import exports
    from caseapp.stats.access import render_report_html
    from caseapp.stats.report import annual_report

    agency = make_agency("SFJY", "示范市教育局")
    make_case("closed", agency=agency)
    make_case("in_progress", agency=agency)
    with app.test_request_context():
        pdf = exports.generate_report_pdf(render_report_html(annual_report(2026, agency)))
    assert_fonts_embedded(pdf)
    # Table 3 on page 1, Table 4 on page 2: both are tables of small type.
    assert page_count(pdf) == 2
    for page in (1, 2):
        check(ink_differences(pdf, page, tmp_path, keep_rules=False), TABLE_LIMIT, f"annual report page {page}")


def test_supervision_order_renders_the_same_in_every_engine(db, make_case, make_user, login, client, tmp_path):
    from caseapp.jobs.supervision import SupervisionOrder

    case = make_case("in_progress", received_on=date(2026, 10, 9))
    db.session.add(SupervisionOrder(case_id=case.id, agency_id=case.agency_id, opened_on=date(2026, 11, 9),
                                    due_on=date(2026, 11, 6), handler_id=case.clerk.id))
    db.session.commit()
    login(make_user("supervisor", agency=case.agency))
    resp = client.get(f"/office/cases/{case.tracking_number}/supervision-order.pdf")
    assert resp.status_code == 200
    pdf = resp.data
    assert_fonts_embedded(pdf)
    assert page_count(pdf) == 1
    check(ink_differences(pdf, 1, tmp_path, keep_rules=False), TABLE_LIMIT, "supervision order page 1")


def test_dossier_renders_the_same_in_every_engine(app, make_case, tmp_path):
    from caseapp.dossier.build import build_dossier

    case = make_case("closed")
    out = tmp_path / "dossier.pdf"
    with app.test_request_context():
        build_dossier(case, out, compiled_by="档案员")
    pdf = out.read_bytes()
    assert_fonts_embedded(pdf)
    # The cover, then the contents (卷内目录, a table of small type), then the documents.
    assert page_count(pdf) >= 3
    for page in (1, 2, 3):
        check(ink_differences(pdf, page, tmp_path, keep_rules=False), TABLE_LIMIT, f"dossier page {page}")
