"""Print the figures of the labelled set (requests.jsonl): sizes, classes per split, pair counts."""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPLITS = ["train", "dev", "test"]
CLASSES = ["colloquial", "date_forms", "docno_forms", "umbrella", "short_name", "traditional", "plain",
           "singleton", "neg_same_docno", "neg_neighbour", "neg_other_year", "neg_other_place", "neg_other_period"]


def load(path: Path = HERE / "requests.jsonl") -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def main() -> None:
    rows = load()
    items = defaultdict(list)
    for r in rows:
        items[r["item"]].append(r)
    agencies = {r["agency"] for r in rows}
    kinds = Counter(r["agency_kind"] for r in rows)
    print(f"requests: {len(rows)}   items: {len(items)}   singleton items: "
          f"{sum(len(v) == 1 for v in items.values())}   agencies: {len(agencies)}   agency kinds: {len(kinds)}")
    sizes = Counter(len(v) for v in items.values())
    print("requests per item: " + ", ".join(f"{k}: {sizes[k]}" for k in sorted(sizes)))
    print()
    print(f"{'':18}" + "".join(f"{sp:>8}" for sp in SPLITS) + f"{'all':>8}")
    n_items = {sp: len({r['item'] for r in rows if r['split'] == sp}) for sp in SPLITS}
    n_req = {sp: sum(r["split"] == sp for r in rows) for sp in SPLITS}
    print(f"{'items':18}" + "".join(f"{n_items[sp]:>8}" for sp in SPLITS) + f"{len(items):>8}")
    print(f"{'requests':18}" + "".join(f"{n_req[sp]:>8}" for sp in SPLITS) + f"{len(rows):>8}")
    print("requests per class:")
    for c in CLASSES:
        per = {sp: sum(c in r["classes"] and r["split"] == sp for r in rows) for sp in SPLITS}
        print(f"  {c:16}" + "".join(f"{per[sp]:>8}" for sp in SPLITS) + f"{sum(per.values()):>8}")
    print()
    print("pairs (both requests in the split):")
    print(f"{'':30}" + "".join(f"{sp:>9}" for sp in SPLITS))
    same_agency, same_item = Counter(), Counter()
    neg_pairs = Counter()
    by_class = defaultdict(Counter)
    by_sa = defaultdict(list)
    for r in rows:
        by_sa[(r["split"], r["agency"])].append(r)
    for (sp, _), rs in by_sa.items():
        for a, b in combinations(rs, 2):
            same_agency[sp] += 1
            if a["item"] == b["item"]:
                same_item[sp] += 1
                for c in set(a["classes"]) | set(b["classes"]):
                    by_class[c][sp] += 1
            elif any(c.startswith("neg_") for c in a["classes"] + b["classes"]):
                neg_pairs[sp] += 1
    print(f"  {'same-agency pairs':28}" + "".join(f"{same_agency[sp]:>9}" for sp in SPLITS))
    print(f"  {'same-item (positive) pairs':28}" + "".join(f"{same_item[sp]:>9}" for sp in SPLITS))
    print(f"  {'different-item pairs':28}" + "".join(f"{same_agency[sp] - same_item[sp]:>9}" for sp in SPLITS))
    print(f"  {'  of which with a neg_ side':28}" + "".join(f"{neg_pairs[sp]:>9}" for sp in SPLITS))
    print("positive pairs by class (a pair has a class when either request carries it):")
    for c in CLASSES:
        if c == "singleton" or c.startswith("neg_"):
            continue
        print(f"  {c:28}" + "".join(f"{by_class[c][sp]:>9}" for sp in SPLITS))
    print()
    print("requests per agency kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))


if __name__ == "__main__":
    main()
