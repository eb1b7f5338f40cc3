"""Arrears cases and 网络监控中心's work-order queue (B4.5)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import views as pages
from core.actions import available_actions
from org.access import AuthenticatedRequest
from sla.selectors import deadlines_of_each

from .. import rules, selectors, services
from ..models import ArrearsCase, ServiceWorkOrder
from .common import require_readable


@login_required
def arrears_list(request: AuthenticatedRequest) -> HttpResponse:
    """B4.5: open arrears, largest first, with reminders and work orders; IT records payments here."""
    require_readable(request)
    if request.method == "POST":
        case = selectors.get_arrears_case_for(request.user, request.POST.get("case"))
        try:
            amount = Decimal(request.POST.get("amount", ""))
            if amount <= 0:
                raise InvalidOperation
        except InvalidOperation:
            messages.error(request, _("Enter a positive amount."))
        else:
            services.payment_record(
                customer=case.customer, amount=amount, by=request.user, reference=request.POST.get("reference", "")
            )
            messages.success(request, _("Payment recorded."))
        return redirect("billing:arrears")
    state = request.GET.get("state", ArrearsCase.State.OPEN)
    cases = selectors.arrears_for(request.user).filter(state=state)
    page = Paginator(cases, 50).get_page(request.GET.get("page"))
    return render(request, "billing/arrears.html", {"page": page, "state": state})


QUEUES = {
    "open": [ServiceWorkOrder.State.OPEN, ServiceWorkOrder.State.ACCEPTED],
    "closed": [ServiceWorkOrder.State.DONE, ServiceWorkOrder.State.CANCELLED],
}


@login_required
def work_orders(request: AuthenticatedRequest) -> HttpResponse:
    """B4.5: 网络监控中心's queue of restriction and restore work orders, with their deadlines and the
    buttons the person may press (billing.rules)."""
    if not selectors.may_see_work_orders(request.user):
        raise PermissionDenied
    queue = request.GET.get("queue", "open")
    orders = selectors.work_orders_for(request.user).filter(state__in=QUEUES.get(queue, QUEUES["open"]))
    page = Paginator(orders, 50).get_page(request.GET.get("page"))
    deadlines = deadlines_of_each(page)
    rows = [(w, deadlines.get(w.pk, []), available_actions(w, request.user, rules.WORK_ORDER_BUTTONS)) for w in page]
    return render(request, "billing/work_orders.html", {"page": page, "rows": rows, "queue": queue})


WORK_ORDER_ACTIONS = {"accept": services.work_order_accept, "done": services.work_order_done}


@require_POST
@login_required
def work_order_action(request: AuthenticatedRequest, pk, name) -> HttpResponse:
    work_order = selectors.get_work_order_for(request.user, pk)
    if name not in WORK_ORDER_ACTIONS:
        raise Http404
    if pages.run_action(
        request,
        WORK_ORDER_ACTIONS[name],
        work_order=work_order,
        by=request.user,
        comment=request.POST.get("comment", ""),
    ):
        messages.success(request, _("Done."))
    return redirect("billing:work-orders")
