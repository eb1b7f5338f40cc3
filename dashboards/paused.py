"""Paused time per department (S5.3, issue 13 §3): the sum of ``Deadline.paused_total`` by assessed
department and month (the month the deadline started, Asia/Shanghai), as a page and as JSON.
Who may read it: whoever reads the overdue dashboard (``org.access.reads_reports``)."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from org.access import AuthenticatedRequest, reads_reports
from org.models import Department
from sla.models import Deadline

MONTHS = 12


def paused_by_department(*, months: int = MONTHS) -> list[dict]:
    """``[{month, department, department_name, deadlines, paused_seconds}]``, newest month first."""
    today = timezone.localdate()
    first = (today.replace(day=1) - timedelta(days=31 * (months - 1))).replace(day=1)
    rows = (
        Deadline.objects.filter(paused_total__gt=timedelta(0), started_at__date__gte=first)
        .annotate(month=TruncMonth("started_at", tzinfo=timezone.get_current_timezone()))
        .values("month", "assessed_department")
        .annotate(deadlines=Count("id"), paused=Sum("paused_total"))
        .order_by("-month", "assessed_department")
    )
    names = dict(Department.objects.values_list("pk", "name_zh"))
    return [
        {
            "month": row["month"].strftime("%Y-%m"),
            "department": row["assessed_department"],
            "department_name": names.get(row["assessed_department"], ""),
            "deadlines": row["deadlines"],
            "paused_seconds": int(row["paused"].total_seconds()),
            "paused_hours": round(row["paused"].total_seconds() / 3600, 1),
        }
        for row in rows
    ]


def _allowed(request) -> None:
    if not reads_reports(request.user):
        raise PermissionDenied


@login_required
def paused_page(request: AuthenticatedRequest) -> HttpResponse:
    _allowed(request)
    return render(request, "dashboards/paused.html", {"rows": paused_by_department()})


@login_required
def paused_data(request: AuthenticatedRequest) -> HttpResponse:
    _allowed(request)
    return JsonResponse({"rows": paused_by_department()})
