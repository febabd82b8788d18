"""`make bench` (python -m bench.bench_public_stats): the open statistics page on 100,000 cases of one year.

Builds a fresh SQLite database in a temporary folder (migrated with `flask db upgrade`), bulk-loads
100,000 cases received in 2025 over four agencies (bench.bench_stats.bulk_cases: most closed with
closure records, every outcome, a few reopened), and requests /public/statistics?year=2025 through
the test client, for the platform and for one agency, and prints p50 and p95 (target: p95 < 200 ms):
- "computed": the figures' cache is emptied before every request (the first request of a day);
- "as served": the figures are cached for the day, as every later request of the day finds them;
- one table as CSV, as served.

Options: --cases N (default 100000), --runs N (default 40 computed, 10x that as served), --keep.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench._sqlite import sqlite_app

TARGET_MS = 200.0


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def _timed(client, url: str, runs: int, before=None) -> list[float]:
    out = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        resp = client.get(url)
        out.append((time.perf_counter() - started) * 1000)
        assert resp.status_code == 200, (url, resp.status_code)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_public_stats", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-public-stats-"))
    try:
        from bench.bench_stats import bulk_cases
        app = sqlite_app(folder, "public_stats", RATELIMIT_ENABLED=False)
        with app.app_context():
            from caseapp.accounts.operations import create_agency
            from caseapp.calendar.service import seed_calendar
            from caseapp.extensions import db
            from caseapp.stats.public_stats import clear_cache

            seed_calendar()
            agencies = [create_agency(f"BA{i}", f"示范市第{i}局") for i in range(1, 5)]
            db.session.commit()
            started = time.perf_counter()
            n = bulk_cases([a.id for a in agencies], args.cases, 2025)
            db.session.commit()
            code = agencies[0].code
            db.session.remove()
        print(f"loaded {n:,} cases ({args.cases:,} received in 2025) in {time.perf_counter() - started:.1f} s")

        client = app.test_client()
        scenarios = (
            ("page, all agencies, computed", "/public/statistics?year=2025", args.runs, clear_cache),
            (f"page, agency {code}, computed", f"/public/statistics?year=2025&agency={code}", args.runs, clear_cache),
            ("page, all agencies, as served", "/public/statistics?year=2025", args.runs * 10, None),
            (f"page, agency {code}, as served", f"/public/statistics?year=2025&agency={code}", args.runs * 10, None),
            ("CSV of outcomes, all agencies, as served", "/public/statistics?year=2025&format=csv&table=outcomes",
             args.runs * 10, None),
        )
        print(f"\n{'scenario':<44} {'runs':>5} {'p50 ms':>8} {'p95 ms':>8}  target p95 < {TARGET_MS:.0f} ms")
        worst = 0.0
        for name, url, runs, before in scenarios:
            client.get(url)  # warm the process (templates, calendar)
            times = _timed(client, url, runs, before)
            p95 = _percentile(times, 95)
            worst = max(worst, p95)
            print(f"{name:<44} {runs:>5} {_percentile(times, 50):>8.1f} {p95:>8.1f}")
        print(f"\nworst p95: {worst:.1f} ms ({'within' if worst < TARGET_MS else 'OVER'} the {TARGET_MS:.0f} ms target)")
        return 0  # a benchmark reports its figures; make bench goes on to the next one
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
