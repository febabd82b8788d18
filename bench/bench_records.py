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


if __name__ == "__main__":
    bench_redaction()
