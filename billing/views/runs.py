"""Bill run pages (checklist, progress, review) and printable invoices (B4.2–B4.4)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import views as pages
from core.actions import available_actions
from org.access import AuthenticatedRequest
from org.models import User
from sla.selectors import audit_trail_of, deadlines_of
from sla.validators import parse_month

from .. import rules, selectors, services
from ..models import BillRun
from .common import error_lists, require_readable


@login_required
def run_list(request: AuthenticatedRequest) -> HttpResponse:
    require_readable(request)
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
            context["errors"] = [message for errors in error_lists(exc) for message in errors]
            status = 400
        else:
            if not created:  # B4.2/B4.3: the month has its run already; show it
                messages.info(request, _("%(run)s is already scheduled.") % {"run": run})
            return redirect("billing:run", pk=run.pk)
    context["page"] = Paginator(selectors.bill_runs_for(request.user), 24).get_page(request.GET.get("page"))
    return render(request, "billing/run_list.html", context, status=status)


@login_required
def run_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    run = selectors.get_bill_run_for(request.user, pk)
    invoices = Paginator(run.invoices.select_related("customer").order_by("number"), 50).get_page(
        request.GET.get("page")
    )
    # The buttons this person may press now (billing.rules): the template restates no rule.
    may = available_actions(run, request.user, rules.RUN_BUTTONS)
    settlement = run.kind == BillRun.Kind.SETTLEMENT
    return render(
        request,
        "billing/run_detail.html",
        {
            "run": run,
            "checklist": services.CHECKLIST,
            "invoices": invoices,
            "deadlines": deadlines_of(run),
            "trail": audit_trail_of(run),
            "may": may,
            # B4.3: a settlement run's statements (its invoices are none)
            "statements": run.statements.select_related("partner").order_by("partner__code") if settlement else None,
            "operators": services.it_operators().exclude(pk=run.verified_by_id).order_by("username")
            if may["assign"]
            else (),
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
    "assign": lambda run, user, post: services.bill_run_assign_operator(run=run, by=user, operator=_user(post)),
}


def _user(post) -> User | None:
    """The person the form names by id (None if it names nobody: the service refuses with a message)."""
    value = post.get("operator", "").strip()
    return User.objects.filter(pk=int(value)).first() if value.isdigit() else None


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
