"""Invariants of the independent labelled set of similar requests (tests/data/similarity/)."""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

SET = Path(__file__).resolve().parent / "similarity" / "requests.jsonl"
CLASSES = {"colloquial", "date_forms", "docno_forms", "umbrella", "short_name", "traditional", "plain",
           "singleton", "neg_same_docno", "neg_neighbour", "neg_other_year", "neg_other_place", "neg_other_period"}
SPLITS = {"train", "dev", "test"}
FIELDS = {"id", "agency", "agency_kind", "received_on", "text", "document_ref", "item", "classes", "split"}


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    with SET.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_size_and_fields(rows):
    assert len(rows) >= 1500
    for r in rows:
        assert set(r) == FIELDS, r["id"]
        assert r["text"].strip(), r["id"]
        assert r["split"] in SPLITS, r["id"]
        assert r["classes"] and set(r["classes"]) <= CLASSES, r["id"]


def test_agency_kinds(rows):
    assert len({r["agency_kind"] for r in rows}) >= 12
    kind_of = {}
    for r in rows:
        assert kind_of.setdefault(r["agency"], r["agency_kind"]) == r["agency_kind"], r["agency"]


def test_ids_unique(rows):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))


def test_no_item_in_two_splits_nor_two_agencies(rows):
    splits, agencies = defaultdict(set), defaultdict(set)
    for r in rows:
        splits[r["item"]].add(r["split"])
        agencies[r["item"]].add(r["agency"])
    assert not [i for i, s in splits.items() if len(s) > 1]
    assert not [i for i, a in agencies.items() if len(a) > 1]


def test_every_class_in_every_split(rows):
    for sp in SPLITS:
        for c in CLASSES:
            n = sum(c in r["classes"] for r in rows if r["split"] == sp)
            assert n >= 15, (sp, c, n)


def test_singleton_tag_matches_item_size(rows):
    size = defaultdict(int)
    for r in rows:
        size[r["item"]] += 1
    for r in rows:
        assert ("singleton" in r["classes"]) == (size[r["item"]] == 1), r["id"]


def test_received_on_valid(rows):
    for r in rows:
        d = date.fromisoformat(r["received_on"])
        assert date(2021, 1, 1) <= d <= date(2026, 12, 31), r["id"]
