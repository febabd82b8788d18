"""`flask --app wsgi caseapp` commands of the similarity: an agency's vocabulary from a CSV file,
the clerks' answers exported in the labelled set's format, and rebuilding the index.

- `vocabulary-import FILE.csv --agency CODE [--dry-run]`: columns 类型 (同义词 | 上位词, or synonym |
  umbrella), 词语 (term), 同义词或组成部分 (variants, separated by 、 or commas). Each valid row is
  saved in its own transaction (a term already there is replaced); a row with a problem is named
  and skipped. The dry run writes nothing.
- `similarity-export FILE.jsonl [--agency CODE]`: the requests clerks judged, one JSON object per
  line as in tests/data/similarity/requests.jsonl; requests judged the same share an item.
- `similarity-reindex [--agency CODE] [--missing]`: index every request again (after the matcher
  changed), or only those without a signature (`make run` does this after upgrading).
"""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import click
import sqlalchemy as sa

from caseapp.accounts.operations import get_agency_by_code
from caseapp.cases.models import Case
from caseapp.core.db import writing
from caseapp.core.errors import DomainError
from caseapp.disclosure import index
from caseapp.disclosure.models import Signature, SimilarityFeedback
from caseapp.disclosure.operations import add_vocabulary_entry
from caseapp.extensions import db

HEADERS = {"kind": ("类型", "类别", "kind"), "term": ("词语", "词", "term"),
           "variants": ("同义词或组成部分", "同义词", "组成部分", "variants")}
KIND_WORDS = {"同义词": "synonym", "synonym": "synonym", "上位词": "umbrella", "总称": "umbrella", "umbrella": "umbrella"}


def read_vocabulary_csv(text: str) -> tuple[list[tuple[int, dict]], list[tuple[int, str, str]]]:
    """Rows of a vocabulary CSV: ([(line, {kind, term, variants})], [(line, column, problem)])."""
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None) or []
    columns = {}
    for name, aliases in HEADERS.items():
        found = [i for i, h in enumerate(header) if h.strip().lower() in aliases]
        if found:
            columns[name] = found[0]
    missing = [HEADERS[n][0] for n in HEADERS if n not in columns]
    if missing:
        return [], [(1, "、".join(missing), "缺少列：" + "、".join(missing) + "（表头应为 类型,词语,同义词或组成部分）")]
    rows, problems = [], []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        value = lambda n: cells[columns[n]].strip() if columns[n] < len(cells) else ""  # noqa: E731
        kind = KIND_WORDS.get(value("kind").lower())
        if kind is None:
            problems.append((line, HEADERS["kind"][0], f"类型“{value('kind')}”无法识别，应为“同义词”或“上位词”"))
            continue
        rows.append((line, {"kind": kind, "term": value("term"), "variants": value("variants")}))
    return rows, problems


@click.command("vocabulary-import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", required=True, help="The agency's code.")
@click.option("--dry-run", is_flag=True, help="Check the file and write nothing.")
def vocabulary_import_cmd(file: Path, agency_code: str, dry_run: bool):
    """Import an agency's synonyms and umbrella terms from FILE (CSV, UTF-8)."""
    agency = get_agency_by_code(agency_code)
    if agency is None:
        raise click.ClickException(f"No agency {agency_code}.")
    try:
        text = file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise click.ClickException("文件不是 UTF-8 编码的文本。") from None
    rows, problems = read_vocabulary_csv(text)
    saved = 0
    for line, row in rows:
        with writing():
            try:
                add_vocabulary_entry(agency, actor=None, **row)
            except DomainError as err:
                db.session.rollback()
                field = next(iter(getattr(err, "errors", None) or {"term": None}))
                problems.append((line, {"kind": "类型", "term": "词语", "variants": "同义词或组成部分"}.get(field, field),
                                 str(err.message)))
                continue
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
            saved += 1
    for line, column, problem in sorted(problems):
        click.echo(f"第{line}行 {column}：{problem}", err=True)
    verb = "可导入" if dry_run else "已导入"
    click.echo(f"{verb} {saved} 条，问题 {len(problems)} 处。")
    if problems:
        raise SystemExit(1)


@click.command("similarity-export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--agency", "agency_code", default=None, help="Only this agency's judgements.")
def similarity_export_cmd(file: Path, agency_code: str | None):
    """Write the requests clerks judged to FILE in the labelled set's format (JSON lines)."""
    q = sa.select(SimilarityFeedback)
    if agency_code:
        agency = get_agency_by_code(agency_code)
        if agency is None:
            raise click.ClickException(f"No agency {agency_code}.")
        q = q.where(SimilarityFeedback.agency_id == agency.id)
    judged = db.session.scalars(q).all()
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for row in judged:
        root(row.case_id), root(row.other_case_id)
        if row.same:
            parent[root(row.case_id)] = root(row.other_case_id)
    cases = db.session.scalars(sa.select(Case).where(Case.id.in_(list(parent)))).all() if parent else []
    with file.open("w", encoding="utf-8") as fh:
        for case in sorted(cases, key=lambda c: c.id):
            fh.write(json.dumps({
                "id": case.tracking_number, "agency": case.agency.code, "agency_name": case.agency.name,
                "agency_kind": "", "received_on": case.received_on.isoformat(), "text": case.description or "",
                "document_ref": case.document_ref or "", "item": f"feedback-{root(case.id)}",
                "classes": ["feedback"], "split": "train"}, ensure_ascii=False) + "\n")
    click.echo(f"Wrote {len(cases)} requests from {len(judged)} judgements to {file}.")


@click.command("similarity-reindex")
@click.option("--agency", "agency_code", default=None, help="Only this agency's requests.")
@click.option("--missing", is_flag=True, help="Only requests not indexed yet (after an upgrade emptied the index).")
def similarity_reindex_cmd(agency_code: str | None, missing: bool):
    """Index every request again (the index is derived from the requests' text)."""
    q = sa.select(Case).order_by(Case.id)
    if missing:
        q = q.outerjoin(Signature, Signature.case_id == Case.id).where(Signature.case_id.is_(None))
    if agency_code:
        agency = get_agency_by_code(agency_code)
        if agency is None:
            raise click.ClickException(f"No agency {agency_code}.")
        q = q.where(Case.agency_id == agency.id)
    n = 0
    with writing():
        for case in db.session.scalars(q).yield_per(500):
            index.index_case(case)
            n += 1
            if n % 1000 == 0:
                db.session.commit()
        db.session.commit()
    click.echo(f"Indexed {n} requests.")


COMMANDS = (vocabulary_import_cmd, similarity_export_cmd, similarity_reindex_cmd)

