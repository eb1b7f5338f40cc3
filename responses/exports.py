"""Rendering of the monthly response report (月响应通报, R1.22): table layout shared by the page and the
Excel file (openpyxl, one sheet per section, headers in the interface language — Simplified Chinese by
default)."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from sla.exports import xlsx_append

from .selectors import TOTAL, MonthReport

# section → (title, [(key, header)]); the order of the sheets and of the page's tables.
SECTIONS = {
    "handled": (
        gettext_lazy("Steps handled"),
        [
            ("department", gettext_lazy("Department")),
            ("level", gettext_lazy("Level")),
            ("handled", gettext_lazy("Handled")),
            ("on_time", gettext_lazy("On time (assessed limit)")),
            ("overtime", gettext_lazy("Overtime (assessed limit)")),
            ("on_time_rate", gettext_lazy("On-time rate (%)")),
            ("served_on_time", gettext_lazy("On time (served limit)")),
            ("served_overtime", gettext_lazy("Overtime (served limit)")),
            ("avg_late_hours", gettext_lazy("Average lateness (h)")),
            ("worst_late_hours", gettext_lazy("Worst lateness (h)")),
        ],
    ),
    "downgrades": (
        gettext_lazy("Downgraded assessments"),
        [
            ("number", gettext_lazy("Order number")),
            ("front_department", gettext_lazy("Sending department")),
            ("customer", gettext_lazy("Customer")),
            ("level", gettext_lazy("Served level")),
            ("assessed_level", gettext_lazy("Assessed level")),
            ("reason", gettext_lazy("Reason")),
        ],
    ),
    "unsigned_a": (
        gettext_lazy("Unsigned A orders"),
        [
            ("department", gettext_lazy("Sending department")),
            ("count", gettext_lazy("Count")),
            ("numbers", gettext_lazy("Order numbers")),
        ],
    ),
    "unused_circuits": (
        gettext_lazy("Unused circuits"),
        [
            ("department", gettext_lazy("Raising department")),
            ("count", gettext_lazy("Count")),
            ("numbers", gettext_lazy("Circuits (orders)")),
        ],
    ),
    "non_cooperation": (
        gettext_lazy("Non-cooperation"),
        [
            ("department", gettext_lazy("Responsible department")),
            ("count", gettext_lazy("Count")),
            ("numbers", gettext_lazy("Order numbers")),
        ],
    ),
    # Issue 13 §4: the Center's records against any department, front or back (§三.14, §四.2).
    "non_cooperation_records": (
        gettext_lazy("Non-cooperation records"),
        [
            ("number", gettext_lazy("Order number")),
            ("step", gettext_lazy("Step")),
            ("department", gettext_lazy("Responsible department")),
            ("reason", gettext_lazy("Reason")),
            ("evidence", gettext_lazy("Evidence")),
            ("recorded_at", gettext_lazy("Recorded at")),
        ],
    ),
    "lost_equipment": (
        gettext_lazy("Lost equipment charged"),
        [
            ("number", gettext_lazy("Order number")),
            ("department", gettext_lazy("Charged to")),
            ("item", gettext_lazy("Item")),
            ("quantity", gettext_lazy("Quantity")),
            ("amount", gettext_lazy("Re-purchase cost (CNY)")),
            ("recorded_at", gettext_lazy("Recorded at")),
        ],
    ),
    "admin_unreachable": (
        gettext_lazy("Order admins unreachable"),
        [
            ("number", gettext_lazy("Order number")),
            ("department", gettext_lazy("Department")),
            ("person", gettext_lazy("Order admin")),
            ("tried_at", gettext_lazy("Could not be reached at")),
            ("note", gettext_lazy("Note")),
        ],
    ),
}
SEPARATOR = "、"


def cell_text(key: str, value) -> str | int | Decimal:
    """One cell's value as shown: the total row's level, lists joined."""
    if value is None:
        return ""
    if key == "level" and value == TOTAL:
        return _("Total")
    if isinstance(value, list | tuple):
        return SEPARATOR.join(str(v) for v in value)
    return value


def report_tables(report: MonthReport) -> list[dict]:
    """The report as tables of display values (the page renders these; the Excel file writes them)."""
    tables = []
    for name, (title, columns) in SECTIONS.items():
        rows = [[cell_text(key, row.get(key)) for key, _label in columns] for row in getattr(report, name)]
        tables.append({"name": name, "title": str(title), "headers": [str(c[1]) for c in columns], "rows": rows})
    return tables


def report_workbook(report: MonthReport) -> bytes:
    """R1.22 as an .xlsx file: one sheet per section, bold header row, column widths to fit."""
    book = Workbook()
    if book.active is not None:  # a new workbook has one empty sheet
        book.remove(book.active)
    bold = Font(bold=True)
    for table in report_tables(report):
        sheet = book.create_sheet(title=table["title"][:31])
        xlsx_append(sheet, table["headers"])
        for cell in sheet[1]:
            cell.font = bold
        for row in table["rows"]:
            xlsx_append(sheet, row)  # user text (customers, reasons) as text, never a formula
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table["headers"], start=1):
            values = [header] + [row[index - 1] for row in table["rows"]]
            # CJK characters are about twice as wide as Latin ones.
            width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values)
            sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 80)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
