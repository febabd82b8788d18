"""Spreadsheet cells that show what they hold: row heights for wrapped text, dates as dates.

Neither Excel nor LibreOffice grows a row for wrapped text in merged cells, and Excel keeps a row's
stored height, so a long label in the annual report was cut to its first line. The height is
computed from the text's width (a Chinese character is about two of Excel's width units, a
Latin letter or digit one) against the width of the columns the cell spans.
"""
from __future__ import annotations

import math
import unicodedata
from datetime import date, datetime

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
DEFAULT_COLUMN_WIDTH = 8.43  # Excel's, in width units
LINE_FACTOR = 1.3  # a line of text is about 1.3 times its font size (points)
PADDING = 4.0  # points above and below the text of a cell


def text_units(text: str) -> float:
    """The width of one line of text in Excel width units (wide East Asian characters count two)."""
    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.1 for ch in text)


def line_count(text, width_units: float) -> int:
    """How many lines `text` takes wrapped in a cell `width_units` wide (explicit breaks kept)."""
    usable = max(width_units - 1.0, 1.0)  # the cell's inner margins
    return sum(max(1, math.ceil(text_units(part) / usable)) for part in str(text).split("\n"))


def _column_width(ws, column: int) -> float:
    from openpyxl.utils import get_column_letter

    width = ws.column_dimensions[get_column_letter(column)].width
    return width or DEFAULT_COLUMN_WIDTH


def fit_row_heights(ws, first_row: int = 1) -> None:
    """Set the height of every row from `first_row` on so that each wrapped cell shows every line;
    a merged cell's lines are shared by the rows it spans (they grow evenly when too short)."""
    spans = {}
    for merged in ws.merged_cells.ranges:
        spans[(merged.min_row, merged.min_col)] = (merged.max_row, merged.max_col)
    needs = {}  # row -> points, from the cells of one row
    tall = []  # (first row, last row, points) of cells over several rows
    for row in ws.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None or cell.value == "" or not hasattr(cell, "column"):
                continue
            last_row, last_col = spans.get((cell.row, cell.column), (cell.row, cell.column))
            size = (cell.font.sz if cell.font is not None and cell.font.sz else 11.0)
            wraps = cell.alignment is not None and cell.alignment.wrap_text
            width = sum(_column_width(ws, c) for c in range(cell.column, last_col + 1))
            lines = line_count(cell.value, width) if wraps else 1
            points = lines * size * LINE_FACTOR + PADDING
            if last_row == cell.row:
                needs[cell.row] = max(needs.get(cell.row, 0.0), points)
            else:
                tall.append((cell.row, last_row, points))
    heights = {r: needs.get(r, 0.0) for r in range(first_row, ws.max_row + 1)}
    for top, bottom, points in tall:
        rows = range(top, bottom + 1)
        short = points - sum(heights[r] or 15.0 for r in rows)
        if short > 0:
            for r in rows:
                heights[r] = (heights[r] or 15.0) + short / len(rows)
    for r, points in heights.items():
        if points:
            ws.row_dimensions[r].height = round(max(points, ws.row_dimensions[r].height or 0.0), 1)


def date_cell(ws, value):
    """A write-only cell for a date or date-time with its number format; other values pass as they are."""
    if not isinstance(value, date):
        return value
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # spreadsheets have no zones: the local time as shown
    cell = WriteOnlyCell(ws, value=value)
    cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
    return cell
