"""With CASEAPP_RATELIMIT_STORAGE_URI=redis://..., the public lookup's limit holds across gunicorn workers.

Starts a throwaway `redis-server` (Debian package redis-server; CI installs it) and gunicorn with
two workers on free loopback ports, on the suite's database. A stranger guesses query codes for a
real tracking number, one request per connection: exactly LOOKUP_RATE_LIMIT_NUMBER (10) wrong
guesses are answered 404, every later one 429, and the access log shows both workers refusing.
With per-worker counting (memory://) a worker that had not yet seen 10 failures would answer 404.
"""
from __future__ import annotations

import http.client
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import without_faketime

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10  # the default LOOKUP_RATE_LIMIT_NUMBER: "10 per 15 minutes"

pytestmark = pytest.mark.skipif(shutil.which("redis-server") is None,
                                reason="redis-server is not installed (Debian package redis-server; CI installs it)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(check, what: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited early: {proc.stderr.read() if proc.stderr else ''}")
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{what} did not start in {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@pytest.fixture
def redis_url():
    """A throwaway redis-server on a free loopback port, without persistence."""
    import redis

    port = _free_port()
    proc = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env=without_faketime())
    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        _wait(client.ping, "redis-server", proc, timeout=20)
        yield f"redis://127.0.0.1:{port}"
    finally:
        client.close()
        _stop(proc)


def _get(port: int, path: str, headers: dict[str, str] | None = None) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Connection": "close", **(headers or {})})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


def test_lookup_limit_holds_across_two_gunicorn_workers(app, make_case, redis_url, tmp_path):
    number = make_case("in_progress").tracking_number
    port = _free_port()
    access_log = tmp_path / "access.log"
    env = {**os.environ, "CASEAPP_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CASEAPP_RATELIMIT_STORAGE_URI": redis_url, "CASEAPP_INSTANCE_DIR": str(tmp_path),
           "CASEAPP_DATA_DIR": str(tmp_path / "data"), "CASEAPP_SECRET_KEY": "scale-test-secret",
           "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH")))),
           "CASEAPP_SCHEDULER": "0"}  # no background sweep on the suite's database
    env.pop("CASEAPP_TEST_DATABASE_URL", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "2",
         "--access-logfile", str(access_log), "--access-logformat", "%(p)s %(s)s %(U)s", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait(lambda: _get(port, "/api/v1/agencies") == 200, "gunicorn", proc)
        time.sleep(2)  # both workers up: the first answer may come before the second worker is ready
        path = f"/api/v1/requests/{number}"
        statuses = [_get(port, path, {"X-Query-Code": f"WRONG{i:05d}"}) for i in range(40)]
        time.sleep(0.5)  # the access log is written after each response
        lines = [line.split() for line in access_log.read_text().splitlines() if line.endswith(path)]
    finally:
        _stop(proc)
    assert statuses == [404] * LIMIT + [429] * (40 - LIMIT)
    assert [line[1] for line in lines] == [str(s) for s in statuses]
    refusing_workers = {pid for pid, status, _path in lines if status == "429"}
    assert len(refusing_workers) == 2, "both workers must have answered after the limit was reached"
