"""R1.18 build decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_action, run_action
from org.access import AuthenticatedRequest, has_role_in, works_in_back_office
from org.models import Department
from org.roles import Dept, Role

from .. import selectors, services
from ..forms import (
    BuildDecisionForm,
    CostForm,
)
from ..models import (
    BuildDecision,
)
from .common import Actions, page_of, run_named_action


@login_required
def build_decisions(request: AuthenticatedRequest) -> HttpResponse:
    """R1.18: the front department states demand, buildings and competition; 网络建设部 estimates;
    市场拓展部's director decides."""
    user = request.user
    may_raise = (
        user.department is not None
        and user.department.side == Department.Side.FRONT
        and has_role_in(user, [Role.FRONT_ADMIN, Role.LEADER], None)
    )
    form = BuildDecisionForm(request.POST or None) if may_raise else None
    if request.method == "POST":
        if not may_raise or form is None:
            raise PermissionDenied
        if form.is_valid():
            decision = form_action(form, services.build_decision_raise, by=user, **form.cleaned_data)
            if decision is not None:
                messages.success(request, _("Build request raised."))
                return redirect("responses:build-list")
    page, query = page_of(request, selectors.build_decisions_visible_to(user))
    context = {
        "page": page,
        "query": query,
        "form": form,
        "may_estimate": works_in_back_office(user, Dept.NETBUILD),
        "may_decide": getattr(user.department, "code", "") == Dept.MARKET and has_role_in(user, [Role.LEADER], None),
        "cost_form": CostForm(),
    }
    return render(request, "responses/build_list.html", context)


def _estimate(request: AuthenticatedRequest, decision: BuildDecision) -> bool:
    form = CostForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return False
    return run_action(
        request, services.build_decision_estimate, by=request.user, decision=decision, cost=form.cleaned_data["cost"]
    )


def _approve(request: AuthenticatedRequest, decision: BuildDecision) -> bool:
    return run_action(request, services.build_decision_decide, by=request.user, decision=decision, approve=True)


def _reject(request: AuthenticatedRequest, decision: BuildDecision) -> bool:
    return run_action(request, services.build_decision_decide, by=request.user, decision=decision, approve=False)


# The buttons of a build decision (on the list): /orders/builds/<pk>/<name>/.
BUILD_ACTIONS: Actions = {
    "estimate": _estimate,
    "approve": _approve,
    "reject": _reject,
}


@require_POST
@login_required
def build_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    decision = selectors.get_build_decision_for(request.user, pk)
    run_named_action(request, BUILD_ACTIONS, name, decision)
    return redirect("responses:build-list")
