"""The annual report's DOCX tables (issue 22 item 6): the header rows repeat on every page a table
runs onto and no row splits across pages (read back from the XML), and LibreOffice shows Table 3's
header again on the page it continues on."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import uuid

import pytest

from caseapp.stats import exports, layout
from caseapp.stats.report import COLUMNS, TABLE4_COLUMNS, AnnualReport

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _report() -> AnnualReport:
    table3 = {key: {c: n for n, c in enumerate(COLUMNS)} for key, _label, _section in layout.table3_row_keys()}
    table4 = {kind: {r: 1 for r in TABLE4_COLUMNS} for kind in exports.REVIEW_KINDS}
    return AnnualReport(2025, None, table3, table4)


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return exports.generate_report_docx(_report())


def test_header_rows_repeat_and_no_row_splits(docx_bytes):
    from docx import Document

    doc = Document(io.BytesIO(docx_bytes))
    grids = [layout.table3_grid(_report()), layout.table4_grid(_report())]
    assert len(doc.tables) == len(grids)
    for table, grid in zip(doc.tables, grids):
        rows = table._tbl.findall(f"{W}tr")
        assert len(rows) == grid.rows
        for index, row in enumerate(rows):
            props = row.find(f"{W}trPr")
            assert props is not None and props.find(f"{W}cantSplit") is not None, index
            assert (props.find(f"{W}tblHeader") is not None) == (index < grid.header_rows), index


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice renders the DOCX")
def test_table3_shows_its_header_on_the_page_it_continues_on(docx_bytes, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(docx_bytes)
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo-{uuid.uuid4().hex}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
                   check=True, capture_output=True, timeout=180, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(tmp_path / "report.pdf"), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
    first, second = pages[0], pages[1]
    # Table 3 runs from page 1 onto page 2 (it does at 8 pt on A4 landscape) ...
    assert layout.TABLE3_TITLE in first and layout.ROW_LABELS["received"] in first
    assert layout.ROW_LABELS["carried_out"] in second and layout.TABLE3_TITLE not in second
    # ... and page 2 starts with its three header rows again.
    header = ["申请人情况", layout.COLUMN_LABELS["natural_person"], "法人或其他组织",
              layout.COLUMN_LABELS["commercial_enterprise"], layout.COLUMN_LABELS["total"]]
    assert all(label in second for label in header), second[:300]
    assert second.index("申请人情况") < second.index(layout.ROW_LABELS["carried_out"])
