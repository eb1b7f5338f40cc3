"""Managers' overdue dashboard (issue 7): counts by category and department, the on-time trend, and
the deadlines behind a count. Everything it shows comes from the engine's reports (``sla.selectors``)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from org.access import AuthenticatedRequest, reads_reports
from org.models import Department
from org.roles import Role
from sla import selectors


def _dashboard_allowed(request):
    if not reads_reports(request.user):
        raise PermissionDenied


def _dashboard_data(user) -> dict:
    departments = {d.pk: d.name_zh for d in Department.objects.all()}
    mine = user.department_id if user.has_role(Role.DEPT_MANAGER, Role.SUPERVISOR, Role.LEADER) else None
    rows = selectors.overdue_board()
    rows.sort(key=lambda r: r["department"] != mine)  # a department manager's own department first
    trend = selectors.on_time_by_month()
    series = sorted(trend["series"].items(), key=lambda item: (item[0] != mine, departments.get(item[0], "")))
    return {
        "rows": [
            {**row, "department_name": departments.get(row["department"], "—"), "mine": row["department"] == mine}
            for row in rows
        ],
        "labels": trend["labels"],
        "series": [{"department": departments.get(dept, "—"), "values": values} for dept, values in series],
    }


@login_required
def dashboard(request: AuthenticatedRequest) -> HttpResponse:
    _dashboard_allowed(request)
    context = {"data": _dashboard_data(request.user), "categories": CATEGORY_LABELS}
    return render(request, "dashboards/dashboard.html", context)


@login_required
def dashboard_data(request: AuthenticatedRequest) -> HttpResponse:
    _dashboard_allowed(request)
    data = _dashboard_data(request.user)
    for row in data["rows"]:
        row["category_label"] = str(CATEGORY_LABELS[row["category"]])
    return JsonResponse(data)


@login_required
def deadline_list(request: AuthenticatedRequest) -> HttpResponse:
    """The deadlines behind a dashboard cell (click-through)."""
    _dashboard_allowed(request)
    q = request.GET
    qs = selectors.deadlines_in(
        category=q.get("category"), department=q.get("department") or None, level=q.get("level"), window=q.get("window")
    )
    page = Paginator(qs, 50).get_page(q.get("page"))
    return render(request, "dashboards/deadline_list.html", {"page": page, "query": q.urlencode()})


CATEGORY_LABELS = {
    "orders": _("Orders"),
    "steps": _("Work steps"),
    "requisitions": _("Requisitions"),
    "contacts": _("Work contact orders"),
    "backfills": _("Phone dispatch backfills"),
    "faults": _("Fault tickets"),
    "events": _("Quality events"),
}
