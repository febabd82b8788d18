"""The labelled set of requests (tests/data/similarity) and pairwise precision and recall of the
similarity, overall and per class (shared by the suite, bench/bench_similarity.py and
bench/train_similarity.py)."""
from __future__ import annotations

import itertools
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from caseapp.disclosure import similarity

DATA = Path(__file__).resolve().parents[1] / "data" / "similarity" / "requests.jsonl"
SPLITS = ("train", "dev", "test")


@lru_cache(maxsize=1)
def _rows() -> tuple[dict, ...]:
    with DATA.open(encoding="utf-8") as fh:
        return tuple(json.loads(line) for line in fh if line.strip())


def load_requests(split: str | None = None) -> list[dict]:
    """The labelled requests (of one split): id, agency, agency_name, received_on, text, item, classes."""
    return [dict(r) for r in _rows() if split is None or r["split"] == split]


def text_of(row: dict) -> str:
    return " ".join(part for part in (row.get("document_ref"), row["text"]) if part)


@lru_cache(maxsize=1)
def signatures() -> dict[str, dict]:
    """Every request's signature, as the index computes it (the agency's name left out)."""
    return {r["id"]: similarity.extract_features(text_of(r), strip=[r.get("agency_name") or r["agency"]],
                                                 received_on=date.fromisoformat(r["received_on"]))
            for r in _rows()}


@lru_cache(maxsize=1)
def idf_tables() -> dict[str, tuple[dict, float]]:
    """Each agency's word IDF over all its requests (as its index counts them; no labels used)."""
    sigs = signatures()
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for r in _rows():
        by_agency[r["agency"]].append(sigs[r["id"]])
    return {agency: similarity.idf_table(group) for agency, group in by_agency.items()}


@dataclass(frozen=True)
class Pair:
    a: dict
    b: dict
    same: bool

    @property
    def classes(self) -> set[str]:
        return set(self.a.get("classes", ())) | set(self.b.get("classes", ()))


def pairs(split: str) -> list[Pair]:
    """Every pair of requests to the same agency within a split."""
    by_agency: dict[str, list[dict]] = defaultdict(list)
    for r in load_requests(split):
        by_agency[r["agency"]].append(r)
    return [Pair(a, b, a["item"] == b["item"]) for group in by_agency.values()
            for a, b in itertools.combinations(group, 2)]


def comparisons(split: str) -> list[tuple[Pair, similarity.Comparison]]:
    sigs, idfs = signatures(), idf_tables()
    return [(p, similarity.compare(sigs[p.a["id"]], sigs[p.b["id"]], *idfs[p.a["agency"]])) for p in pairs(split)]


@dataclass(frozen=True)
class Result:
    precision: float
    recall: float
    true_positives: int
    false_positives: int
    positives: int
    pairs: int


def evaluate(scored: list[tuple[Pair, float]], threshold: float, cls: str | None = None) -> Result:
    """Pairwise precision and recall at a threshold (of the pairs touching a class, when given)."""
    if cls is not None:
        scored = [(p, s) for p, s in scored if cls in p.classes]
    positives = sum(1 for p, _ in scored if p.same)
    tp = sum(1 for p, s in scored if p.same and s >= threshold)
    fp = sum(1 for p, s in scored if not p.same and s >= threshold)
    return Result(tp / (tp + fp) if tp + fp else 1.0, tp / positives if positives else 1.0, tp, fp, positives,
                  len(scored))


def classes() -> list[str]:
    return sorted({c for r in _rows() for c in r.get("classes", ())})


def report(split: str, threshold: float | None = None) -> tuple[Result, dict[str, Result]]:
    """Overall and per-class figures of a split at the model's threshold."""
    threshold = similarity.THRESHOLD if threshold is None else threshold
    scored = [(p, c.score) for p, c in comparisons(split)]
    return evaluate(scored, threshold), {c: evaluate(scored, threshold, c) for c in classes()}


def format_report(split: str, overall: Result, per_class: dict[str, Result]) -> str:
    lines = [f"{split:5}: precision {overall.precision:.3f} recall {overall.recall:.3f} "
             f"(tp {overall.true_positives}, fp {overall.false_positives}, same-item pairs {overall.positives}, "
             f"pairs {overall.pairs})"]
    for cls, r in per_class.items():
        lines.append(f"    {cls:18} precision {r.precision:.3f} recall {r.recall:.3f} "
                     f"(tp {r.true_positives}, fp {r.false_positives}, same-item pairs {r.positives})")
    return "\n".join(lines)


def baseline(split: str) -> list[tuple[Pair, float]]:
    """Plain TF-IDF cosine over character bigrams of the raw text, for comparison."""
    import math

    def grams(text):
        return {text[i:i + 2] for i in range(len(text) - 1)}

    by_agency: dict[str, list[dict]] = defaultdict(list)
    for r in _rows():
        by_agency[r["agency"]].append(r)
    weights = {}
    for agency, group in by_agency.items():
        df: dict[str, int] = defaultdict(int)
        for r in group:
            for t in grams(text_of(r)):
                df[t] += 1
        weights[agency] = {t: math.log((len(group) + 1) / (c + 1)) + 1 for t, c in df.items()}
    out = []
    for p in pairs(split):
        w = weights[p.a["agency"]]
        ga, gb = grams(text_of(p.a)), grams(text_of(p.b))
        num = sum(w[t] ** 2 for t in ga & gb)
        den = math.sqrt(sum(w[t] ** 2 for t in ga) * sum(w[t] ** 2 for t in gb))
        out.append((p, num / den if den else 0.0))
    return out
