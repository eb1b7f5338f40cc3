"""Issue 11: the shared export helper (sla.exports) writes text that starts like a formula
(= + - @, tab, CR) as text — a leading ' and, in .xlsx, a string cell — and keeps numbers numbers."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from sla.exports import csv_writer, safe_value, xlsx_append

FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","点我")']


@pytest.mark.parametrize("text", FORMULAS)
def test_text_that_starts_like_a_formula_gets_a_quote(text):
    assert safe_value(text) == "'" + text


def test_plain_text_numbers_and_dates_stay_as_they_are():
    assert safe_value("客户 =1") == "客户 =1" and safe_value("A") == "A" and safe_value("") == ""
    assert safe_value(-5) == -5 and safe_value(Decimal("-12.50")) == Decimal("-12.50") and safe_value(1.5) == 1.5
    assert safe_value(date(2026, 11, 1)) == date(2026, 11, 1)
    assert safe_value(None) == ""


def test_csv_rows_are_neutralised_cell_by_cell():
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(["名称", "金额"])
    writer.writerows([[text, Decimal("-3.00")] for text in FORMULAS])
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["名称", "金额"]
    assert [r[0] for r in rows[1:]] == ["'" + t for t in FORMULAS]
    assert {r[1] for r in rows[1:]} == {"-3.00"}  # a negative number is a number, not a formula


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_cells_are_strings_and_numbers_stay_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("s") if write_only else book.active
    for text in FORMULAS:
        xlsx_append(sheet, [text, None, 7, Decimal("-2.5")])
    buffer = io.BytesIO()
    book.save(buffer)
    rows = list(load_workbook(io.BytesIO(buffer.getvalue())).worksheets[-1].iter_rows())
    assert len(rows) == len(FORMULAS)
    for row, text in zip(rows, FORMULAS, strict=True):
        # (XML reads a carriage return back as a line feed; the quote is what matters)
        assert (row[0].data_type, row[0].value) == ("s", ("'" + text).replace("\r", "\n"))
        assert row[1].value is None
        assert (row[2].data_type, row[2].value) == ("n", 7)
        assert (row[3].data_type, row[3].value) == ("n", -2.5)
