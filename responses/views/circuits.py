"""R1.17 unused circuits."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from org.access import AuthenticatedRequest
from org.models import Department

from .. import selectors
from .common import page_of


@login_required
def unused_circuits(request: AuthenticatedRequest) -> HttpResponse:
    """R1.17: circuits unused three months or more after opening, by the department that raised them."""
    qs = selectors.unused_circuits_visible_to(request.user)
    if qs is None:
        raise PermissionDenied
    department = request.GET.get("department")
    if department:
        qs = qs.filter(front_department__code=department)
    page, query = page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "department": department,
        "departments": Department.objects.filter(side=Department.Side.FRONT).order_by("code"),
        "today": timezone.localdate(),
    }
    return render(request, "responses/unused_circuits.html", context)
