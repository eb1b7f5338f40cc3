"""R1.15 expansion requests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_action, run_action
from org.access import AuthenticatedRequest, works_in_back_office
from org.roles import Dept

from .. import selectors, services
from ..forms import (
    ExpansionPlanForm,
    ExpansionRaiseForm,
)
from ..models import (
    ExpansionRequest,
)
from .common import page_of


@login_required
def expansion_requests(request: AuthenticatedRequest) -> HttpResponse:
    """R1.15: requests from 网络监控中心 that 网络管理部 plans and files with the Center."""
    user = request.user
    qs = selectors.expansion_requests_visible_to(user)
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    page, query = page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "states": ExpansionRequest.State.choices,
        "state": state,
        "may_plan": works_in_back_office(user, Dept.NETMGMT),
        "plan_form": ExpansionPlanForm(),
    }
    return render(request, "responses/expansion_list.html", context)


@login_required
def expansion_raise(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.15: 网络监控中心 cannot allocate an expansion order's capacity: a request to 网络管理部."""
    user = request.user
    order = selectors.get_order_for(user, pk)
    if not works_in_back_office(user, Dept.NMC):
        raise PermissionDenied
    form = ExpansionRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        req = form_action(form, services.expansion_request_raise, order=order, by=user, **form.cleaned_data)
        if req is not None:
            messages.success(request, _("Expansion request sent to 网络管理部."))
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/expansion_form.html", {"form": form, "order": order})


@require_POST
@login_required
def expansion_plan(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    req = selectors.get_expansion_request_for(request.user, pk)
    form = ExpansionPlanForm(request.POST)
    if form.is_valid():
        if run_action(
            request, services.expansion_request_plan, by=request.user, request=req, plan=form.cleaned_data["plan"]
        ):
            messages.success(request, _("Action carried out."))
    else:
        if not works_in_back_office(request.user, Dept.NETMGMT):
            raise PermissionDenied
        messages.error(request, _("Enter the plan."))
    return redirect("responses:expansion-list")
