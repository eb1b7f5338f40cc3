"""The CSV / Excel file of an export (invoices, settlement statements): CSV in UTF-8 with a BOM (Excel
opens it right), a workbook with amounts as numbers; user text is written as text, never a formula
(``sla.exports``)."""

import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from sla.exports import csv_writer, xlsx_append

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_response(
    *, as_: str | None, name: str, sheet: str, headers: list[str], rows: Iterable[list], numbers: Sequence[int]
) -> HttpResponse:
    """``rows`` as ``name``.csv, or ``name``.xlsx when ``as_`` is "xlsx" (columns ``numbers`` as numbers)."""
    if as_ == "xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        worksheet = book.create_sheet(sheet)
        xlsx_append(worksheet, headers)
        for row in rows:
            xlsx_append(worksheet, [float(v) if i in numbers else v for i, v in enumerate(row)])
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response.write("\ufeff")
    writer = csv_writer(response)  # user text (customer and partner names) as text, never a formula
    writer.writerow(headers)
    writer.writerows(rows)
    return response
