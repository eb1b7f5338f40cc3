"""R1.16 the decommission recovery ledger."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_action, run_action
from org.access import AuthenticatedRequest, has_role_in, is_center_dispatcher
from org.roles import Role

from .. import selectors, services
from ..forms import (
    QuarterForm,
    RecoveryEntryForm,
)
from .common import page_of


@login_required
def recovery_ledger(request: AuthenticatedRequest) -> HttpResponse:
    """R1.16: the recovery ledger; the Center checks it quarterly (all of a quarter, or entry by entry)."""
    user = request.user
    may_check = is_center_dispatcher(user)
    quarter_form = QuarterForm(request.POST or None, initial=_this_quarter()) if may_check else None
    if request.method == "POST":
        if not may_check or quarter_form is None:
            raise PermissionDenied
        if quarter_form.is_valid():
            n = services.recovery_check_quarter(by=user, **quarter_form.cleaned_data)
            messages.success(request, _("%(n)s ledger entries checked.") % {"n": n})
            return redirect("responses:recovery-list")
    qs = selectors.recovery_entries_visible_to(user)
    checked = request.GET.get("checked")
    if checked in ("0", "1"):
        qs = qs.filter(checked_at__isnull=checked == "0")
    page, query = page_of(request, qs)
    return render(
        request,
        "responses/recovery_list.html",
        {"page": page, "query": query, "quarter_form": quarter_form, "may_check": may_check, "checked": checked},
    )


def _this_quarter() -> dict:
    today = timezone.localdate()
    return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


@login_required
def recovery_record(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.16: the department working a decommission records what it recovered."""
    user = request.user
    order = selectors.get_order_for(user, pk)
    if not (
        has_role_in(user, [Role.BACK_MEMBER, Role.BACK_ADMIN], None)
        and any(step.department_id == user.department_id for step in order.steps.all())
    ):
        raise PermissionDenied
    form = RecoveryEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form_action(form, services.recovery_record, order=order, by=user, **form.cleaned_data)
        if entry is not None:
            messages.success(request, _("Recorded in the recovery ledger."))
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/recovery_form.html", {"form": form, "order": order})


@require_POST
@login_required
def recovery_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    entry = selectors.get_recovery_entry_for(request.user, pk)
    if run_action(request, services.recovery_entry_check, by=request.user, entry=entry):
        messages.success(request, _("Action carried out."))
    return redirect("responses:recovery-list")
