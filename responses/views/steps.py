"""The back office's work: the queue of steps, a step's buttons and a special order's buttons."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.views import run_action
from org.access import AuthenticatedRequest, has_role_in, reads_everything
from org.roles import Role
from sla.validators import sane_date

from .. import rules, selectors, services
from ..models import (
    WorkStep,
)
from .common import PAGE_SIZE, Actions, plain, run_named_action


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """Back office: my department's open steps, key orders first, then by time left."""
    user = request.user
    if not (reads_everything(user) or has_role_in(user, [Role.BACK_MEMBER, Role.BACK_ADMIN], None)):
        raise PermissionDenied
    page = Paginator(selectors.step_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    for step in page:  # each step's buttons (responses/_step_actions.html)
        step.may = available_actions(step, user, rules.STEP_BUTTONS)
    return render(request, "responses/queue.html", {"page": page, "now": timezone.now()})


def _return(request: AuthenticatedRequest, step: WorkStep) -> bool:
    raw = request.POST.get("finished_at") or ""
    try:
        finished = parse_datetime(raw) if raw else None
        if finished is not None and timezone.is_naive(finished):
            finished = timezone.make_aware(finished)
        sane_date(finished)
    except (ValueError, ValidationError) as exc:  # e.g. 2026-02-30, or year 0114
        message = exc.messages[0] if isinstance(exc, ValidationError) else _("Enter a valid date/time.")
        messages.error(request, message)
        return False
    return run_action(
        request,
        services.step_return,
        by=request.user,
        step=step,
        finished_at=finished,
        unfinished=bool(request.POST.get("unfinished")),
        obstruction=bool(request.POST.get("obstruction")),
        comment=request.POST.get("comment", ""),
    )


def _special_order(request: AuthenticatedRequest, step: WorkStep) -> bool:
    return run_action(
        request, services.special_order_request, by=request.user, step=step, reason=request.POST.get("reason", "")
    )


def _worker_names(request: AuthenticatedRequest, step: WorkStep) -> bool:
    return run_action(
        request,
        services.order_send_worker_names,
        by=request.user,
        order=step.order,
        names=request.POST.get("names", ""),
    )


# The buttons of a work step (in the queue and on its order's page): /orders/steps/<pk>/<name>/.
STEP_ACTIONS: Actions = {
    "accept": plain(services.step_accept, "step"),
    "return": _return,
    "special-order": _special_order,
    "worker-names": _worker_names,
}


@require_POST
@login_required
def step_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    step = selectors.get_step_for(request.user, pk)
    run_named_action(request, STEP_ACTIONS, name, step)
    return redirect(request.POST.get("next") or "responses:queue")


# The buttons of a special order (on its order's page): /orders/special/<pk>/<name>/.
SPECIAL_ACTIONS: Actions = {
    "approve": plain(services.special_order_approve, "special"),
    "reject": plain(services.special_order_reject, "special"),
    "close": plain(services.special_order_close, "special"),
}


@require_POST
@login_required
def special_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    special = selectors.get_special_order_for(request.user, pk)
    run_named_action(request, SPECIAL_ACTIONS, name, special)
    return redirect("responses:detail", pk=special.step.order_id)
