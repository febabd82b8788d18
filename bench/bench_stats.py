"""`make bench` (python -m bench.bench_stats): the annual report and the exports on 100,000 cases of one year.

Builds a fresh SQLite database in a temporary folder (migrated with `flask db upgrade`), bulk-loads
100,000 cases received in 2025 (plus 10,000 received late in 2024), closes most of them through
closure records with every outcome, reopens a few, and then prints:
- the annual report for 2025 (Table 3 and Table 4, counted in SQL), all agencies and one agency:
  median and worst of several runs (target DESIGN §6: under 1 s); and the report with its
  self-check (caseapp.stats.selfcheck; target issue 27: under 2 s);
- the XLSX, DOCX and PDF renderings of the report;
- the dashboard for the year;
- the streamed case export of all 110,000 cases as CSV and XLSX: time, growth of the process's
  resident memory, and (one traced CSV run) the peak of Python allocations while streaming
  (target: constant memory, a few tens of MB).

Options: --cases N (default 100000), --runs N (default 5), --keep (keep the temporary folder).
"""
from __future__ import annotations

import argparse
import random
import shutil
import statistics
import tempfile
import time
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bench._sqlite import sqlite_app

TARGET_S = 1.0
TYPES = ("natural_person", "commercial_enterprise", "research_institution", "social_welfare_org",
         "legal_service_org", "other_org")
TYPE_WEIGHTS = (70, 12, 4, 4, 5, 5)


def bulk_cases(agency_ids: list[int], n: int, year: int, seed: int = 12, prefix: str = "B") -> int:
    """Insert n cases received in `year` (and n // 10 received in December of the year before), most of
    them closed with a closure record, a few reopened; returns the number of cases inserted.

    Plain bulk INSERTs (no operations, no audit events): a load for benchmarks and memory tests.
    """
    import sqlalchemy as sa

    from caseapp.cases.closures import CaseClosure
    from caseapp.cases.models import Case
    from caseapp.cases.outcomes import CODES
    from caseapp.extensions import db

    rng = random.Random(seed)
    now = datetime.now(UTC)
    start = date(year, 1, 1)
    rows, closures = [], []
    total = n + n // 10
    for i in range(total):
        received = start + timedelta(days=rng.randrange(365)) if i < n else date(year - 1, 12, rng.randrange(1, 32))
        atype = rng.choices(TYPES, weights=TYPE_WEIGHTS)[0]
        roll = rng.random()
        closed_on = received + timedelta(days=rng.randrange(3, 40))
        if roll < 0.85 and closed_on <= date(year, 12, 31):
            status, outcome = "closed", rng.choice(CODES)
        elif roll < 0.88:
            status, outcome, closed_on = "withdrawn", "other.other", received + timedelta(days=2)
        else:
            status, outcome, closed_on = "in_progress", None, None
        person = atype == "natural_person"
        rows.append({
            "agency_id": agency_ids[i % len(agency_ids)], "tracking_number": f"{prefix}-{year}-{i:07d}",
            "query_code_hash": "x", "applicant_type": atype, "applicant_name": f"申请人{i}",
            "id_type": "resident_id" if person else "uscc",
            "id_number": f"110105{1950 + i % 50}0101{i % 1000:03d}X" if person else None,
            "org_code": None if person else "913100004JURQ283FD", "applicant_key": f"k{i}",
            "description": f"申请公开示范市{year}年第{i}号文件。", "form": "electronic", "delivery": "online", "channel": "online",
            "needs_assistance": False, "status": status, "outcome": outcome, "submitted_at": now, "received_on": received,
            "closed_on": closed_on, "clock_started_on": received, "extension_days": 0,
            "due_on": received + timedelta(days=28), "due_provisional": False, "correction_count": 0,
            "created_at": now, "updated_at": now, "version": 1,
        })
    for chunk in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Case), rows[chunk:chunk + 5000])
    ids = dict(db.session.execute(sa.select(Case.tracking_number, Case.id)
                                  .where(Case.tracking_number.like(f"{prefix}-{year}-%"))).all())
    for row in rows:
        if row["closed_on"] is None:
            continue
        closures.append({"case_id": ids[row["tracking_number"]], "agency_id": row["agency_id"],
                             "applicant_type": row["applicant_type"],
                             "kind": "withdrawal" if row["status"] == "withdrawn" else "reply", "outcome": row["outcome"],
                             "closed_on": row["closed_on"], "year": row["closed_on"].year, "started_on": row["received_on"],
                             "due_on": row["due_on"], "created_at": now})
        if rng.random() < 0.01:  # closed, then reopened and closed again a month later
            first = closures[-1]
            again = first["closed_on"] + timedelta(days=30)
            if again.year == year:
                first["reopened_on"] = first["closed_on"] + timedelta(days=10)
                closures.append({**first, "reopened_on": None, "closed_on": again, "year": again.year,
                                 "outcome": "disclosed"})
    for chunk in range(0, len(closures), 5000):
        db.session.execute(sa.insert(CaseClosure), [{"reopened_on": None, **c} for c in closures[chunk:chunk + 5000]])
    db.session.execute(sa.text("ANALYZE"))
    return total


def _timed(fn, runs: int) -> tuple[list[float], object]:
    out, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - started)
    return out, result


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _stream(gen, trace: bool) -> tuple[float, int, float, float]:
    """Consume a byte stream; returns (seconds, bytes, peak MB of Python allocations while streaming
    (tracemalloc, only when traced: it slows the run several times), growth of the process RSS in MB)."""
    if trace:
        tracemalloc.start()
    before = peak_rss = _rss_mb()
    started = time.perf_counter()
    size = 0
    for i, chunk in enumerate(gen):
        size += len(chunk)
        if i % 2000 == 0:
            peak_rss = max(peak_rss, _rss_mb())
    elapsed = time.perf_counter() - started
    peak = 0.0
    if trace:
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, size, peak / 2**20, max(peak_rss, _rss_mb()) - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_stats", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-stats-"))
    try:
        app = sqlite_app(folder, "stats")
        # A request context for the renderings, on a path no view serves: the set-up writes directly,
        # as the CLI and the demo do (the one door guards the views' requests only).
        with app.app_context(), app.test_request_context("/bench"):
            from caseapp.accounts.operations import create_agency, create_user
            from caseapp.calendar.service import seed_calendar
            from caseapp.cases.inbox import InboxFilters
            from caseapp.extensions import db
            from caseapp.stats import caseexport, exports
            from caseapp.stats.access import render_report_html
            from caseapp.stats.dashboard import Period, dashboard
            from caseapp.stats.report import annual_report

            seed_calendar()
            agencies = [create_agency(f"BA{i}", f"示范市第{i}局") for i in range(1, 5)]
            auditor = create_user("bench_auditor", "bench-pass-123", "auditor", agency=None)
            db.session.commit()
            started = time.perf_counter()
            n = bulk_cases([a.id for a in agencies], args.cases, 2025)
            db.session.commit()
            print(f"loaded {n:,} cases ({args.cases:,} received in 2025) in {time.perf_counter() - started:.1f} s")

            runs_all, report = _timed(lambda: annual_report(2025, None), args.runs)
            runs_one, _r = _timed(lambda: annual_report(2025, agencies[0]), args.runs)
            print(f"\n{'scenario':<46} {'median s':>9} {'worst s':>8}  target < {TARGET_S} s")
            worst = 0.0
            for name, runs in (("annual report 2025, all agencies", runs_all),
                               ("annual report 2025, one agency", runs_one)):
                print(f"{name:<46} {statistics.median(runs):>9.3f} {max(runs):>8.3f}")
                worst = max(worst, max(runs))
            from caseapp.stats.selfcheck import has_errors, self_check

            today = date(2026, 1, 20)
            runs_check, found = _timed(lambda: self_check(2025, None, today), args.runs)
            runs_check_one, _f = _timed(lambda: self_check(2025, agencies[0], today), args.runs)
            for name, runs in (("report + self-check 2025, all agencies", runs_check),
                               ("report + self-check 2025, one agency", runs_check_one)):
                print(f"{name:<46} {statistics.median(runs):>9.3f} {max(runs):>8.3f}  target < 2 s (issue 27)")
            print(f"  (self-check: {len(found)} findings, errors: {has_errors(found)})")
            print(f"  (received {report.table3['received']['total']:,}, carried in "
                  f"{report.table3['carried_in']['total']:,}, handled {report.table3['handled']['total']:,}, "
                  f"carried out {report.table3['carried_out']['total']:,}; balanced: {report.balanced})")
            for name, fn in (("report as XLSX", lambda: exports.generate_report_xlsx(report)),
                             ("report as DOCX", lambda: exports.generate_report_docx(report)),
                             ("report as PDF (CJK font)", lambda: exports.generate_report_pdf(render_report_html(report)))):
                runs, _b = _timed(fn, 3)
                print(f"{name:<46} {statistics.median(runs):>9.3f} {max(runs):>8.3f}")
            runs, _d = _timed(lambda: dashboard(Period(date(2025, 1, 1), date(2025, 12, 31), None), date(2026, 1, 5)), 3)
            print(f"{'dashboard, year 2025, all agencies':<46} {statistics.median(runs):>9.3f} {max(runs):>8.3f}")

            from caseapp.calendar.service import load_calendar

            query = caseexport.export_query(auditor, InboxFilters(tab="all"), date(2026, 1, 5), 5, load_calendar())
            print(f"\n{'case export (all cases)':<46} {'s':>9} {'MB out':>8} {'peak MB':>8} {'RSS +MB':>8}")
            labels = caseexport.export_labels()
            for name, gen, trace in (("CSV", caseexport.generate_cases_csv(query, labels), False),
                                     ("CSV, Python allocations traced", caseexport.generate_cases_csv(query, labels), True),
                                     ("XLSX (openpyxl write-only)", caseexport.generate_cases_xlsx(query, labels), False)):
                secs, size, peak, rss = _stream(gen, trace)
                print(f"{name:<46} {secs:>9.1f} {size / 2**20:>8.1f} {peak if trace else float('nan'):>8.1f} {rss:>8.1f}")
        print(f"\nannual report worst: {worst:.3f} s ({'OK' if worst < TARGET_S else 'OVER'} the {TARGET_S} s target)")
        return 0 if worst < TARGET_S else 1
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
