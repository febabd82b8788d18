"""Table 2 of the annual report (二、主动公开政府信息情况, 国办公开办函〔2021〕30号): its official rows,
and saving an agency's figures for a year (typed on the entry page or imported from CSV).

The table does not come from request cases: the office enters it. The official form has four
blocks, each under the article of the Regulations it reports on (Art. 20 items 1, 5, 6 and 8).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from caseapp.accounts.models import Agency
from caseapp.core.audit import record_event
from caseapp.core.errors import TransitionError, ValidationError
from caseapp.extensions import db
from caseapp.stats.models import TABLE2_CELLS, TABLE2_COUNT_CELLS, Table2Entry
from caseapp.stats.report import published_figures

TABLE2_TITLE = "主动公开政府信息情况"
MAX_COUNT = 10**9


@dataclass(frozen=True)
class Block:
    """One block of Table 2: the article, its column heads and its rows (label, cell keys)."""

    article: str
    heads: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Layout:
    blocks: tuple[Block, ...]

    def cell_names(self) -> list[tuple[str, str]]:
        """(cell key, official name such as "规章 本年制发件数") in the form's order."""
        return [(key, f"{label} {head}") for b in self.blocks for label, keys in b.rows
                for key, head in zip(keys, b.heads)]


TABLE2_LAYOUT = Layout((
    Block("第二十条第（一）项", ("本年制发件数", "本年废止件数", "现行有效件数"), (
        ("规章", ("rules_made", "rules_repealed", "rules_in_force")),
        ("行政规范性文件", ("normative_made", "normative_repealed", "normative_in_force")),
    )),
    Block("第二十条第（五）项", ("本年处理决定数量",), (("行政许可", ("licensing_decisions",)),)),
    Block("第二十条第（六）项", ("本年处理决定数量",), (
        ("行政处罚", ("penalty_decisions",)),
        ("行政强制", ("enforcement_decisions",)),
    )),
    Block("第二十条第（八）项", ("本年收费金额（单位：万元）",), (("行政事业性收费", ("fees_amount",)),)),
))
CELL_NAMES = dict(TABLE2_LAYOUT.cell_names())
assert set(CELL_NAMES) == set(TABLE2_CELLS)


def get_table2(year: int, agency: Agency | None) -> Table2Entry | None:
    """The agency's Table 2 of the year, or None when nothing was entered."""
    if agency is None:
        return None
    return db.session.scalar(sa.select(Table2Entry).where(Table2Entry.agency_id == agency.id,
                                                          Table2Entry.year == year))


def clean_table2(values: dict) -> dict:
    """Typed cells from strings or numbers (a blank stays None); ValidationError names each bad cell."""
    out, errors = {}, {}
    for key in TABLE2_CELLS:
        raw = values.get(key)
        raw = raw.strip().replace(",", "") if isinstance(raw, str) else raw
        if raw in (None, ""):
            out[key] = None
            continue
        try:
            number = Decimal(str(raw))
        except InvalidOperation:
            errors[key] = _l("Please enter a number.")
            continue
        if number < 0 or number > MAX_COUNT:
            errors[key] = _l("Please enter a number from 0 to %(max)s.", max=MAX_COUNT)
        elif key in TABLE2_COUNT_CELLS:
            if number != number.to_integral_value():
                errors[key] = _l("Please enter a whole number.")
            else:
                out[key] = int(number)
        elif number != number.quantize(Decimal("0.0001")):
            errors[key] = _l("Please give the amount in 10,000 yuan with at most four decimals.")
        else:
            out[key] = number.quantize(Decimal("0.0001"))
    if errors:
        raise ValidationError(_l("Some figures of Table 2 are not valid."), errors=errors)
    return out


def _jsonable(cells: dict) -> dict:
    """Cells for an audit event or a published report (the amount as its decimal text)."""
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in cells.items()}


def save_table2(agency: Agency, year: int, values: dict, *, actor) -> Table2Entry:
    """Enter or correct the agency's Table 2 of the year (one audit event with before and after)."""
    if published_figures(year, agency) is not None:
        raise TransitionError(_l("The report of %(year)s is already published; its figures are frozen.", year=year))
    cells = clean_table2(values)
    entry = get_table2(year, agency)
    before = _jsonable(entry.cells()) if entry is not None else None
    if entry is None:
        entry = Table2Entry(agency_id=agency.id, year=year)
        db.session.add(entry)
    for key, value in cells.items():
        setattr(entry, key, value)
    entry.updated_by_id = getattr(actor, "id", None)
    record_event("report.table2_saved", actor=actor, agency_id=agency.id,
                 before={"year": year, **before} if before else None,
                 after={"year": year, **_jsonable(cells)})
    db.session.flush()
    return entry


def parse_table2_csv(text: str) -> dict:
    """Table 2 from a CSV of two columns, 项目 (the official cell name, e.g. "规章 本年制发件数", or
    the cell key) and 数值; a header row is optional. ValidationError names unknown rows."""
    by_name = {name: key for key, name in CELL_NAMES.items()}
    values, unknown = {}, []
    for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))):
        if not row or not "".join(row).strip():
            continue
        name = row[0].strip()
        if name in ("项目", "cell"):
            continue
        key = by_name.get(name) or (name if name in CELL_NAMES else None)
        if key is None:
            unknown.append(name)
            continue
        values[key] = row[1] if len(row) > 1 else ""
    if unknown:
        raise ValidationError(_l("Unknown rows in the file: %(rows)s.", rows="、".join(unknown[:10])),
                              errors={"file": _l("Unknown rows in the file: %(rows)s.", rows="、".join(unknown[:10]))})
    return values
