"""Chinese full-text search over cases: jieba segmentation into `case_search`, matched by the database.

The segmented text (words separated by spaces) lives in the ordinary table `case_search`, one row
per case. The database does the matching:
- SQLite: an FTS5 table `case_search_fts` over that table (external content, kept in step by
  triggers); both are created by migration c1office0001.
- PostgreSQL: the stored generated column `body_tsv` (to_tsvector('simple', body), migration
  e8pgscale01) with a GIN index, queried with to_tsquery('simple', ...).

A query that matches few cases is answered from the full-text index (every match, then sorted). One
that matches many (a frequent word in an agency of a million cases) would collect tens of thousands
of matches for a page of 50; with `common=True` the listing instead walks the cases in its own order
and checks each case's stored tsvector, stopping at the page (PostgreSQL; SQLite keeps the FTS5 plan).

Rows are written by `index_case` whenever a case is inserted or its searchable text changes (an
ORM hook, so that every registration and correction path is covered), and in bulk by
`index_rows` for loaders that insert cases without the ORM (the demo data).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from functools import lru_cache

import jieba
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column

from caseapp.cases.models import Case
from caseapp.extensions import db

jieba.setLogLevel(logging.WARNING)

FTS_TABLE = "case_search_fts"
PG_INDEX = "ix_case_search_body_tsv"
PG_TSVECTOR = "body_tsv"  # PostgreSQL only: a generated column the models do not describe
# Database objects that the full-text machinery adds outside the ORM metadata: schema comparisons
# (alembic autogenerate / compare_metadata) must ignore them, see `include_name`.
SQLITE_OBJECTS = frozenset({FTS_TABLE, *(f"{FTS_TABLE}_{s}" for s in ("data", "idx", "content", "docsize", "config"))})
SEARCHABLE_FIELDS = ("applicant_name", "description", "document_ref", "correction_response")
# Personal names are not in jieba's dictionary: index every part of a short name, so that
# "欧阳", "阳明" or "明" find 欧阳明 (a LIKE over the cases table would read every row).
SHORT_NAME = 6
_WORD = re.compile(r"^\w+$")
# Letters, then "-" and digits: a tracking number like SFJY-2026-000123, whole or begun.
_TRACKING_NUMBER = re.compile(r"^[A-Za-z][A-Za-z0-9]*-\d{4}(-\d*)?$|^[A-Za-z][A-Za-z0-9]*-\d{0,4}$")
MAX_QUERY_LENGTH = 100


class CaseSearch(db.Model):
    """The segmented searchable text of one case."""

    __tablename__ = "case_search"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)


def include_name(name, type_, parent_names) -> bool:
    """Alembic `include_name` hook: skip the FTS5 tables and PostgreSQL's tsvector column and its index."""
    if type_ == "table" and name in SQLITE_OBJECTS:
        return False
    if type_ == "index" and name == PG_INDEX:
        return False
    table = (parent_names or {}).get("table_name")
    return not (type_ == "column" and name == PG_TSVECTOR and table == CaseSearch.__tablename__)


@lru_cache(maxsize=4096)
def _cut_for_search(text: str) -> tuple[str, ...]:
    return tuple(jieba.cut_for_search(text))


def segment(*texts: str | None) -> str:
    """The words of the texts for indexing (jieba search mode: words and their shorter parts), space separated."""
    words: list[str] = []
    for text in texts:
        if not text:
            continue
        for word in _cut_for_search(text):
            word = word.strip().lower()
            if word and _WORD.match(word):
                words.append(word)
    return " ".join(words)


def query_groups(query: str) -> list[tuple[str, tuple[str, ...]]]:
    """The query's words, each with the shorter words it contains (a word matches as itself or as all its parts).

    Searching for "义务教育" must find a text that jieba, in its context, cut as "义务" + "教育".
    """
    groups = []
    seen = set()
    for word in jieba.cut((query or "")[:MAX_QUERY_LENGTH]):
        word = word.strip().lower()
        if not word or not _WORD.match(word) or word in seen:
            continue
        seen.add(word)
        parts = tuple(p for p in (w.lower() for w in _cut_for_search(word)) if p != word and _WORD.match(p))
        groups.append((word, parts))
    return groups


def _boolean_expression(groups, *, quote_char: str, and_op: str, or_op: str) -> str:
    """Every word must match, either whole or as all of its search-mode parts."""
    def quote(token: str) -> str:
        return quote_char + token.replace(quote_char, quote_char * 2) + quote_char

    terms = []
    for word, parts in groups:
        if parts:
            terms.append(f"({quote(word)} {or_op} ({f' {and_op} '.join(quote(p) for p in parts)}))")
        else:
            terms.append(quote(word))
    return f" {and_op} ".join(terms)


def _fts5_expression(groups) -> str:
    return _boolean_expression(groups, quote_char='"', and_op="AND", or_op="OR")


def _tsquery_expression(groups) -> str:
    return _boolean_expression(groups, quote_char="'", and_op="&", or_op="|")


def _dialect() -> str:
    return db.session.get_bind().dialect.name


# case_search as PostgreSQL has it, with the stored tsvector.
_PG_SEARCH = sa.table(CaseSearch.__tablename__, sa.column("case_id"), sa.column(PG_TSVECTOR))


def _pg_tsquery(groups):
    return sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), _tsquery_expression(groups))


def matching_case_ids(query: str) -> sa.Select | None:
    """A SELECT of the ids of cases whose text matches every word of the query, or None for no words."""
    groups = query_groups(query)
    if not groups:
        return None
    if _dialect() == "postgresql":
        return sa.select(_PG_SEARCH.c.case_id).where(_PG_SEARCH.c[PG_TSVECTOR].bool_op("@@")(_pg_tsquery(groups)))
    fts = sa.table(FTS_TABLE, sa.column("rowid"))
    return sa.select(fts.c.rowid).where(sa.literal_column(FTS_TABLE).op("MATCH")(_fts5_expression(groups)))


def _each_case_matches(query: str) -> sa.ColumnElement | None:
    """PostgreSQL: a condition on each case row by itself (its stored tsvector matches the query), or
    None for no words. A scalar subquery, which the planner keeps per row instead of turning it into a
    join: a listing walks its ordering index and stops at the page instead of collecting every match."""
    groups = query_groups(query)
    if not groups:
        return None
    tsquery = sa.select(_pg_tsquery(groups)).scalar_subquery()  # parsed once per statement
    return (sa.select(_PG_SEARCH.c[PG_TSVECTOR].bool_op("@@")(tsquery))
            .where(_PG_SEARCH.c.case_id == Case.id).correlate(Case).scalar_subquery())


def search_cases(query: str, base_query: sa.Select, *, common: bool = False) -> sa.Select:
    """Narrow a SELECT of cases to those matching the query: tracking number, or the full text (which
    holds the applicant's name as well as the description).

    `common`: the caller knows the query matches many cases (more than its count limit); on
    PostgreSQL each listed case is then checked by itself (the same cases, a plan that reads a page's
    worth of rows instead of every match)."""
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    if not query:
        return base_query
    if _TRACKING_NUMBER.match(query):
        # A tracking number or the start of one, e.g. "SFJY-2026-000123" or "sfjy-2026-0001".
        number = query.upper()
        exact = db.session.scalar(sa.select(Case.id).where(Case.tracking_number == number))
        if exact is not None:
            return base_query.where(Case.id == exact)
        return base_query.where(Case.tracking_number.startswith(number, autoescape=True))
    if common and _dialect() == "postgresql":
        condition = _each_case_matches(query)
        return base_query.where(condition if condition is not None else sa.false())
    ids = matching_case_ids(query)
    return base_query.where(Case.id.in_(ids) if ids is not None else sa.false())


def name_parts(name: str | None) -> list[str]:
    """Every substring of a short name (a person's), or the jieba words of a longer one (an organisation's)."""
    name = (name or "").strip().lower()
    if not name:
        return []
    if len(name) > SHORT_NAME or not _WORD.match(name):
        return segment(name).split()
    return [name[i:j] for i in range(len(name)) for j in range(i + 1, len(name) + 1)]


def body_for(values) -> str:
    """The indexed text of a case (an object or a dict with the searchable fields)."""
    get = values.get if isinstance(values, dict) else (lambda f: getattr(values, f))
    words = name_parts(get("applicant_name"))
    text = segment(*(get(f) for f in SEARCHABLE_FIELDS if f != "applicant_name"))
    return " ".join(words + ([text] if text else []))


def index_case(case: Case, connection: sa.Connection | None = None) -> None:
    """Store (or replace) the case's segmented text; the database's full-text index follows."""
    body = body_for(case)
    execute = connection.execute if connection is not None else db.session.execute
    table = CaseSearch.__table__
    updated = execute(sa.update(table).where(table.c.case_id == case.id).values(body=body))
    if updated.rowcount == 0:
        execute(sa.insert(table).values(case_id=case.id, body=body))


def index_rows(rows: Iterable[dict], chunk: int = 5000) -> int:
    """Bulk-index freshly inserted cases given as dicts with `id` and the searchable fields; returns the count."""
    table = CaseSearch.__table__
    batch: list[dict] = []
    count = 0
    for row in rows:
        batch.append({"case_id": row["id"], "body": body_for(row)})
        if len(batch) >= chunk:
            db.session.execute(sa.insert(table), batch)
            count += len(batch)
            batch = []
    if batch:
        db.session.execute(sa.insert(table), batch)
        count += len(batch)
    return count


def rebuild_index() -> int:
    """Re-segment every case (after a change of dictionary or a bulk import); returns the count."""
    db.session.execute(sa.delete(CaseSearch.__table__))
    cols = [Case.id, *(getattr(Case, f) for f in SEARCHABLE_FIELDS)]
    rows = [dict(r._mapping) for r in db.session.execute(sa.select(*cols))]
    return index_rows(rows)


@event.listens_for(Case, "after_insert")
def _index_new_case(_mapper, connection, case):
    index_case(case, connection)


@event.listens_for(Case, "after_update")
def _reindex_changed_case(_mapper, connection, case):
    state = sa.inspect(case)
    if any(state.attrs[f].history.has_changes() for f in SEARCHABLE_FIELDS):
        index_case(case, connection)
