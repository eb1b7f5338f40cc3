"""R1.13 work contact orders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_action, run_action
from org.access import AuthenticatedRequest, is_read_only

from .. import selectors, services
from ..forms import (
    ContactOrderForm,
    ReplyForm,
)
from ..models import (
    ContactOrder,
)
from .common import page_of


@login_required
def contact_orders(request: AuthenticatedRequest) -> HttpResponse:
    """R1.13: my department's contact orders, sent or received; late ones marked."""
    user = request.user
    box = request.GET.get("box", "")
    if box not in ("sent", "received"):
        box = ""
    qs = selectors.contact_orders_for(user, box)
    now = timezone.now()
    if request.GET.get("late") == "1":
        qs = qs.filter(
            Q(state=ContactOrder.State.OPEN, feedback_due_at__lt=now)
            | Q(state=ContactOrder.State.ANSWERED, answered_at__gt=F("feedback_due_at"))
        )
    page, query = page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "box": box,
        "now": now,
        "may_write": bool(user.department_id) and not is_read_only(user),
        "reply_form": ReplyForm(),
    }
    return render(request, "responses/contact_list.html", context)


@login_required
def contact_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not user.department_id or is_read_only(user):
        raise PermissionDenied
    form = ContactOrderForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        contact = form_action(form, services.contact_order_create, by=user, **form.cleaned_data)
        if contact is not None:
            messages.success(request, _("Contact order sent."))
            return redirect(f"{reverse('responses:contact-list')}?box=sent")
    return render(request, "responses/contact_form.html", {"form": form})


@require_POST
@login_required
def contact_answer(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_order_for(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a reply."))
    elif run_action(
        request, services.contact_order_answer, by=request.user, contact=contact, reply=form.cleaned_data["reply"]
    ):
        messages.success(request, _("Action carried out."))
    return redirect(f"{reverse('responses:contact-list')}?box=received")


@require_POST
@login_required
def contact_cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.13: the sending department withdraws its contact order (its feedback deadline is cancelled)."""
    contact = selectors.get_contact_order_for(request.user, pk)
    if run_action(request, services.contact_order_cancel, by=request.user, contact=contact):
        messages.success(request, _("Action carried out."))
    return redirect(f"{reverse('responses:contact-list')}?box=sent")
