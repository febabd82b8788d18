"""The similarity index: each request's signature and its terms, kept in the database.

A request is indexed when it is registered (a subscriber of `case.registered`), or later on demand.
Suggestions for a request retrieve candidates through the inverted index (the request's rarest
words and its discriminating parts) and score only those, so the cost does not grow with the
number of earlier requests in the agency.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from caseapp.cases.models import Case
from caseapp.core.events import subscribe
from caseapp.disclosure import similarity
from caseapp.disclosure.models import Posting, Signature, SimilarityFeedback, TermStat, VocabularyEntry
from caseapp.disclosure.vocabulary import Entry, Vocabulary, default_vocabulary
from caseapp.extensions import db

log = logging.getLogger(__name__)

COUNT_TERM = ""  # TermStat row that counts an agency's indexed requests
QUERY_WORDS = 10  # at most this many of a request's rarest words retrieve candidates
# ... and only while the postings they read stay within this budget, so that a request made of
# common words costs no more than one made of rare ones.
POSTINGS_BUDGET = 12_000
# At least MIN_QUERY_TERMS terms retrieve candidates; one that no longer fits the budget reads only
# its latest WINDOW postings (the most recent requests that use it), so that the cost of a lookup
# stays bounded however large the agency grows: at most POSTINGS_BUDGET + MIN_QUERY_TERMS * WINDOW.
MIN_QUERY_TERMS = 3
WINDOW = 3_000
# A word in more than this share of an agency's requests is a stop word of that agency (its IDF is
# the lowest there is): it never retrieves candidates, though it still counts in the score. Only
# from FREQUENT_MIN_DF requests on, so that the words of a small agency are all read.
FREQUENT_SHARE = 0.20
FREQUENT_MIN_DF = 1_000
CANDIDATES = 150  # candidates scored per request
MAX_RESULTS = 20


@dataclass(frozen=True)
class Match:
    case_id: int
    score: float
    reasons: tuple[similarity.Reason, ...] = ()
    confirmed: bool = False  # a clerk said these two ask for the same information


def request_text(case: Case) -> str:
    """What a request asks for: its description and the title or number it cites."""
    return " ".join(part for part in (case.document_ref, case.description) if part)


def signature_for(case: Case) -> dict:
    """The similarity features of a case's request (the agency's own name is left out; 去年 and
    二季度 count from the day it was received)."""
    return similarity.extract_features(request_text(case), strip=[case.agency.name] if case.agency else [],
                                       received_on=case.received_on)


def vocabulary_of(agency_id: int) -> Vocabulary:
    """The platform's vocabulary with the agency's own words added."""
    rows = db.session.scalars(sa.select(VocabularyEntry).where(VocabularyEntry.agency_id == agency_id)
                              .order_by(VocabularyEntry.id)).all()
    base = default_vocabulary()
    return base.merged(Entry(r.kind, r.term, tuple(r.variants or ())) for r in rows) if rows else base


def feedback_of(case_id: int) -> dict[int, bool]:
    """The clerks' answers on pairs with this request: other case id -> same information or not."""
    rows = db.session.execute(sa.select(SimilarityFeedback.case_id, SimilarityFeedback.other_case_id,
                                        SimilarityFeedback.same)
                              .where(sa.or_(SimilarityFeedback.case_id == case_id,
                                            SimilarityFeedback.other_case_id == case_id))).all()
    return {(b if a == case_id else a): same for a, b, same in rows}


def _insert():
    return pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _bump(agency_id: int, terms: list[str], delta: int) -> None:
    if not terms:
        return
    insert = _insert()
    stmt = insert(TermStat).values([{"agency_id": agency_id, "term": t, "df": max(delta, 0)} for t in terms])
    stmt = stmt.on_conflict_do_update(index_elements=["agency_id", "term"], set_={"df": TermStat.df + delta})
    db.session.execute(stmt)


def unindex_case(case_id: int) -> None:
    """Remove a request from the index (its postings, signature and counts)."""
    sig = db.session.get(Signature, case_id)
    if sig is None:
        return
    terms = list(db.session.scalars(sa.select(Posting.term).where(Posting.case_id == case_id)))
    db.session.execute(sa.delete(Posting).where(Posting.case_id == case_id))
    _bump(sig.agency_id, terms + [COUNT_TERM], -1)
    db.session.delete(sig)
    db.session.flush()


def index_case(case: Case) -> dict:
    """(Re)index one request; returns its signature. Flushes, never commits."""
    unindex_case(case.id)
    features = signature_for(case)
    terms = similarity.index_terms(features)
    db.session.add(Signature(case_id=case.id, agency_id=case.agency_id, features=features))
    if terms:
        db.session.execute(sa.insert(Posting), [{"agency_id": case.agency_id, "term": t, "case_id": case.id}
                                                 for t in terms])
    _bump(case.agency_id, terms + [COUNT_TERM], 1)
    db.session.flush()
    return features


def index_cases(cases) -> int:
    """Index many requests at once (demo data, a backfill); returns how many were indexed."""
    n = 0
    for case in cases:
        index_case(case)
        n += 1
    return n


def bulk_index(agency, rows, *, chunk: int = 5000) -> int:
    """Index many requests of one agency that are not indexed yet: rows of (case_id, text[, received_on]).

    For demo data and benchmarks: the signatures, postings and counts go in with a few large
    inserts instead of one small write per request."""
    insert = _insert()
    df: dict[str, int] = {}
    n = 0
    batch_sigs, batch_posts = [], []

    def flush():
        if batch_sigs:
            db.session.execute(sa.insert(Signature), batch_sigs)
        if batch_posts:
            db.session.execute(sa.insert(Posting), batch_posts)
        batch_sigs.clear()
        batch_posts.clear()

    for row in rows:
        case_id, text = row[0], row[1]
        received_on = row[2] if len(row) > 2 else None
        features = similarity.extract_features(text, strip=[agency.name], received_on=received_on)
        terms = similarity.index_terms(features)
        batch_sigs.append({"case_id": case_id, "agency_id": agency.id, "features": features})
        batch_posts.extend({"agency_id": agency.id, "term": t, "case_id": case_id} for t in terms)
        for t in terms + [COUNT_TERM]:
            df[t] = df.get(t, 0) + 1
        n += 1
        if len(batch_sigs) >= chunk:
            flush()
    flush()
    items = [{"agency_id": agency.id, "term": t, "df": c} for t, c in df.items()]
    for i in range(0, len(items), chunk):
        stmt = insert(TermStat).values(items[i:i + chunk])
        db.session.execute(stmt.on_conflict_do_update(index_elements=["agency_id", "term"],
                                                      set_={"df": TermStat.df + stmt.excluded.df}))
    db.session.flush()
    return n


def index_unindexed(agency_id: int | None = None, *, limit: int | None = None) -> int:
    """Index the requests that have no signature yet (optionally of one agency)."""
    q = sa.select(Case).outerjoin(Signature, Signature.case_id == Case.id).where(Signature.case_id.is_(None))
    if agency_id is not None:
        q = q.where(Case.agency_id == agency_id)
    if limit:
        q = q.limit(limit)
    return index_cases(list(db.session.scalars(q.order_by(Case.id))))


BACKLOG_PER_SWEEP = 5000  # requests indexed per daily sweep when older data has none (about 6 s)


def index_backlog(today) -> dict[str, int]:
    """The daily sweep's step (caseapp.jobs.sweep): index requests filed before the similarity index,
    a bounded batch a day."""
    return {"requests_indexed": index_unindexed(limit=BACKLOG_PER_SWEEP)}


def _signature(case: Case) -> dict:
    # Read paths never write: a request not indexed yet (older data) is compared from its text.
    sig = db.session.get(Signature, case.id)
    return sig.features if sig is not None else signature_for(case)


def _dfs(agency_id: int, terms) -> dict[str, int]:
    terms = list(set(terms))
    out: dict[str, int] = {}
    for i in range(0, len(terms), 900):
        chunk = terms[i:i + 900]
        out.update(db.session.execute(sa.select(TermStat.term, TermStat.df).where(
            TermStat.agency_id == agency_id, TermStat.term.in_(chunk))).all())
    return out


def query_plan(special: list[str], words: list[str], stats: dict[str, int], n: int) -> list[tuple[str, int | None]]:
    """The terms that retrieve a request's candidates, rarest first, each with how many of its latest
    postings to read (None: all of them); `stats` holds the terms' document frequencies among the
    agency's `n` requests."""
    frequent = max(FREQUENT_MIN_DF, FREQUENT_SHARE * n)
    ordered = sorted(special, key=lambda t: stats.get(t, 0)) + sorted(words, key=lambda t: (stats.get(t, 0), t))
    plan: list[tuple[str, int | None]] = []
    budget = POSTINGS_BUDGET
    for term in ordered:
        df = stats.get(term, 0)
        if len(plan) >= QUERY_WORDS + len(special):
            break
        if df > frequent and not term.startswith("#"):
            continue
        if df <= budget:
            plan.append((term, None))
            budget -= df
        elif len(plan) < MIN_QUERY_TERMS:
            plan.append((term, min(df, WINDOW)))
        else:
            break
    return plan


def _candidates(case: Case, plan: list[tuple[str, int | None]]) -> sa.Select:
    """The requests that share the most of the plan's terms with this one: (case_id, hits), at most CANDIDATES."""
    whole = [term for term, window in plan if window is None]
    parts = []
    if whole:
        parts.append(sa.select(Posting.case_id).where(Posting.agency_id == case.agency_id, Posting.term.in_(whole),
                                                       Posting.case_id != case.id))
    for term, window in plan:
        if window is not None:  # the latest postings of a term too frequent to read whole
            latest = (sa.select(Posting.case_id)
                      .where(Posting.agency_id == case.agency_id, Posting.term == term, Posting.case_id != case.id)
                      .order_by(Posting.case_id.desc()).limit(window).subquery())
            parts.append(sa.select(latest.c.case_id))
    found = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()
    hits = sa.func.count().label("hits")
    return (sa.select(found.c.case_id, hits).group_by(found.c.case_id)
            .order_by(hits.desc(), found.c.case_id.desc()).limit(CANDIDATES))


def find_similar(case: Case, *, threshold: float | None = None, limit: int = MAX_RESULTS) -> list[Match]:
    """Earlier or later requests to the same agency that ask for the same information, best first.

    Candidates come from the inverted index (the request's discriminating parts and its rarest
    words); only those are compared (caseapp.disclosure.similarity.compare, through the agency's
    vocabulary). A pair a clerk called the same information is always offered, one they called
    different never is.
    """
    threshold = similarity.THRESHOLD if threshold is None else threshold
    features = _signature(case)
    feedback = feedback_of(case.id)
    words = list(features.get("w", ()))
    vocabulary = vocabulary_of(case.agency_id)
    special = [t for t in similarity.index_terms(features) if t.startswith("#")]
    stats = _dfs(case.agency_id, words + special + [COUNT_TERM])
    n = max(stats.get(COUNT_TERM, 1), 1)
    plan = query_plan(special, words, stats, n)
    ids = [r.case_id for r in db.session.execute(_candidates(case, plan)).all()] if plan else []
    ids = list(dict.fromkeys(ids + [cid for cid, same in feedback.items() if same]))
    if not ids:
        return []
    sigs = dict(db.session.execute(sa.select(Signature.case_id, Signature.features)
                                   .where(Signature.case_id.in_(ids))).all())
    for cid in ids:  # a confirmed pair whose other request is not indexed yet
        if cid not in sigs and feedback.get(cid):
            other = db.session.get(Case, cid)
            if other is not None and other.agency_id == case.agency_id:
                sigs[cid] = signature_for(other)
    all_words = set(words)
    for f in sigs.values():
        all_words.update(f.get("w", ()))
    stats.update(_dfs(case.agency_id, all_words - set(stats)))
    idf = {t: similarity.idf_value(stats.get(t, 0), n) for t in all_words}
    default = similarity.idf_value(0, n)
    matches = []
    for cid, f in sigs.items():
        said = feedback.get(cid)
        if said is False:
            continue
        c = similarity.compare(features, f, idf, default, vocabulary)
        if said:
            matches.append(Match(cid, max(round(c.score, 3), threshold),
                                 (similarity.Reason("confirmed", ""), *c.reasons), True))
        elif c.score >= threshold:
            matches.append(Match(cid, round(c.score, 3), tuple(c.reasons)))
    matches.sort(key=lambda m: (not m.confirmed, -m.score, -m.case_id))
    return matches[:limit]


def _on_registered(event) -> None:
    """Index a newly registered request in the same transaction (a failure never blocks filing)."""
    if event.case_id is None:
        return
    case = db.session.get(Case, event.case_id)
    if case is None:
        return
    try:
        with db.session.begin_nested():
            index_case(case)
    except Exception:  # noqa: BLE001 - the index can be rebuilt; filing must not fail for it
        log.exception("could not index case %s for similarity", event.case_id)


subscribe("case.registered", _on_registered)
