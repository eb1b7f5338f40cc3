"""R1.11 phone dispatch and backfill."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.views import form_action
from org.access import AuthenticatedRequest, has_role_in, is_center_dispatcher
from org.roles import Role
from sla.calendars import WorkingCalendar

from .. import selectors, services
from ..forms import (
    OrderForm,
    PhoneDispatchForm,
)
from .common import page_of


@login_required
def phone_dispatches(request: AuthenticatedRequest) -> HttpResponse:
    """R1.11: the Center records night / rest-day phone dispatches; the calling department backfills them
    by the next working day."""
    user = request.user
    may_record = is_center_dispatcher(user)
    form = PhoneDispatchForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if not may_record or form is None:
            raise PermissionDenied
        if form.is_valid():
            pd = form_action(form, services.phone_dispatch_record, by=user, **form.cleaned_data)
            if pd is not None:
                messages.success(request, _("Phone dispatch recorded; the department backfills the order."))
                return redirect("responses:phone-list")
    qs = selectors.phone_dispatches_visible_to(user)
    if request.GET.get("pending") == "1":
        qs = qs.filter(order__isnull=True)
    page, query = page_of(request, qs)
    calendar = WorkingCalendar()
    today = timezone.localdate()
    for pd in page:
        pd.backfill_by = calendar.next_workday(timezone.localtime(pd.phoned_at).date())
        pd.backfill_late = pd.order_id is None and today > pd.backfill_by
    context = {
        "page": page,
        "query": query,
        "form": form,
        "backfill_department_id": user.department_id if has_role_in(user, [Role.FRONT_ADMIN], None) else None,
    }
    return render(request, "responses/phone_list.html", context)


@login_required
def phone_backfill(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.11: the new-order form pre-filled from the phone dispatch; the order's clock starts at the phone time."""
    user = request.user
    pd = selectors.get_phone_dispatch_for(user, pk)
    if not has_role_in(user, [Role.FRONT_ADMIN], pd.department):
        raise PermissionDenied
    if pd.order_id and request.method != "POST":
        messages.info(request, _("This phone dispatch was already backfilled."))
        return redirect("responses:detail", pk=pd.order_id)
    initial = {"description": pd.summary, "is_emergency": True, "contact_person": pd.caller}
    form = OrderForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.ORDER_FIELDS}
        order = form_action(
            form,
            services.order_backfill,
            phone_dispatch=pd,
            by=user,
            data=data,
            attachment=form.cleaned_data.get("attachment"),
        )
        if order is not None:
            messages.success(request, _("Order %(n)s backfilled.") % {"n": order.number})
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/backfill_form.html", {"form": form, "pd": pd})
