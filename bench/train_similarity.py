"""Learn the similarity's weights from the labelled set and write caseapp/disclosure/similarity_model.json.

1. The character n-gram weights: IDF of each bi- and trigram over the train split's requests (read
   through the default vocabulary).
2. The pair weights: a logistic regression (scikit-learn) on the train split's same-agency pairs
   that pass the hard constraints (pairs that fail them are different information by rule).
3. The threshold: on the dev split, the one with the best F1 among those whose precision is at
   least --min-precision; and on dev too, which further hard constraints (a company, project or
   place named by both that differ; different kinds of document) hold (the test split is never
   looked at to choose anything; its figures are printed at the end).

Then prints precision and recall per split and per class, so that the gap between train and test
shows overfitting. Run: python -m bench.train_similarity [--c C] [--min-precision P]
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv=None) -> int:
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--c", type=float, default=0.3, help="inverse regularisation strength")
    parser.add_argument("--min-precision", type=float, default=0.88)
    parser.add_argument("--min-df", type=int, default=5, help="n-grams seen in fewer train requests get the default weight")
    args = parser.parse_args(argv)

    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from caseapp.disclosure import similarity
    from caseapp.disclosure.vocabulary import default_vocabulary
    from tests.disclosure import labelled

    rows = labelled.load_requests("train")
    sigs = labelled.signatures()
    vocabulary = default_vocabulary()
    df: dict[str, int] = defaultdict(int)
    for r in rows:
        text, _ = vocabulary.apply(sigs[r["id"]]["t"])
        for n in (2, 3):
            for g in {text[i:i + n] for i in range(len(text) - n + 1)}:
                df[g] += 1
    n_docs = len(rows)
    idf = lambda c: math.log((n_docs + 1) / (c + 1)) + 1.0  # noqa: E731
    grams = {g: round(idf(c), 3) for g, c in sorted(df.items()) if c >= args.min_df}
    model = {"weights": {k: 0.0 for k in similarity.FEATURES}, "bias": 0.0, "threshold": 0.5,
             "grams": grams, "gram_default": round(idf(0), 3)}
    similarity.MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
    similarity.model.cache_clear()

    idfs = labelled.idf_tables()

    def matrix(split):
        xs, ys, keep = [], [], []
        for p in labelled.pairs(split):
            x, blocked, _ = similarity.pair_features(sigs[p.a["id"]], sigs[p.b["id"]], *idfs[p.a["agency"]])
            if x is None:
                continue
            xs.append([x[k] for k in similarity.FEATURES])
            ys.append(p.same)
            keep.append(p)
        return np.array(xs), np.array(ys), keep

    def fit_and_choose(hard):
        """Fit on train with these further hard constraints; the dev threshold and F1."""
        model["hard"] = list(hard)
        model["weights"] = {k: 0.0 for k in similarity.FEATURES}
        save()
        x_train, y_train, _ = matrix("train")
        fit = LogisticRegression(C=args.c, max_iter=2000).fit(x_train, y_train)
        model["weights"] = {k: round(float(w), 4) for k, w in zip(similarity.FEATURES, fit.coef_[0])}
        model["bias"] = round(float(fit.intercept_[0]), 4)
        save()
        scored = [(p, c.score) for p, c in labelled.comparisons("dev")]
        best = (0.0, 0.5)
        for t in [i / 100 for i in range(5, 96)]:
            r = labelled.evaluate(scored, t)
            f1 = 2 * r.precision * r.recall / (r.precision + r.recall) if r.precision + r.recall else 0.0
            if r.precision >= args.min_precision and f1 > best[0]:
                best = (f1, t)
        return best, x_train, y_train

    def save():
        similarity.MODEL_PATH.write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
        similarity.model.cache_clear()

    trials = []
    for hard in ((), ("project",), ("place",), ("project", "place"), ("organisation", "project", "place"),
                 ("project", "place", "genre")):
        (f1, threshold), _, _ = fit_and_choose(hard)
        trials.append((f1, hard, threshold))
        print(f"further hard constraints {', '.join(hard) or 'none'}: dev F1 {f1:.3f} at threshold {threshold:.2f}")
    f1, hard, threshold = max(trials, key=lambda t: t[0])
    _, x_train, y_train = fit_and_choose(hard)
    model["threshold"] = threshold
    save()
    print(f"chosen: further hard constraints {', '.join(hard) or 'none'}; train pairs {len(y_train)} "
          f"({int(y_train.sum())} same-item) after the hard constraints; {len(grams)} n-gram weights; "
          f"threshold {model['threshold']:.2f} (dev)")
    print("weights: " + ", ".join(f"{k} {v:+.2f}" for k, v in model["weights"].items()) + f", bias {model['bias']:+.2f}")
    for split in labelled.SPLITS:
        overall, per_class = labelled.report(split)
        print(labelled.format_report(split, overall, per_class))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
