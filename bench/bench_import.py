"""Benchmark of the import of existing cases (issue 25, item 4): 10,000 rows of a sheet imported
on SQLite in under 60 s, one transaction per row through the runner, then a second run that imports
nothing (idempotent).

Run: python -m bench.bench_import [--rows N] [--format csv|xlsx] [--keep]. Builds a fresh SQLite
database in a temporary folder (migrated with `flask db upgrade`).
"""
from __future__ import annotations

import argparse
import csv
import io
import random
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench._sqlite import sqlite_app

TARGET_S = 60.0
OUTCOMES = ["予以公开", "部分公开", "属于国家秘密", "本机关不掌握相关政府信息", "重复申请", "其他"]
SUBJECTS = ["义务教育招生入学实施意见", "学区划分方案", "城市更新项目征收补偿方案", "道路运输企业质量信誉考核结果",
            "财政预算执行情况", "建设项目环境影响评价文件", "行政处罚决定书", "国有土地使用权出让合同"]


def sheet_rows(n: int) -> list[list]:
    """n realistic rows: 2024-2026 receipts, most closed with an outcome, every fifth without a number."""
    from caseapp.cases.identity import make_resident_id
    from caseapp.cases.importer import COLUMNS

    rng = random.Random(25)
    rows = [[c.header for c in COLUMNS]]
    start = date(2024, 1, 2)
    for i in range(n):
        received = start + timedelta(days=rng.randrange(0, 1000))
        closed = rng.random() < 0.85
        number = "" if i % 5 == 0 else f"JYJ-{received.year}-{i + 1:06d}"
        values = {
            "申请编号": number, "收到申请日期": received.isoformat(), "申请渠道": rng.choice(["信函", "当面提交", "在线申请"]),
            "申请人类型": "自然人", "申请人姓名或名称": f"申请人{i}",
            "证件类型": "居民身份证",
            "证件号码或统一社会信用代码": make_resident_id("110105", date(1970 + i % 30, 1 + i % 12, 1 + i % 28), i % 1000),
            "联系电话": f"139{rng.randrange(10**8):08d}", "通信地址": f"示范市人民路{i}号",
            "所需政府信息描述": f"申请公开{received.year}年{rng.choice(SUBJECTS)}（第{i}件）。", "载体形式": "纸质",
            "获取方式": "邮寄", "办理状态": "已办结" if closed else "办理中",
            "办理结果": rng.choice(OUTCOMES) if closed else "",
            "办结日期": min(received + timedelta(days=rng.randrange(5, 40)), date(2026, 11, 30)).isoformat()
            if closed else "",
        }
        if not closed and received < date(2026, 6, 1):
            values["办理状态"] = "待受理"
        rows.append([values.get(c.header, "") for c in COLUMNS])
    return rows


def as_bytes(rows: list[list], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    ws = book.create_sheet()
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_import", description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--format", choices=("csv", "xlsx"), default="xlsx")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="caseapp-bench-import-"))
    try:
        app = sqlite_app(folder, "import")
        with app.app_context():
            import sqlalchemy as sa

            from caseapp.accounts.operations import create_agency
            from caseapp.admin.imports import run_import
            from caseapp.calendar.service import seed_calendar
            from caseapp.cases.models import Case
            from caseapp.core.actions import System
            from caseapp.extensions import db

            seed_calendar()
            agency = create_agency("JYJ", "示范市教育局", reconsideration_body="示范市人民政府")
            db.session.commit()
            data = as_bytes(sheet_rows(args.rows), args.format)
            name = f"cases.{args.format}"
            t0, c0 = time.perf_counter(), time.process_time()
            report = run_import(agency, name, data, user=System(), dry_run=True)
            dry_s, dry_cpu = time.perf_counter() - t0, time.process_time() - c0
            t0, c0 = time.perf_counter(), time.process_time()
            report = run_import(agency, name, data, user=System(), dry_run=False, actor_label="bench")
            real_s, real_cpu = time.perf_counter() - t0, time.process_time() - c0
            errors = [p for p in report.problems if p.level == "error"]
            t0, c0 = time.perf_counter(), time.process_time()
            again = run_import(agency, name, data, user=System(), dry_run=False, actor_label="bench")
            again_s, again_cpu = time.perf_counter() - t0, time.process_time() - c0
            stored = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
        # CPU seconds beside the wall clock: on a shared machine the difference is other processes' load.
        print(f"{'scenario':<44} {'rows':>7} {'s':>7} {'CPU s':>7}  target < {TARGET_S:.0f} s")
        print(f"{'dry run (checks only)':<44} {report.rows:>7,} {dry_s:>7.1f} {dry_cpu:>7.1f}")
        print(f"{'import, one transaction per row':<44} {report.imported:>7,} {real_s:>7.1f} {real_cpu:>7.1f}")
        print(f"{'second run (imports nothing)':<44} {again.skipped:>7,} {again_s:>7.1f} {again_cpu:>7.1f}")
        print(f"  ({stored:,} cases stored; {len(errors)} rows refused; second run: {again.summary()})")
        ok = real_s < TARGET_S and report.imported == args.rows and again.imported == 0
        print(f"\nimport of {args.rows:,} rows: {real_s:.1f} s ({'OK' if ok else 'OVER'} the {TARGET_S:.0f} s target)")
        for p in errors[:5]:
            print(f"  row {p.row} {p.column}: {p.message}")
        return 0 if ok else 1
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
