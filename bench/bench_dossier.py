"""Benchmark of the dossier (issue 23 item 3): a case with about 200 pages of attachments and
enclosures built into one PDF (target < 10 s, constant memory: the peak RSS grows little with the
pages, since sources are read from files and the result written to one).

Run: python -m bench.bench_dossier [--pages 200]. Builds a throwaway SQLite database and data folder.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _vm(key: str) -> int:
    """A /proc/self/status figure in kB (VmHWM: peak RSS; VmRSS: now)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def _pdf(pages: int, label: str) -> bytes:
    import pymupdf

    doc = pymupdf.open()
    font = pymupdf.Font("cjk").buffer
    for p in range(pages):
        page = doc.new_page()
        page.insert_font(fontname="cjk", fontbuffer=font)
        for line in range(35):
            page.insert_text((60, 70 + line * 20), f"{label} 第{p + 1}页 第{line + 1}行 关于征收补偿安置方案的情况说明",
                             fontname="cjk", fontsize=11)
    doc.subset_fonts()
    return doc.tobytes(garbage=3, deflate=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    args = parser.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-dossier-"))
    env = {**os.environ, "CASEAPP_DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}", "CASEAPP_DATA_DIR": str(tmp / "data"),
           "CASEAPP_PUBLIC_URL": "http://127.0.0.1:5000", "CASEAPP_SECRET_KEY": "bench"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    os.environ.update(env)
    from caseapp import create_app

    app = create_app()
    with app.app_context():
        from caseapp.accounts.operations import create_agency, create_user
        from caseapp.cases import operations as case_ops
        from caseapp.cases.attachments import Upload, attach_files
        from caseapp.dossier.build import build_dossier
        from caseapp.extensions import db
        from caseapp.letters import operations as letter_ops
        from caseapp.records import operations as record_ops

        agency = create_agency("BENCH", "示范市测试局", reply_cutoff=clock_time(17, 0),
                               reconsideration_body="示范市人民政府")
        clerk = create_user("clerk", "bench-password-1", "clerk", agency=agency)
        boss = create_user("boss", "bench-password-1", "supervisor", agency=agency)
        today = date(2026, 11, 20)
        data = {"applicant_type": "natural_person", "applicant_name": "张三", "id_type": "resident_id",
                "id_number": "11010519491231002X", "phone": "13800138000", "email": "z@example.com",
                "address": "示范市人民路1号", "description": "申请公开征收补偿安置方案。", "form": "electronic",
                "delivery": "email"}
        case = case_ops.register_case(agency, data, channel="in_person", received_on=date(2026, 11, 2), actor=clerk,
                                      today=today).case
        case_ops.accept_case(case, actor=clerk, today=today)
        half = args.pages // 2
        attach_files(case, [Upload(f"附件{i}.pdf", _pdf(half // 5, f"申请附件{i}")) for i in range(5)],
                     kind="supporting", actor=clerk)
        releases = []
        for i in range(5):
            original = record_ops.add_record(case, Upload(f"材料{i}.pdf", _pdf((args.pages - half) // 5, f"材料{i}")),
                                             title=f"材料{i}", actor=clerk)
            releases.append(record_ops.release_as_is(case, original, actor=clerk).id)
        letter = letter_ops.draft_letter(case, actor=clerk, template="disclosed",
                                         fields={"provided": "相关材料随本答复书提供。"}, enclosures=releases)
        letter_ops.submit_letter(letter, actor=clerk)
        letter_ops.approve_letter(letter, actor=boss)
        letter_ops.issue_letter(letter, actor=clerk, delivery={"method": "post", "date": "2026-11-19",
                                                                "reference": "XA123456789CN"}, today=today)
        db.session.commit()
        rss_before, hwm_before = _vm("VmRSS"), _vm("VmHWM")
        started = time.perf_counter()
        dossier = build_dossier(case, tmp / "dossier.pdf", compiled_by="测试")
        seconds = time.perf_counter() - started
        print(f"dossier: {dossier.page_count} pages ({dossier.document_pages} numbered, {len(dossier.entries)} "
              f"documents), {(tmp / 'dossier.pdf').stat().st_size / 1e6:.1f} MB in {seconds:.2f} s (target < 10 s)")
        print(f"RSS before {rss_before / 1024:.0f} MB, peak before {hwm_before / 1024:.0f} MB, "
              f"peak after {_vm('VmHWM') / 1024:.0f} MB (growth {(_vm('VmHWM') - max(hwm_before, rss_before)) / 1024:.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
