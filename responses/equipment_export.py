"""R1.14 an equipment report as an Excel file: the totals sent to 网络建设部, then its lines order by
order (headers in the interface language; text written as text, never as a formula)."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from sla.exports import xlsx_append

from .models import EquipmentNeed, EquipmentReport
from .selectors import equipment_report_lines


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def equipment_workbook(report: EquipmentReport) -> bytes:
    book = Workbook()
    totals = book.active
    if totals is None:  # pragma: no cover - a new workbook has one sheet
        totals = book.create_sheet()
    totals.title = _("Totals")[:31]
    bold = Font(bold=True)
    xlsx_append(totals, [_("Kind"), report.get_kind_display()])
    xlsx_append(totals, [_("Sent to"), str(report.sent_to)])
    if report.from_department:
        xlsx_append(totals, [_("Sent by"), str(report.from_department)])
    xlsx_append(totals, [_("Period"), _local(report.period_start), _local(report.period_end)])
    xlsx_append(totals, [])
    xlsx_append(totals, [_("Item"), _("Quantity")])
    for cell in totals[totals.max_row]:
        cell.font = bold
    for item, quantity in sorted(report.totals.items()):
        xlsx_append(totals, [str(EquipmentNeed.Item(item).label), quantity])
    lines = book.create_sheet(title=_("Orders")[:31])
    headers = [
        _("Order number"),
        _("Front department"),
        _("Customer"),
        _("Item"),
        _("Model / specification"),
        _("Quantity"),
        _("Delivered at"),
    ]
    xlsx_append(lines, headers)
    for cell in lines[1]:
        cell.font = bold
    for need in equipment_report_lines(report):
        order = need.order
        xlsx_append(
            lines,
            [
                order.number or f"#{order.pk}",
                str(order.front_department),
                str(order.customer),
                need.get_item_display(),
                need.note,
                need.quantity,
                _local(need.delivered_at),
            ],
        )
    for sheet in (totals, lines):
        for column in ("A", "B", "C", "D", "E", "F", "G"):
            sheet.column_dimensions[column].width = 20
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
