"""Adjustments under four eyes (B4.4)."""

from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import views as pages
from core.actions import available_actions
from core.errors import Invalid
from org.access import AuthenticatedRequest

from .. import rules, selectors, services
from ..models import Adjustment, Customer, Invoice, Service
from .common import require_readable


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
    require_readable(request)
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


@login_required
def adjustment_evidence(request: AuthenticatedRequest, pk) -> FileResponse:
    """B4.4 (issue 14): the evidence file of an adjustment, as a download, only to those who may see the
    adjustment (``selectors.adjustments_for``); 404 alike for one outside their scope, one without a
    file and a file gone from the storage. Media files are served by no other URL."""
    adjustment = selectors.get_adjustment_for(request.user, pk)
    if not adjustment.evidence_file:
        raise Http404
    try:
        handle = adjustment.evidence_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=PurePosixPath(adjustment.evidence_file.name or "").name)
