"""`make bench` (python -m bench): office inbox and case page timings on a 100,000-case demo database.

Builds a fresh SQLite database in a temporary folder with `flask caseapp demo --cases N` (timing
the load), then drives the app through the Flask test client, logged in as a supervisor, and
prints p50/p95 for the inbox (several tabs, filters and a Chinese full-text search) and for case
pages. Targets (DESIGN §6): inbox and case page p95 < 150 ms.

Options: --cases N (default 100000), --runs N (requests per scenario, default 40), --db PATH (reuse
an existing demo database instead of building one), --keep (keep the temporary folder).
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 150


def _flask(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env, check=True)


def build_database(folder: Path, n_cases: int) -> tuple[Path, float]:
    """Migrate a new SQLite file and load the demo data; returns the path and the load time in seconds."""
    db_path = folder / "bench.sqlite3"
    env = {**os.environ, "CASEAPP_INSTANCE_DIR": str(folder), "CASEAPP_DATABASE_URL": f"sqlite:///{db_path}",
           "CASEAPP_DATA_DIR": str(folder / "data")}
    _flask(env, "db", "upgrade", "heads")
    started = time.perf_counter()
    _flask(env, "caseapp", "demo", "--cases", str(n_cases))
    return db_path, time.perf_counter() - started


def percentile(values: list[float], pct: float) -> float:
    """The pct-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _timed(client, url: str) -> float:
    started = time.perf_counter()
    resp = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    # A search for one whole tracking number goes straight to that case (a redirect); anything
    # else, and a redirect to the login page, means the scenario is broken.
    if resp.status_code != 200 and not (resp.status_code == 302 and "/login" not in resp.headers["Location"]):
        raise SystemExit(f"GET {url} answered {resp.status_code}")
    return elapsed


def logged_in_client(db_url: str, folder: Path):
    """The app on the given database and a test client logged in as the demo supervisor."""
    os.environ["CASEAPP_INSTANCE_DIR"] = str(folder)
    sys.path.insert(0, str(ROOT))
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = db_url
        DATA_DIR = str(folder / "data")

    from caseapp import create_app
    from caseapp.demo import DEMO_PASSWORD

    app = create_app(BenchConfig)
    client = app.test_client()
    page = client.get("/office/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = client.post("/office/login", data={"username": "jy_supervisor", "password": DEMO_PASSWORD,
                                              "csrf_token": token})
    if resp.status_code != 302:
        raise SystemExit("could not log in as the demo supervisor jy_supervisor")
    return app, client


def scenarios(app) -> tuple[dict[str, list[str]], list[str]]:
    """The inbox URLs by scenario name, and the case page URLs of the supervisor's agency."""
    with app.app_context():
        import sqlalchemy as sa

        from caseapp.accounts.models import User
        from caseapp.cases.models import Case
        from caseapp.extensions import db

        agency_id = db.session.scalar(sa.select(User.agency_id).where(User.username == "jy_supervisor"))
        numbers = list(db.session.scalars(sa.select(Case.tracking_number).where(Case.agency_id == agency_id)))
    rng = random.Random(4)
    case_urls = [f"/office/cases/{number}" for number in rng.sample(numbers, min(len(numbers), 200))]
    inbox_urls = [
        "/office/cases", "/office/cases?tab=mine", "/office/cases?tab=unassigned", "/office/cases?tab=due_soon",
        "/office/cases?tab=overdue", "/office/cases?tab=correction", "/office/cases?tab=all",
        "/office/cases?tab=all&page=40", "/office/cases?tab=all&status=in_progress",
        "/office/cases?tab=open&channel=post&applicant_type=natural_person",
        "/office/cases?tab=all&sort=-received&received_from=2026-03-01&received_to=2026-03-31",
    ]
    # Channel and applicant-type filters over every case of the agency (all statuses, years of
    # closed cases): the widest counts. Reported separately as the worst case.
    heavy_urls = ["/office/cases?tab=all&status=closed&channel=post",
                  "/office/cases?tab=all&applicant_type=commercial_enterprise&sort=-received"]
    search_urls = ["/office/cases?tab=all&q=招生", "/office/cases?tab=all&q=校舍安全鉴定",
                   "/office/cases?tab=all&q=王伟", f"/office/cases?tab=all&q={numbers[len(numbers) // 2]}",
                   f"/office/cases?tab=all&q={numbers[len(numbers) // 2][:-2]}"]  # the start of a number
    return {"inbox (tabs, filters, paging)": inbox_urls,
            "inbox search (Chinese full text, name, number)": search_urls,
            "inbox, filters over all cases (worst case)": heavy_urls}, case_urls


def run(db_url: str, runs: int, folder: Path) -> list[tuple[str, list[float]]]:
    """Time the scenarios against the demo database; returns (name, milliseconds) pairs."""
    app, client = logged_in_client(db_url, folder)
    inbox, case_urls = scenarios(app)
    for urls in inbox.values():  # warm up: calendar cache, jieba dictionary, the database's page cache
        for url in urls:
            _timed(client, url)
    _timed(client, case_urls[0])

    results = []
    for (name, urls), factor in zip(inbox.items(), (2, 1, 1), strict=True):
        results.append((name, [_timed(client, urls[i % len(urls)]) for i in range(runs * factor)]))
    results.append(("case page", [_timed(client, case_urls[i % len(case_urls)]) for i in range(runs * 2)]))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--db", type=Path, help="an existing demo database (skips building one)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-"))
    try:
        if args.db:
            db_path, load_s = args.db.resolve(), None
        else:
            print(f"Building a demo database with {args.cases:,} cases in {folder} ...", flush=True)
            db_path, load_s = build_database(folder, args.cases)
            print(f"demo load: {load_s:.1f} s for {args.cases:,} cases", flush=True)
        results = run(f"sqlite:///{db_path}", args.runs, folder)
        print(f"\n{'scenario':<50} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}  target p95 < {TARGET_MS} ms")
        worst = 0.0
        for name, ms in results:
            p95 = percentile(ms, 95)
            worst = max(worst, p95)
            print(f"{name:<50} {len(ms):>4} {statistics.median(ms):>8.1f} {p95:>8.1f}  "
                  f"{'ok' if p95 < TARGET_MS else 'SLOW'}")
        return 0
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
