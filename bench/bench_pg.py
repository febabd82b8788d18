"""`make bench-pg` (python -m bench.bench_pg): the office at a million cases on PostgreSQL.

1. Starts a throwaway PostgreSQL server (Debian's binaries, as root through `runuser -u postgres`,
   the same recipe as `.ci/run`) in a temporary folder, or uses --url.
2. Migrates it and loads `--base` cases with the demo loader (realistic values: names, ID numbers,
   subjects, statuses, due dates, audit events, fees), then copies them inside the database with
   INSERT ... SELECT until there are `--cases` cases: each copy gets new ids and tracking numbers
   (same agency, same pattern) and its own search rows, audit events, fees and clock pauses.
   The copies' audit events are not a valid hash chain (they are for speed, not for `audit verify`).
   The similarity index's document frequencies are recounted over the copies.
3. Times the office inbox (tabs, filters, paging), the search and the case page through the app's
   test client, logged in as the demo supervisor of one agency (a third of all cases), and prints
   p50/p95 per scenario. Target (DESIGN §6, issue 13): p95 < 150 ms.
4. Times the same over HTTP through gunicorn (2 workers x 4 threads, as `make bench`): the staff
   API's case list, a search, a filtered list and the case (bearer token of the demo supervisor)
   beside the office's inbox, its filtered pages and a search (the supervisor's session), one
   request at a time; prints p50/p95 per scenario against the same target. --no-http skips it.
   Prints EXPLAIN (ANALYZE, BUFFERS) of the slowest statement of the slowest pages.
5. Times the annual report (`caseapp.stats.report.annual_report`) when the stats package has it;
   target < 1 s.

Options: --cases N (default 1,000,000), --base N (cases made by the demo loader, default 10,000),
--runs N (requests per scenario, default 30), --url URL (an existing empty database instead of a
throwaway server), --measure-only (with --url: time a database an earlier run loaded), --keep (leave
the server running and print its URL), --explain N (how many of the slowest pages to explain, default 3).
"""
from __future__ import annotations

import argparse
import os
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
REPORT_TARGET_S = 1.0
# Bench server settings: durability off (a throwaway); memory of a small production database server
# (shared_buffers 1 GB holds the hot part of a million cases; PostgreSQL's default is 128 MB).
SERVER_OPTIONS = ("-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=1GB "
                  "-c effective_cache_size=4GB -c work_mem=16MB -c maintenance_work_mem=512MB -c max_wal_size=4GB "
                  "-c checkpoint_timeout=30min")


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if not found:
        raise SystemExit("PostgreSQL is not installed (apt-get install -y postgresql), or pass --url.")
    return found[-1].parent


class ThrowawayPostgres:
    """A PostgreSQL server in a temporary folder on a free loopback port, removed on exit."""

    def __init__(self):
        self.bin = _pg_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-pg-"))
        shutil.chown(self.folder, "postgres", "postgres")
        self.folder.chmod(0o755)
        from bench.bench_http import free_port

        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/caseapp_bench"

    def _pg(self, program: str, *args: str) -> None:
        subprocess.run(["runuser", "-u", "postgres", "--", str(self.bin / program), *args], cwd=self.folder,
                       check=True, stdout=subprocess.DEVNULL)

    def __enter__(self) -> ThrowawayPostgres:
        data = self.folder / "data"
        self._pg("initdb", "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8",
                 "--no-sync")
        self._pg("pg_ctl", "-D", str(data), "-l", str(self.folder / "log"), "-w", "-t", "120", "-o",
                 f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 {SERVER_OPTIONS}", "start")
        self._pg("createdb", "-h", str(self.folder), "-p", str(self.port), "-U", "postgres", "caseapp_bench")
        return self

    def __exit__(self, *_exc) -> None:
        try:
            self._pg("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def _flask(env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def load(url: str, folder: Path, n_cases: int, base: int) -> dict[str, float]:
    """Migrate, load `base` demo cases and copy them up to `n_cases`; returns the seconds per step."""
    env = {**os.environ, "CASEAPP_INSTANCE_DIR": str(folder), "CASEAPP_DATABASE_URL": url,
           "CASEAPP_DATA_DIR": str(folder / "data")}
    timings = {}
    started = time.perf_counter()
    _flask(env, "db", "upgrade", "heads")
    timings["migrate"] = time.perf_counter() - started
    started = time.perf_counter()
    _flask(env, "caseapp", "demo", "--cases", str(min(base, n_cases)))
    timings[f"demo loader, {min(base, n_cases):,} cases"] = time.perf_counter() - started
    if n_cases > base:
        started = time.perf_counter()
        copied = replicate(url, n_cases)
        timings[f"copies in SQL, {copied:,} cases"] = time.perf_counter() - started
    started = time.perf_counter()
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    timings["vacuum analyze"] = time.perf_counter() - started
    return timings


def _case_children(metadata) -> list:
    """Tables with a case_id referring to cases.id (search rows, events, fees, pauses, ...)."""
    tables = []
    for table in metadata.sorted_tables:
        column = table.c.get("case_id")
        if column is not None and any(fk.column.table.name == "cases" for fk in column.foreign_keys):
            tables.append(table)
    return tables


def _unique_text_columns(table) -> set[str]:
    """The table's text columns that are unique by themselves (a unique constraint or index)."""
    import sqlalchemy as sa

    groups = [list(c.columns) for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    groups += [list(i.columns) for i in table.indexes if i.unique]
    return {cols[0].name for cols in groups
            if len(cols) == 1 and isinstance(cols[0].type, sa.String) and cols[0].name != "case_id"}


def replicate(url: str, n_cases: int) -> int:
    """Copy the loaded cases (and their rows in child tables) inside the database up to n_cases."""
    import sqlalchemy as sa

    sys.path.insert(0, str(ROOT))
    from caseapp import create_app
    from caseapp.extensions import db

    app = create_app()  # only for the metadata (every model imported)
    with app.app_context():
        metadata = db.metadata
    cases = metadata.tables["cases"]
    children = _case_children(metadata)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        base_max = conn.execute(sa.select(sa.func.max(cases.c.id))).scalar()
        base_count = conn.execute(sa.select(sa.func.count()).select_from(cases)).scalar()
        populated = [t for t in children if conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()]
    copies = -(-n_cases // base_count) - 1
    other = [c.name for c in cases.columns if c.name not in ("id", "tracking_number")]
    # Secondary indexes are rebuilt once after the copies (much faster than row by row); the
    # primary keys and unique constraints stay, so the copies are checked as they go.
    with engine.begin() as conn:
        dropped = conn.exec_driver_sql(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = 'public' "
            "AND i.tablename = ANY(%(tables)s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
            "WHERE c.conname = i.indexname)", {"tables": ["cases", *(t.name for t in populated)]}).all()
        for name, _definition in dropped:
            conn.exec_driver_sql(f"DROP INDEX {name}")
    copied = 0
    for k in range(1, copies + 1):
        take = min(base_count, n_cases - base_count * k)
        if take <= 0:
            break
        with engine.begin() as conn:
            # Same pattern, sequence numbers moved past the base's: SFJY-2026-000123 -> SFJY-2026-020123.
            number = (f"regexp_replace(tracking_number, '-(\\d+)$', '') || '-' || "
                      f"lpad((substring(tracking_number from '-(\\d+)$')::int + {k * base_count})::text, 6, '0')")
            conn.exec_driver_sql(
                f"INSERT INTO cases (id, tracking_number, {', '.join(other)}) "
                f"SELECT id + {k * base_max}, {number}, {', '.join(other)} FROM cases "
                f"WHERE id <= {base_max} ORDER BY id LIMIT {take}")
            for table in populated:
                generated = {"id"} if [c.name for c in table.primary_key.columns] == ["id"] else set()
                cols = [c.name for c in table.columns if c.name not in generated]
                values = []
                for name in cols:
                    if name == "case_id":
                        values.append(f"case_id + {k * base_max}")
                    elif name in ("prev_hash", "hash") and table.name == "audit_events":
                        # Unique per copy and still linked within it (see the module docstring).
                        values.append(f"encode(sha256(convert_to('{k}:' || {name}, 'UTF8')), 'hex')")
                    elif name in _unique_text_columns(table):
                        # A record's storage key and the like: unique, so each copy gets its own
                        # (pointing at no file; the bench reads no file).
                        values.append(f"{name} || '.c{k}'")
                    else:
                        values.append(name)
                conn.exec_driver_sql(
                    f"INSERT INTO {table.name} ({', '.join(cols)}) SELECT {', '.join(values)} FROM {table.name} "
                    f"WHERE case_id IN (SELECT id FROM cases WHERE id <= {base_max} ORDER BY id LIMIT {take}) "
                    f"ORDER BY {'id' if 'id' in table.c else 'case_id'}")
        copied += take
        print(f"  copied {base_count + copied:,} / {n_cases:,} cases", flush=True)
    started = time.perf_counter()
    with engine.begin() as conn:
        for _name, definition in dropped:
            conn.exec_driver_sql(definition)
    print(f"  rebuilt {len(dropped)} indexes in {time.perf_counter() - started:.1f} s", flush=True)
    with engine.begin() as conn:
        for table in ["cases", *(t.name for t in populated)]:
            if "id" in metadata.tables[table].c:
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT max(id) FROM {table}))")
        # Tracking counters past the copies, so that a new filing gets a fresh number.
        conn.exec_driver_sql(f"UPDATE counters SET value = value + {copies * base_count} WHERE name = 'tracking'")
        if {"similarity_terms", "similarity_postings", "similarity_signatures"} <= set(metadata.tables):
            # The similarity index's document frequencies (per agency, no case_id: not copied with the
            # cases) count the copies too; left at the base's, a lookup would take frequent words for rare.
            conn.exec_driver_sql(
                "UPDATE similarity_terms t SET df = s.n FROM (SELECT agency_id, term, count(*) AS n "
                "FROM similarity_postings GROUP BY agency_id, term) s WHERE t.agency_id = s.agency_id AND t.term = s.term")
            conn.exec_driver_sql(
                "UPDATE similarity_terms t SET df = s.n FROM (SELECT agency_id, count(*) AS n "
                "FROM similarity_signatures GROUP BY agency_id) s WHERE t.agency_id = s.agency_id AND t.term = ''")
    engine.dispose()
    return copied


def _percentile(values: list[float], pct: float) -> float:
    from bench.__main__ import percentile

    return percentile(values, pct)


def measure(url: str, folder: Path, runs: int, explain: int) -> tuple[list[tuple[str, list[float]]], list[str]]:
    """Time the scenarios; returns (name, ms) pairs and the EXPLAIN ANALYZE texts of the slowest pages."""
    import sqlalchemy as sa

    from bench.__main__ import _timed, logged_in_client, scenarios

    app, client = logged_in_client(url, folder)
    inbox, case_urls = scenarios(app)
    per_url: dict[str, list[float]] = {}
    for urls in inbox.values():  # warm-up: caches and the jieba dictionary
        for u in urls:
            _timed(client, u)
    for u in case_urls[:5]:
        _timed(client, u)
    results = []
    for (name, urls), factor in zip(inbox.items(), (2, 1, 1), strict=True):
        times = []
        for i in range(runs * factor):
            u = urls[i % len(urls)]
            ms = _timed(client, u)
            times.append(ms)
            per_url.setdefault(u, []).append(ms)
        results.append((name, times))
    times = []
    for i in range(runs * 2):
        ms = _timed(client, case_urls[i % len(case_urls)])
        times.append(ms)
        per_url.setdefault("/office/cases/<number> (case page)", []).append(ms)
    results.append(("case page", times))

    slowest = sorted(per_url, key=lambda u: statistics.median(per_url[u]), reverse=True)[:explain]
    plans = []
    with app.app_context():
        from caseapp.extensions import db

        engine = db.engine
        for u in slowest:
            path = case_urls[0] if u.endswith("(case page)") else u
            statements: list[tuple[float, str, object]] = []

            def before(_conn, _cursor, statement, parameters, context, _many):
                context._bench_started = time.perf_counter()

            def after(_conn, _cursor, statement, parameters, context, _many):
                statements.append(((time.perf_counter() - context._bench_started) * 1000, statement, parameters))

            sa.event.listen(engine, "before_cursor_execute", before)
            sa.event.listen(engine, "after_cursor_execute", after)
            try:
                _timed(client, path)
            finally:
                sa.event.remove(engine, "before_cursor_execute", before)
                sa.event.remove(engine, "after_cursor_execute", after)
            if not statements:
                continue
            ms, statement, parameters = max(statements, key=lambda s: s[0])
            with engine.connect() as conn:
                rows = conn.exec_driver_sql(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters).all()
            plan = "\n".join(r[0] for r in rows)
            plans.append(f"--- {u}: median {statistics.median(per_url[u]):.1f} ms over {len(per_url[u])} requests; "
                         f"slowest of its {len(statements)} statements took {ms:.1f} ms:\n{statement}\n"
                         f"params: {parameters}\n{plan}")
    return results, plans


def http_scenarios(app) -> list[tuple[str, list[str]]]:
    """(name, paths) timed over HTTP: the API's list, search, filtered list and case beside the office."""
    from bench.__main__ import scenarios

    inbox, case_urls = scenarios(app)
    numbers = [u.rstrip("/").rsplit("/", 1)[-1] for u in case_urls]
    return [
        ("API GET /api/v1/cases", ["/api/v1/cases", "/api/v1/cases?tab=all", "/api/v1/cases?tab=due_soon"]),
        ("API GET /api/v1/cases?q= (search)", ["/api/v1/cases?tab=all&q=招生", "/api/v1/cases?q=校舍安全鉴定",
                                               "/api/v1/cases?tab=all&q=王伟"]),
        ("API GET /api/v1/cases (filtered)", ["/api/v1/cases?tab=all&status=in_progress",
                                              "/api/v1/cases?tab=open&channel=post&applicant_type=natural_person",
                                              "/api/v1/cases?tab=all&status=closed&channel=post"]),
        ("API GET /api/v1/cases/<number>", [f"/api/v1/cases/{n}" for n in numbers[:20]]),
        ("office inbox (tabs)", ["/office/cases", "/office/cases?tab=overdue", "/office/cases?tab=all"]),
        ("office inbox (filtered)", ["/office/cases?tab=all&status=in_progress",
                                     "/office/cases?tab=open&channel=post&applicant_type=natural_person",
                                     "/office/cases?tab=all&status=closed&channel=post"]),
        ("office inbox (search)", ["/office/cases?tab=all&q=招生", "/office/cases?tab=all&q=王伟"]),
    ]


def measure_http(url: str, folder: Path, runs: int) -> list[tuple[str, list[float]]]:
    """Time the HTTP scenarios through gunicorn on the loaded database; (name, ms) pairs."""
    import requests

    from bench.__main__ import logged_in_client
    from bench.bench_http import Gunicorn
    from caseapp.demo import DEMO_PASSWORD

    app, _client = logged_in_client(url, folder)
    paths = http_scenarios(app)
    env = {**os.environ, "CASEAPP_DATABASE_URL": url, "CASEAPP_INSTANCE_DIR": str(folder),
           "CASEAPP_DATA_DIR": str(folder / "data"), "CASEAPP_SECRET_KEY": "bench-secret-key-not-for-production",
           "CASEAPP_PUBLIC_URL": os.environ.get("CASEAPP_PUBLIC_URL", "http://127.0.0.1:5000"),
           "PYTHONPATH": str(ROOT), "CASEAPP_SCHEDULER": "0"}
    done = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "caseapp", "create-token", "jy_supervisor"],
                          cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    bearer = {"Authorization": f"Bearer {done.stdout.split()[-1]}"}
    with Gunicorn("wsgi:app", env) as server:
        base = f"http://127.0.0.1:{server.port}"
        server.wait_ready("/healthz", {})
        office = requests.Session()
        page = office.get(f"{base}/office/login").text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        login = office.post(f"{base}/office/login", allow_redirects=False,
                            data={"username": "jy_supervisor", "password": DEMO_PASSWORD, "csrf_token": token})
        if login.status_code != 302:
            raise SystemExit("could not log in over HTTP as the demo supervisor jy_supervisor")
        api = requests.Session()
        api.headers.update(bearer)

        def timed(path: str) -> float:
            session = api if path.startswith("/api/") else office
            started = time.perf_counter()
            resp = session.get(base + path)
            ms = (time.perf_counter() - started) * 1000
            if resp.status_code != 200:
                raise SystemExit(f"GET {path} answered {resp.status_code}")
            return ms

        # Warm-up, 8 at a time so that every worker and thread gets some: one after another they all
        # go to one worker, and the other's first requests (calendar, jieba dictionary) spoil the p95.
        from concurrent.futures import ThreadPoolExecutor

        warm = [u for _name, urls in paths for u in urls] * 4
        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(lambda u: requests.get(base + u, headers=bearer if u.startswith("/api/") else None,
                                                 cookies=office.cookies), warm))
        for _name, urls in paths:
            for u in urls:
                timed(u)
        results, per_url = [], {}
        for name, urls in paths:
            times = []
            for i in range(runs):
                u = urls[i % len(urls)]
                times.append(timed(u))
                per_url.setdefault(u, []).append(times[-1])
            results.append((name, times))
        for u in sorted(per_url, key=lambda u: max(per_url[u]), reverse=True)[:5]:
            print(f"  HTTP slowest: {u}: " + ", ".join(f"{ms:.0f}" for ms in per_url[u]) + " ms", flush=True)
        return results


def annual_report_hook():
    """The stats package's annual report function (issue 12), or None while it does not exist."""
    try:
        from caseapp.stats.report import annual_report
    except ImportError:
        return None
    return annual_report


def time_annual_report(url: str, folder: Path) -> list[tuple[str, float]] | None:
    """Seconds to compute the annual report for all agencies and for one, or None without the function."""
    from bench.__main__ import logged_in_client

    report = annual_report_hook()
    if report is None:
        return None
    import sqlalchemy as sa

    app, _client = logged_in_client(url, folder)
    timings = []
    with app.app_context():
        from caseapp.accounts.models import Agency
        from caseapp.core.clock import local_today
        from caseapp.extensions import db

        agency = db.session.scalar(sa.select(Agency).where(Agency.code == "SFJY")) or db.session.scalar(
            sa.select(Agency).order_by(Agency.id))
        year = local_today().year
        for label, scope in ((f"all agencies, {year}", None), (f"one agency ({agency.code}), {year}", agency)):
            report(year, scope)  # warm-up
            started = time.perf_counter()
            report(year, scope)
            timings.append((label, time.perf_counter() - started))
            db.session.rollback()
    return timings


def main(argv: list[str] | None = None) -> int:
    """Load, measure and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_pg", description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--url", help="an existing, empty PostgreSQL database (SQLAlchemy URL)")
    parser.add_argument("--measure-only", action="store_true", help="with --url: skip loading, only measure")
    parser.add_argument("--keep", action="store_true", help="leave the throwaway server running")
    parser.add_argument("--explain", type=int, default=3)
    parser.add_argument("--no-http", action="store_true", help="skip the HTTP measurement through gunicorn")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))

    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-pg-app-"))
    os.environ["CASEAPP_INSTANCE_DIR"] = str(folder)  # before config is imported: no files in the tree
    server = None
    started = time.perf_counter()
    try:
        if args.url:
            url = args.url
        else:
            server = ThrowawayPostgres().__enter__()
            url = server.url
        os.environ["CASEAPP_DATABASE_URL"] = url
        print(f"PostgreSQL bench: {args.cases:,} cases ({args.base:,} from the demo loader, the rest copied) "
              f"on {url}", flush=True)
        timings = {} if args.measure_only and args.url else load(url, folder, args.cases, args.base)
        for step, seconds in timings.items():
            print(f"  {step}: {seconds:.1f} s", flush=True)
        results, plans = measure(url, folder, args.runs, args.explain)
        http = [] if args.no_http else measure_http(url, folder, args.runs)
        report = time_annual_report(url, folder)

        print(f"\n{'scenario (PostgreSQL, ' + format(args.cases, ',') + ' cases)':<52} {'n':>4} {'p50 ms':>8} "
              f"{'p95 ms':>8}  target p95 < {TARGET_MS} ms")
        for name, ms in results:
            p95 = _percentile(ms, 95)
            print(f"{name:<52} {len(ms):>4} {statistics.median(ms):>8.1f} {p95:>8.1f}  "
                  f"{'ok' if p95 < TARGET_MS else 'SLOW'}")
        if http:
            print(f"\n{'over HTTP (gunicorn 2x4, one request at a time)':<52} {'n':>4} {'p50 ms':>8} {'p95 ms':>8}")
        for name, ms in http:
            p95 = _percentile(ms, 95)
            print(f"{name:<52} {len(ms):>4} {statistics.median(ms):>8.1f} {p95:>8.1f}  "
                  f"{'ok' if p95 < TARGET_MS else 'SLOW'}")
        if report is None:
            print("annual report: caseapp.stats.report.annual_report not found; not timed "
                  "(hook: bench.bench_pg.annual_report_hook)")
        else:
            for label, seconds in report:
                print(f"annual report, {label}: {seconds * 1000:.0f} ms  "
                      f"{'ok' if seconds < REPORT_TARGET_S else 'SLOW'} (target < {REPORT_TARGET_S:.0f} s)")
        print("\nEXPLAIN ANALYZE of the slowest statement of the slowest pages:")
        for plan in plans:
            print(plan, "\n")
        print(f"total bench time: {(time.perf_counter() - started) / 60:.1f} min; machine load average "
              f"{os.getloadavg()[1]:.1f} over the last 5 min on {os.cpu_count()} cores (others' work inflates the "
              "times)", flush=True)
        return 0
    finally:
        if server is not None:
            if args.keep:
                print(f"kept the server: {server.url} (folder {server.folder})")
            else:
                server.__exit__(None, None, None)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
