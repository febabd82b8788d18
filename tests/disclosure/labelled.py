"""The labelled set of requests and pairwise precision/recall of the similarity (shared by the
suite and bench/bench_similarity.py)."""
from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path

from caseapp.disclosure import similarity

DATA = Path(__file__).with_name("data") / "requests.json"
AGENCY_NAMES = {"SFJY": "示范市教育局", "SFZJ": "示范市住房和城乡建设局", "SFHB": "示范市生态环境局",
                "SFSJ": "示范市市场监督管理局"}


def load_requests() -> list[dict]:
    """The labelled requests: id, agency, item, text."""
    return json.loads(DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Result:
    threshold: float
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    positives: int
    pairs: int


def scored_pairs(rows: list[dict]) -> list[tuple[float, bool]]:
    """(score, same item) for every pair of requests to the same agency."""
    sigs = {r["id"]: similarity.extract_features(r["text"], strip=[AGENCY_NAMES.get(r["agency"], "")]) for r in rows}
    by_agency: dict[str, list[dict]] = {}
    for r in rows:
        by_agency.setdefault(r["agency"], []).append(r)
    out = []
    for group in by_agency.values():
        idf, default = similarity.idf_table(sigs[r["id"]] for r in group)
        for a, b in itertools.combinations(group, 2):
            out.append((similarity.score(sigs[a["id"]], sigs[b["id"]], idf, default), a["item"] == b["item"]))
    return out


def evaluate(pairs: list[tuple[float, bool]], threshold: float) -> Result:
    """Pairwise precision and recall at a threshold."""
    positives = sum(1 for _, same in pairs if same)
    tp = sum(1 for s, same in pairs if same and s >= threshold)
    fp = sum(1 for s, same in pairs if not same and s >= threshold)
    return Result(threshold, tp / (tp + fp) if tp + fp else 0.0, tp / positives if positives else 0.0, tp, fp,
                  positives, len(pairs))


def baseline_pairs(rows: list[dict]) -> list[tuple[float, bool]]:
    """Plain TF-IDF cosine over character bigrams, for comparison."""
    import math

    def grams(text):
        return {text[i:i + 2] for i in range(len(text) - 1)}

    out = []
    by_agency: dict[str, list[dict]] = {}
    for r in rows:
        by_agency.setdefault(r["agency"], []).append(r)
    for group in by_agency.values():
        g = {r["id"]: grams(r["text"]) for r in group}
        df: dict[str, int] = {}
        for s in g.values():
            for t in s:
                df[t] = df.get(t, 0) + 1
        n = len(group)
        idf = {t: math.log((n + 1) / (c + 1)) + 1 for t, c in df.items()}
        for a, b in itertools.combinations(group, 2):
            ga, gb = g[a["id"]], g[b["id"]]
            num = sum(idf[t] ** 2 for t in ga & gb)
            den = math.sqrt(sum(idf[t] ** 2 for t in ga) * sum(idf[t] ** 2 for t in gb))
            out.append((num / den if den else 0.0, a["item"] == b["item"]))
    return out


def best_precision(pairs: list[tuple[float, bool]], min_recall: float = 0.0) -> float:
    """The best precision reachable at any threshold (with at least min_recall)."""
    best = 0.0
    for t in sorted({round(s, 3) for s, _ in pairs}):
        r = evaluate(pairs, t)
        if r.true_positives and r.recall >= min_recall:
            best = max(best, r.precision)
    return best
