"""Benchmarks of records (issue 21 item 8): redacting 20 terms in a 50-page text PDF (target < 5 s),
and a 200 MB release streamed to the applicant in constant memory (the server's peak RSS).

Run: python -m bench.bench_records [--skip-stream]. The redaction part needs no database; the
streaming part starts gunicorn on a throwaway SQLite database and data directory.
"""
from __future__ import annotations

import random
import statistics
import sys
import time

NAMES = ["张伟", "王芳", "李娜", "刘强", "陈静", "杨洋", "赵磊", "黄敏", "周杰", "吴霞"]


def _ids(n: int) -> list[str]:
    from datetime import date

    from caseapp.cases.identity import make_resident_id

    return [make_resident_id("110105", date(1980, i + 1, i + 3), 100 + i) for i in range(n)]


def fifty_pages() -> tuple[bytes, list[str]]:
    """A 50-page text PDF (40 lines a page, embedded CJK font) and 20 terms that occur in it."""
    import pymupdf

    rng = random.Random(21)
    ids = _ids(5)
    phones = [f"139{rng.randrange(10**8):08d}" for _ in range(5)]
    terms = NAMES + ids + phones
    font = pymupdf.Font("cjk").buffer
    doc = pymupdf.open()
    for p in range(50):
        page = doc.new_page()
        page.insert_font(fontname="cjk", fontbuffer=font)
        for line in range(40):
            words = ["关于", "征收", "补偿", "安置", "方案", "的", "情况", "说明", "经", "审核", "同意"]
            text = "".join(rng.choice(words) for _ in range(8))
            if rng.random() < 0.3:
                text += f"，{rng.choice(terms)}"
            page.insert_text((50, 50 + line * 18), f"{p + 1}-{line + 1} {text}。", fontname="cjk", fontsize=10)
    data = doc.tobytes(garbage=3, deflate=True)
    return data, terms


def bench_redaction(rounds: int = 3) -> dict:
    from caseapp.records import pdf

    data, terms = fifty_pages()
    found = pdf.find_terms(data, terms)
    missing = set(terms) - {h.term for h in found}
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        result = pdf.redact(data, terms=[t for t in terms if t not in missing], areas=[], label="〔个人隐私〕")
        times.append(time.perf_counter() - t0)
    removed = sum(h.count for h in result.hits)
    out = {"pages": 50, "terms": len(terms) - len(missing), "removed": removed,
           "median_s": round(statistics.median(times), 2), "max_s": round(max(times), 2)}
    print(f"records: redact {out['terms']} terms ({removed} places) in a 50-page text PDF: median {out['median_s']} s, "
          f"worst {out['max_s']} s; target < 5 s")
    return out


SEED = """
import sys
from datetime import date
from caseapp import create_app
from caseapp.accounts.operations import create_agency, create_department, create_user
from caseapp.cases import operations as case_ops
from caseapp.cases.attachments import Upload
from caseapp.core import filestore
from caseapp.core.clock import local_today
from caseapp.extensions import db
from caseapp.letters import operations as letter_ops
from caseapp.records import operations as record_ops
from tests.records import pdfs

size = int(sys.argv[1])
with create_app().app_context():
    agency = create_agency("BENCH", "示范市测试局", reconsideration_body="示范市人民政府")
    create_department(agency, "BGS", "办公室")
    clerk = create_user("bench_clerk", "bench-password-1", "clerk", agency=agency)
    boss = create_user("bench_boss", "bench-password-1", "supervisor", agency=agency)
    today = local_today()
    reg = case_ops.register_case(agency, {"applicant_type": "natural_person", "applicant_name": "张三",
        "id_type": "resident_id", "id_number": "11010519491231002X", "phone": "13800138000",
        "email": "a@example.com", "address": "示范市人民路1号", "description": "申请公开全部档案。",
        "form": "electronic", "delivery": "online"}, channel="in_person", received_on=today, actor=clerk, today=today)
    case_ops.accept_case(reg.case, actor=clerk, today=today)
    record = record_ops.add_record(reg.case, Upload("档案.pdf", pdfs.text_pdf([["档案全文"]])), title="档案", actor=clerk)
    version = record_ops.release_as_is(reg.case, record, actor=clerk)
    letter = letter_ops.draft_letter(reg.case, actor=clerk, template="disclosed",
                                     fields={"provided": "档案随本答复书提供。"}, enclosures=[version.id])
    letter_ops.submit_letter(letter, actor=clerk)
    letter_ops.approve_letter(letter, actor=boss)
    letter_ops.issue_letter(letter, actor=clerk, delivery={"method": "online", "date": today.isoformat(),
                                                           "reference": "网上"}, today=today)
    db.session.commit()
    # The release grows to the size measured: the file store's file is replaced in place (its
    # digest no longer matters to a download).
    path = filestore.open_path(version.storage_key)
    with open(path, "r+b") as f:
        f.truncate(size)
    print(reg.case.tracking_number, reg.query_code, letter.id, version.id)
"""


def _rss_kb(pid: int, key: str) -> int:
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def bench_stream(size_mb: int = 200) -> dict:
    """Download a release of `size_mb` MB through the public API under gunicorn; the worker's peak
    RSS before and after the download shows whether it was read into memory."""
    import http.client
    import subprocess
    import tempfile
    from pathlib import Path

    from bench.bench_http import Gunicorn, _env

    with tempfile.TemporaryDirectory(prefix="caseapp-bench-records-") as tmp:
        folder = Path(tmp)
        env = _env(folder)
        root = Path(__file__).resolve().parents[1]
        for args in (["db", "upgrade"], ["caseapp", "calendar", "seed"]):
            subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=root, env=env, check=True,
                           capture_output=True)
        out = subprocess.run([sys.executable, "-c", SEED, str(size_mb * 1024 * 1024)], cwd=root, env=env,
                             check=True, capture_output=True, text=True).stdout.split()
        number, code, letter_id, record_id = out[-4:]
        path = f"/api/v1/requests/{number}/letters/{letter_id}/enclosures/{record_id}.pdf"
        with Gunicorn("wsgi:app", env) as server:
            server.wait_ready(f"/api/v1/requests/{number}", {"X-Query-Code": code})
            workers = [int(p) for p in subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True,
                                                       text=True).stdout.split()]
            before = max(_rss_kb(p, "VmHWM") for p in workers)
            t0 = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            conn.request("GET", path, headers={"X-Query-Code": code})
            resp = conn.getresponse()
            received = 0
            while chunk := resp.read(1 << 20):
                received += len(chunk)
            elapsed = time.perf_counter() - t0
            after = max(_rss_kb(p, "VmHWM") for p in workers)
    result = {"status": resp.status, "mb": round(received / 1048576), "seconds": round(elapsed, 2),
              "peak_rss_before_mb": round(before / 1024), "peak_rss_after_mb": round(after / 1024)}
    print(f"records: a {result['mb']} MB release streamed to the applicant (HTTP {result['status']}) in "
          f"{result['seconds']} s; the worker's peak RSS {result['peak_rss_before_mb']} MB before, "
          f"{result['peak_rss_after_mb']} MB after (constant memory: the difference stays far below the file size)")
    return result


if __name__ == "__main__":
    bench_redaction()
    if "--skip-stream" not in sys.argv:
        bench_stream()
