"""R1.22 the monthly response report (月响应通报)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render

from org.access import AuthenticatedRequest, reads_reports

from .. import selectors
from ..exports import report_tables, report_workbook


def _report_allowed(user) -> None:
    """The same people as the overdue dashboard (``org.access.reads_reports``)."""
    if not reads_reports(user):
        raise PermissionDenied


@login_required
def month_report(request: AuthenticatedRequest) -> HttpResponse:
    """R1.22 on screen: one table per section, a month picker and the Excel export."""
    _report_allowed(request.user)
    value = request.GET.get("month", "")
    try:
        month = selectors.report_month(value)
    except ValidationError as exc:
        context: dict[str, object] = {"month_value": value, "error": exc.messages[0]}
        return render(request, "responses/report.html", context, status=400)
    report = selectors.month_report(year=month.year, month=month.month)
    context = {"report": report, "tables": report_tables(report), "month_value": f"{month:%Y-%m}"}
    return render(request, "responses/report.html", context)


@login_required
def month_report_export(request: AuthenticatedRequest) -> HttpResponse:
    """R1.22 as an Excel file, one sheet per section."""
    _report_allowed(request.user)
    try:
        month = selectors.report_month(request.GET.get("month", ""))
    except ValidationError as exc:
        return HttpResponseBadRequest(exc.messages[0])
    report = selectors.month_report(year=month.year, month=month.month)
    response = HttpResponse(
        report_workbook(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="month-report-{month:%Y-%m}.xlsx"'
    return response
