"""The case export streams 100,000 rows in constant memory (measured, and printed)."""
from __future__ import annotations

import csv
import io
import time
import tracemalloc

import pytest

from bench.bench_stats import bulk_cases


def rss_mb() -> float:
    """The process's resident set size now (Linux)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
def test_streamed_csv_export_of_100000_cases_stays_small(db, make_agency, make_user, office):
    agency = make_agency()
    n = bulk_cases([agency.id], 100_000, 2025, prefix="M") - 10_000  # plus 10,000 from December 2024
    db.session.commit()
    auditor = make_user("auditor", agency=agency)
    client = office(auditor)

    rss_before = rss_mb()
    rss_peak = rss_before
    tracemalloc.start()
    started = time.perf_counter()
    resp = client.get("/office/stats/cases.csv?tab=all", buffered=False)
    assert resp.status_code == 200 and resp.is_streamed
    first = b""
    size = lines = 0
    for chunk in resp.response:
        if not first:
            first = chunk[:3]
        size += len(chunk)
        lines += chunk.count(b"\n")
        if lines % 5000 < 2:
            rss_peak = max(rss_peak, rss_mb())
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    resp.close()
    rss_growth = max(rss_peak, rss_mb()) - rss_before
    print(f"\ncase export: {lines - 1:,} rows, {size / 2**20:.1f} MB of CSV in {elapsed:.1f} s; "
          f"peak Python allocations while streaming {peak / 2**20:.1f} MB; process RSS grew at most {rss_growth:.1f} MB")
    assert first == "\ufeff".encode()
    assert lines - 1 == n + 10_000
    # The export is 20+ MB; streaming must hold far less than that at any time.
    assert peak < 30 * 2**20
    assert rss_growth < 60


def test_write_only_xlsx_streams_its_rows(db):
    """The XLSX helper streams from a temporary file and keeps no rows itself."""
    from openpyxl import load_workbook

    from caseapp.stats.exports import xlsx_stream

    rows = ([i, f"=cmd{i}", "中文"] for i in range(2000))
    data = b"".join(xlsx_stream("sheet", ["n", "formula", "text"], rows))
    ws = load_workbook(io.BytesIO(data)).active
    values = list(ws.iter_rows(values_only=True))
    assert values[0] == ("n", "formula", "text") and len(values) == 2001
    assert values[5] == (4, "'=cmd4", "中文")


def test_csv_lines_neutralise_formulas():
    from caseapp.stats.exports import csv_lines

    body = b"".join(csv_lines(["a", "b"], [["=1+2", "+SUM(A1)"], ["-3", "@x"], ["\tx", "ok"], [5, None]]))
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1:] == [["'=1+2", "'+SUM(A1)"], ["'-3", "'@x"], ["'\tx", "ok"], ["5", ""]]
