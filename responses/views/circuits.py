"""R1.17 circuits: the unused ones, and a circuit's first use (with the confirmation, or later)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.views import run_action
from org.access import AuthenticatedRequest, is_center_dispatcher
from org.models import Department

from .. import rules, selectors, services
from ..forms import FirstUseForm
from ..models import Order
from .common import Actions, page_of, run_named_action


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
    user = request.user
    for order in page:
        # The Center or the raising front department records a first use from here (R1.17).
        order.may_record_use = rules.may_record_circuit_use(order, user)
    context = {
        "page": page,
        "query": query,
        "department": department,
        "departments": Department.objects.filter(side=Department.Side.FRONT).order_by("code"),
        "today": timezone.localdate(),
        "may_any": is_center_dispatcher(user) or any(getattr(o, "may_record_use", False) for o in page),
    }
    return render(request, "responses/unused_circuits.html", context)


def _used_on(request: AuthenticatedRequest):
    form = FirstUseForm(request.POST)
    return form.cleaned_data["circuit_first_used_on"] if form.is_valid() else None


def _confirm(request: AuthenticatedRequest, order: Order) -> bool:
    """R1.12 + R1.17: confirm the completion, saying since when the customer uses the circuit."""
    return run_action(
        request, services.order_confirm, order=order, by=request.user, circuit_first_used_on=_used_on(request)
    )


def _first_use(request: AuthenticatedRequest, order: Order) -> bool:
    return run_action(
        request,
        services.circuit_record_first_use,
        order=order,
        by=request.user,
        circuit_first_used_on=_used_on(request),
    )


CIRCUIT_ACTIONS: Actions = {"confirm": _confirm, "first-use": _first_use}


@require_POST
@login_required
def circuit_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    order = selectors.get_order_for(request.user, pk)
    run_named_action(request, CIRCUIT_ACTIONS, name, order)
    if request.POST.get("back") == "unused":
        return redirect("responses:unused-circuits")
    return redirect("responses:detail", pk=order.pk)
