"""Pages of billing: bill runs (checklist, progress, review), printable invoices, arrears and adjustments."""

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import views as pages
from core.actions import available_actions
from core.errors import Invalid
from org.access import AuthenticatedRequest
from sla.selectors import audit_trail_of, deadlines_of, deadlines_of_each
from sla.validators import parse_month

from . import rules, selectors, services
from .models import Adjustment, ArrearsCase, BillRun, Customer, Invoice, Service, ServiceWorkOrder


def _readable(request):
    """The billing lists: 403 outside IT and the read-all roles. A record's page asks no such thing:
    a run or invoice the person may not see answers 404 from its lookup, like one that does not
    exist (issue 12 §2; ``selectors.bill_runs_for`` is empty for them)."""
    if not selectors.may_see_billing(request.user):
        raise PermissionDenied


@login_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    _readable(request)
    context: dict[str, Any] = {"kinds": BillRun.Kind.choices}
    status = 200
    if request.method == "POST":
        context |= {"period_value": request.POST.get("period", ""), "kind_value": request.POST.get("kind", "")}
        try:  # B4.2/B4.3: the service decides which months may be run; its message goes on the form
            run, created = services.bill_run_get_or_schedule(
                period=parse_month(request.POST.get("period", ""), allow_day=True),
                kind=request.POST.get("kind", BillRun.Kind.BILLING),
                by=request.user,
            )
        except ValidationError as exc:
            context["errors"] = [message for errors in _error_lists(exc) for message in errors]
            status = 400
        else:
            if not created:  # B4.2/B4.3: the month has its run already; show it
                messages.info(request, _("%(run)s is already scheduled.") % {"run": run})
            return redirect("billing:run", pk=run.pk)
    context["page"] = Paginator(selectors.bill_runs_for(request.user), 24).get_page(request.GET.get("page"))
    return render(request, "billing/run_list.html", context, status=status)


def _error_lists(exc: ValidationError):
    return exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]


@login_required
def run_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    run = selectors.get_bill_run_for(request.user, pk)
    invoices = Paginator(run.invoices.select_related("customer").order_by("number"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "billing/run_detail.html",
        {
            "run": run,
            "checklist": services.CHECKLIST,
            "invoices": invoices,
            "deadlines": deadlines_of(run),
            "trail": audit_trail_of(run),
            # The buttons this person may press now (billing.rules): the template restates no rule.
            "may": available_actions(run, request.user, rules.RUN_BUTTONS),
        },
    )


ACTIONS = {
    "start-check": lambda run, user, post: services.bill_run_start_check(run=run, by=user),
    "sign-check": lambda run, user, post: services.bill_run_sign_check(
        run=run, by=user, checklist={code: code in post.getlist("check") for code, _ in services.CHECKLIST}
    ),
    "finish-preprocessing": lambda run, user, post: services.bill_run_finish_preprocessing(run=run, by=user),
    "verify": lambda run, user, post: services.bill_run_verify(run=run, by=user),
    "publish": lambda run, user, post: services.bill_run_publish(run=run, by=user),
    "challenge": lambda run, user, post: services.bill_run_challenge(run=run, by=user, comment=post.get("comment", "")),
    "roll-back": lambda run, user, post: services.bill_run_roll_back(run=run, by=user, comment=post.get("comment", "")),
    "anomaly": lambda run, user, post: services.bill_run_report_anomaly(run=run, by=user, text=post.get("comment", "")),
}


@require_POST
@login_required
def run_action(request: AuthenticatedRequest, pk, name) -> HttpResponse:
    run = selectors.get_bill_run_for(request.user, pk)
    if name not in ACTIONS:  # an unknown action is no page: 404, as in faults and accounts (issue 12 §2)
        raise Http404
    if pages.run_action(request, ACTIONS[name], run=run, user=request.user, post=request.POST):
        messages.success(request, _("Done."))
    return redirect("billing:run", pk=run.pk)


@login_required
def invoice_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    invoice = selectors.get_invoice_for(request.user, pk)
    return render(request, "billing/invoice.html", {"invoice": invoice})


@login_required
def arrears_list(request: AuthenticatedRequest) -> HttpResponse:
    """B4.5: open arrears, largest first, with reminders and work orders; IT records payments here."""
    _readable(request)
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


def _by_code(model, field: str, value: str, name: str):
    """The record whose ``field`` is ``value`` (None for an empty value); ``Invalid`` on ``name`` if none."""
    if not value.strip():
        return None
    record = model.objects.filter(**{field: value.strip()}).first()
    if record is None:
        raise Invalid(_("Not found: %(value)s") % {"value": value}, fields={name: [_("Not found.")]})
    return record


def _request_adjustment(request: AuthenticatedRequest) -> Adjustment:
    post = request.POST
    try:
        amount = Decimal(post.get("amount", "").strip())
    except InvalidOperation:
        raise Invalid(_("Enter a positive amount."), fields={"amount": [_("Enter a positive amount.")]}) from None
    customer = _by_code(Customer, "code", post.get("customer", ""), "customer")
    if customer is None:
        raise Invalid(_("Name the customer."), fields={"customer": [_("Name the customer.")]})
    return services.adjustment_request(
        by=request.user,
        customer=customer,
        service=_by_code(Service, "code", post.get("service", ""), "service"),
        corrects=_by_code(Invoice, "number", post.get("corrects", ""), "corrects"),
        kind=post.get("kind", ""),
        amount=amount,
        reason=post.get("reason", ""),
        evidence=post.get("evidence", ""),
        evidence_file=request.FILES.get("evidence_file"),
    )


@login_required
def adjustment_list(request: AuthenticatedRequest) -> HttpResponse:
    """B4.4: adjustments (requested first) with the request form; another person approves or rejects."""
    _readable(request)
    context: dict[str, Any] = {
        "kinds": Adjustment.Kind.choices,
        "may_request": rules.may_request_adjustment(request.user),
    }
    status = 200
    if request.method == "POST":
        context["form"] = request.POST
        try:
            _request_adjustment(request)
        except Invalid as exc:
            context["errors"] = [message for errors in pages.error_messages(exc).values() for message in errors]
            status = 400
        else:
            messages.success(request, _("Adjustment requested; another person must approve it."))
            return redirect("billing:adjustments")
    state = request.GET.get("state", Adjustment.State.REQUESTED)
    page = Paginator(selectors.adjustments_for(request.user).filter(state=state), 50).get_page(request.GET.get("page"))
    context |= {
        "page": page,
        "state": state,
        "states": Adjustment.State.choices,
        # The buttons each person may press (billing.rules): the template restates no rule.
        "rows": [(a, available_actions(a, request.user, rules.ADJUSTMENT_BUTTONS)) for a in page],
    }
    return render(request, "billing/adjustments.html", context, status=status)


ADJUSTMENT_ACTIONS = {
    "approve": services.adjustment_approve,
    "reject": services.adjustment_reject,
}


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


@require_POST
@login_required
def adjustment_action(request: AuthenticatedRequest, pk, name) -> HttpResponse:
    adjustment = selectors.get_adjustment_for(request.user, pk)
    if name not in ADJUSTMENT_ACTIONS:
        raise Http404
    service = ADJUSTMENT_ACTIONS[name]
    if pages.run_action(
        request, service, adjustment=adjustment, by=request.user, comment=request.POST.get("comment", "")
    ):
        messages.success(request, _("Done."))
    return redirect("billing:adjustments")
