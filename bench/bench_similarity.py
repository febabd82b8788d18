"""Benchmark of the similarity: precision and recall on the labelled set, and the p95 of
GET /api/v1/cases/{tracking_number}/similar with N requests in one agency (target < 100 ms).

Builds a fresh SQLite database in a temporary folder, inserts N requests to one agency phrased
like the labelled set (the same items in other years, with other document numbers and periods,
in the applicants' different wordings), indexes them with caseapp.disclosure.index.bulk_index,
then times the API through the Flask test client with a supervisor's bearer token.

Run: python -m bench.bench_similarity [--cases N] [--runs N] [--keep]
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank)."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def labelled_figures() -> None:
    """Print precision and recall at the threshold, and the best a character-bigram baseline reaches."""
    from caseapp.disclosure import similarity
    from tests.disclosure.labelled import baseline_pairs, best_precision, evaluate, load_requests, scored_pairs

    rows = load_requests()
    started = time.perf_counter()
    result = evaluate(scored_pairs(rows), similarity.THRESHOLD)
    took = time.perf_counter() - started
    print(f"labelled set: {len(rows)} requests, {len({r['item'] for r in rows})} items, "
          f"{len({r['agency'] for r in rows})} agencies; {result.pairs} same-agency pairs, {result.positives} same-item")
    print(f"similarity  threshold {similarity.THRESHOLD:.2f}: precision {result.precision:.3f} "
          f"recall {result.recall:.3f} (tp {result.true_positives}, fp {result.false_positives}; {took:.1f} s)")
    base = baseline_pairs(rows)
    print(f"baseline (TF-IDF cosine over character bigrams): best precision {best_precision(base):.3f} at any "
          f"threshold, {best_precision(base, 0.70):.3f} with recall >= 0.70")


def texts(n: int, agency_name: str, seed: int = 7):
    """N request texts for one agency: the labelled items varied in year, number and period."""
    from tests.disclosure.data.build_requests import ITEMS, SINGLETONS, phrase

    rng = random.Random(seed)
    items = [dict(item) for _, (_, group) in ITEMS.items() for item in group]
    singles = [t for group in SINGLETONS.values() for t in group]
    for _ in range(n):
        if rng.random() < 0.1:
            yield rng.choice(singles).replace("2025", str(rng.randint(2016, 2026)))
            continue
        item = dict(rng.choice(items))
        year = rng.randint(2016, 2026)
        item["title"] = item["title"].replace(str(item["year"]), str(year))
        item["year"] = year
        if item.get("docno"):
            item["docno"] = (item["docno"][0], year, rng.randint(1, 400))
        if item.get("quarter"):
            item["quarter"] = rng.randint(1, 4)
        if item.get("month"):
            item["month"] = rng.randint(1, 12)
        yield phrase(agency_name, item, rng)


def build(folder: Path, n_cases: int):
    """The app on a new database with n_cases indexed requests in one agency; returns (app, token, numbers)."""
    os.environ["CASEAPP_INSTANCE_DIR"] = str(folder)
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from caseapp import create_app
    from caseapp.accounts.operations import create_agency, create_token, create_user
    from caseapp.calendar.service import seed_calendar
    from caseapp.cases.models import Case
    from caseapp.disclosure.index import bulk_index
    from caseapp.extensions import db
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder}/bench.sqlite3"
        DATA_DIR = str(folder / "data")

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        seed_calendar()
        agency = create_agency("SFJY", "示范市教育局")
        user = create_user("bench_supervisor", "bench-pass-2026", "supervisor", agency=agency)
        token = create_token(user, label="bench")
        db.session.commit()
        started = time.perf_counter()
        rows, numbers = [], []
        day0 = date(2016, 1, 4)
        for i, text in enumerate(texts(n_cases, agency.name), 1):
            number = f"SFJY-B-{i:07d}"
            received = day0 + timedelta(days=i * 3650 // max(n_cases, 1))
            rows.append({"agency_id": agency.id, "tracking_number": number, "query_code_hash": "x",
                         "applicant_type": "natural_person", "applicant_name": f"申请人{i}",
                         "applicant_key": f"bench:{i % 40000}", "description": text, "form": "electronic",
                         "delivery": "email", "channel": "online", "status": "in_progress",
                         "received_on": received, "accepted_on": received, "clock_started_on": received,
                         "due_on": received + timedelta(days=28)})
            numbers.append(number)
            if len(rows) >= 5000:
                db.session.execute(sa.insert(Case), rows)
                rows = []
        if rows:
            db.session.execute(sa.insert(Case), rows)
        db.session.commit()
        inserted = time.perf_counter() - started
        started = time.perf_counter()
        ids = db.session.execute(sa.select(Case.id, Case.description).where(Case.agency_id == agency.id)).all()
        bulk_index(agency, ids)
        db.session.commit()
        indexed = time.perf_counter() - started
        print(f"built {n_cases} requests in one agency: insert {inserted:.1f} s, index {indexed:.1f} s "
              f"({indexed / max(n_cases, 1) * 1000:.2f} ms per request)")
    return app, token, numbers


def time_api(app, token: str, numbers: list[str], runs: int) -> None:
    """Print p50/p95 of the /similar endpoint over random requests."""
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    rng = random.Random(11)
    sample = rng.sample(numbers, min(runs + 5, len(numbers)))
    for number in sample[:5]:  # warm-up
        client.get(f"/api/v1/cases/{number}/similar", headers=headers)
    times, found = [], []
    for number in sample[5:]:
        started = time.perf_counter()
        resp = client.get(f"/api/v1/cases/{number}/similar", headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 200:
            raise SystemExit(f"/similar answered {resp.status_code}")
        found.append(len(resp.get_json()))
    p95 = percentile(times, 95)
    print(f"GET /api/v1/cases/{{n}}/similar over {len(numbers)} requests in the agency, {len(times)} runs: "
          f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, max {max(times):.1f} ms "
          f"(target p95 < {TARGET_MS} ms: {'met' if p95 < TARGET_MS else 'NOT met'}); "
          f"median {statistics.median(found):.0f} suggestions")


def main() -> None:
    """Run the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    labelled_figures()
    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-similarity-"))
    try:
        app, token, numbers = build(folder, args.cases)
        time_api(app, token, numbers, args.runs)
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
