"""Spreadsheet exports (issue 11): what a person typed is written as text, never as a formula.

A customer named ``=HYPERLINK(...)`` or a reason starting with ``+``, ``-``, ``@``, a tab or a carriage
return would be run as a formula by Excel or LibreOffice when the CSV or .xlsx file is opened (CSV /
formula injection). Every exporter writes its cells through this module: such text gets a leading
``'`` (as OWASP suggests) and, in .xlsx files, the cell is a string cell whatever its value. Numbers
(int, Decimal, float) and dates stay what they are, so sums and sorting work in the spreadsheet.

Every app imports sla, so exporters anywhere use ``csv_writer`` and ``xlsx_append``.
"""

import csv
from datetime import date, datetime
from decimal import Decimal

from openpyxl.cell.cell import Cell

# What a spreadsheet reads as the start of a formula (OWASP "CSV Injection").
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_TYPES = (int, float, Decimal)


def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def safe_value(value):
    """A cell's value: numbers and dates as they are, None as empty, anything else as safe text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (*NUMBER_TYPES, date, datetime)):
        return value
    return safe_text(str(value))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_value(v) for v in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeWriter:
    """A ``csv.writer`` on ``stream`` whose rows are neutralised cell by cell."""
    return _SafeWriter(csv.writer(stream, **kwargs))


def xlsx_cell(sheet, value):
    """One openpyxl cell for ``sheet`` (normal or write-only): text is a string cell, never a formula."""
    if value is None:
        return None  # an empty cell
    value = safe_value(value)
    if isinstance(value, str):
        cell = Cell(sheet, row=1, column=1, value=value)  # append() puts it in its place
        cell.data_type = "s"  # even if openpyxl guessed a formula from the text
        return cell
    return value


def xlsx_append(sheet, row) -> None:
    """Append ``row`` to ``sheet`` with every text cell neutralised (``xlsx_cell``)."""
    sheet.append([xlsx_cell(sheet, v) for v in row])
