"""Benchmark: time to render one reply letter to PDF (target < 1 s, DESIGN §6), and PDF + DOCX.

Run: python -m bench.bench_letters [ROUNDS]. Needs no database: it renders the templates' samples.
"""
from __future__ import annotations

import statistics
import sys
import time


def main(rounds: int = 10) -> dict:
    """Print and return the median and worst milliseconds per letter."""
    from caseapp.letters import fonts, rendering

    keys = ["disclosed", "withheld.state_secret", "partially_disclosed", "fee_notice"]
    started = time.perf_counter()
    rendering.render_pdf(rendering.render_html(keys[0], rendering.context_from_sample(keys[0])))
    first = (time.perf_counter() - started) * 1000
    pdf_ms, both_ms = [], []
    for i in range(rounds):
        key = keys[i % len(keys)]
        t0 = time.perf_counter()
        html = rendering.render_html(key, rendering.context_from_sample(key))
        rendering.render_pdf(html)
        t1 = time.perf_counter()
        rendering.render_docx(html)
        t2 = time.perf_counter()
        pdf_ms.append((t1 - t0) * 1000)
        both_ms.append((t2 - t0) * 1000)
    result = {
        "font": fonts.FAMILY if fonts.fonts_ready() else f"{fonts.FALLBACK_FAMILY} (fallback)",
        "first_pdf_ms": round(first),
        "pdf_median_ms": round(statistics.median(pdf_ms)),
        "pdf_max_ms": round(max(pdf_ms)),
        "pdf_and_docx_median_ms": round(statistics.median(both_ms)),
    }
    print(f"letters: one reply to PDF, median {result['pdf_median_ms']} ms, worst {result['pdf_max_ms']} ms "
          f"(first, cold: {result['first_pdf_ms']} ms); PDF + DOCX median {result['pdf_and_docx_median_ms']} ms; "
          f"font {result['font']}; target < 1000 ms")
    return result


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
