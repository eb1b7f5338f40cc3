"""Orders (R1.1–R1.6, R1.9): the list, the new-order form, an order's page and its buttons, the Center's inbox."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.views import run_action
from org.access import AuthenticatedRequest, has_role_in, is_read_only, reads_everything
from org.models import Department
from org.roles import Role
from sla.models import AuditEntry
from sla.selectors import deadlines_of, deadlines_of_each

from .. import rules, selectors, services
from ..forms import (
    OrderForm,
    equipment_formset,
    equipment_ok,
    equipment_rows,
)
from ..models import (
    Attachment,
    Order,
    SpecialOrder,
    WorkStep,
)
from .common import PAGE_SIZE, Actions, plain, run_named_action
from .equipment import order_side_context


@login_required
def order_list(request: AuthenticatedRequest) -> HttpResponse:
    """My department's orders (front office); everything visible to the Center and viewers."""
    user = request.user
    qs = selectors.order_list(user)
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(due_at__lt=timezone.now(), state__in=Order.OPEN_STATES)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "title": _("Orders"),
        "states": Order.State.choices,
        "state": state,
        "awaiting_confirmation": selectors.orders_awaiting_confirmation(user)[:50]
        if user.has_role(Role.FRONT_ADMIN)
        else [],
        "awaiting_signoff": selectors.orders_awaiting_signoff(user)[:50] if user.has_role(Role.LEADER) else [],
        "can_create": has_role_in(user, [Role.FRONT_ADMIN], None),
        "now": timezone.now(),
    }
    return render(request, "responses/order_list.html", context)


@login_required
def order_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not has_role_in(user, [Role.FRONT_ADMIN], None) or user.department is None or user.department.side != "front":
        raise PermissionDenied
    form = OrderForm(request.POST or None, request.FILES or None, user=user)
    equipment = equipment_formset(request.POST if request.method == "POST" else None)  # R1.14
    warning = None
    if request.method == "POST" and form.is_valid() and equipment_ok(equipment):
        data = {k: v for k, v in form.cleaned_data.items() if k in services.ORDER_FIELDS}
        submit = "submit" in request.POST
        usage = services.quota_usage(department=user.department, adding=data.get("level"))
        over = (data.get("level") == "A" and usage.a_over) or (data.get("level") == "B" and usage.b_over)
        if submit and over and not form.cleaned_data.get("confirm_over_quota"):
            # R1.4: warn before an over-quota submission.
            warning = _(
                "This order is over the monthly quota for level %(level)s: it will be served at its level "
                "but assessed one level down. Tick the box to submit anyway."
            ) % {"level": data["level"]}
        else:
            try:
                with transaction.atomic():
                    order = services.order_create(by=user, data=data, equipment=equipment_rows(equipment))
                    if form.cleaned_data.get("attachment"):
                        services.attachment_add(order=order, by=user, file=form.cleaned_data["attachment"])
                    if submit:
                        order = services.order_submit(order=order, by=user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Order %(n)s saved.") % {"n": order.number or order.pk})
                return redirect("responses:detail", pk=order.pk)
    usage = services.quota_usage(department=user.department)
    context = {"form": form, "usage": usage, "warning": warning, "equipment": equipment}
    return render(request, "responses/order_form.html", context)


def _timeline(order: Order, steps) -> list[AuditEntry]:
    cts = ContentType.objects.get_for_models(Order, WorkStep, SpecialOrder)
    special_ids = [s.pk for step in steps for s in step.special_orders.all()]
    condition = (
        Q(content_type=cts[Order], object_id=order.pk)
        | Q(content_type=cts[WorkStep], object_id__in=[s.pk for s in steps])
        | Q(content_type=cts[SpecialOrder], object_id__in=special_ids)
    )
    entries = list(AuditEntry.objects.filter(condition).select_related("actor", "content_type").order_by("at", "id"))
    states = {
        cts[Order].pk: dict(Order.State.choices),
        cts[WorkStep].pk: dict(WorkStep.State.choices),
        cts[SpecialOrder].pk: dict(SpecialOrder.State.choices),
    }
    for entry in entries:
        names = states[entry.content_type_id]
        # Labels for the template, set on the instances it is given.
        entry.label = TRANSITION_LABELS.get(entry.transition, entry.transition)  # type: ignore[attr-defined]
        entry.from_label = names.get(entry.from_state, entry.from_state)  # type: ignore[attr-defined]
        entry.to_label = names.get(entry.to_state, entry.to_state)  # type: ignore[attr-defined]
    return entries


TRANSITION_LABELS = {
    "create": gettext_lazy("Created"),
    "submit": gettext_lazy("Submitted"),
    "submit_for_signoff": gettext_lazy("Submitted for sign-off"),
    "sign": gettext_lazy("Signed off"),
    "accept": gettext_lazy("Accepted"),
    "return_for_clarification": gettext_lazy("Returned for clarification"),
    "dispatch": gettext_lazy("Dispatched"),
    "return_": gettext_lazy("Returned (回单)"),
    "complete": gettext_lazy("Completed (报竣)"),
    "confirm": gettext_lazy("Confirmed"),
    "auto_confirm": gettext_lazy("Confirmed automatically"),
    "archive": gettext_lazy("Archived"),
    "cancel": gettext_lazy("Cancelled"),
    "attach": gettext_lazy("Attachment added"),
    "note": gettext_lazy("Mediation note"),
    "no_resources": gettext_lazy("No resources, new build"),
    "approve": gettext_lazy("Special order approved"),
    "reject": gettext_lazy("Special order rejected"),
    "close": gettext_lazy("Special order closed"),
    "pause": gettext_lazy("Paused"),
    "resume": gettext_lazy("Resumed"),
    "special_order_requested": gettext_lazy("Special order requested"),
    "worker_names": gettext_lazy("Workers' names sent"),
    "non_cooperation": gettext_lazy("Non-cooperation recorded"),
    "lost_equipment": gettext_lazy("Lost equipment recorded"),
    "admin_unreachable": gettext_lazy("Order admin unreachable recorded"),
    "request": gettext_lazy("Special order requested"),
    # S5.3 reasoned pauses (sla.services.pauses), written on the order or step with the reason as comment.
    "pause_request": gettext_lazy("Pause requested"),
    "pause_approve": gettext_lazy("Pause approved: clock stopped"),
    "pause_reject": gettext_lazy("Pause rejected"),
    "pause_end": gettext_lazy("Pause ended: clock resumed"),
}


@login_required
def order_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    order = selectors.get_order_for(user, pk)
    steps = list(order.steps.all().prefetch_related("special_orders"))
    for step in steps:  # each step's buttons (responses/_step_actions.html)
        step.may = available_actions(step, user, rules.STEP_BUTTONS)  # type: ignore[attr-defined]
    special_requested = [s for step in steps for s in step.special_orders.all() if s.state in SpecialOrder.OPEN_STATES]
    for special in special_requested:
        special.may = available_actions(special, user, rules.SPECIAL_BUTTONS)  # type: ignore[attr-defined]
    deadlines = list(deadlines_of(order))
    step_deadlines = deadlines_of_each(steps)
    writable = not is_read_only(user)
    context = {
        "order": order,
        "steps": steps,
        "deadlines": deadlines,
        "step_deadlines": step_deadlines,
        "timeline": _timeline(order, steps),
        "now": timezone.now(),
        # The buttons this person may press now (responses.rules): the template restates no rule.
        "may": available_actions(order, user, rules.ORDER_BUTTONS),
        "is_front_admin": writable and has_role_in(user, [Role.FRONT_ADMIN], order.front_department),
        "back_departments": Department.objects.filter(side=Department.Side.BACK),
        "attachment_kinds": Attachment.Kind.choices,
        "missing_evidence": [Attachment.Kind(k).label for k in selectors.handover_evidence_missing(order)],
        "special_requested": special_requested,
        **order_side_context(order, user, steps),  # R1.14, R1.17, R1.1: the side blocks
    }
    return render(request, "responses/order_detail.html", context)


def _clarify(request: AuthenticatedRequest, order: Order) -> bool:
    return run_action(
        request,
        services.order_return_for_clarification,
        by=request.user,
        order=order,
        reason=request.POST.get("reason", ""),
    )


def _dispatch(request: AuthenticatedRequest, order: Order) -> bool:
    departments = {d.code: d for d in Department.objects.filter(side=Department.Side.BACK)}
    codes, titles = request.POST.getlist("department"), request.POST.getlist("title")
    steps = [
        (departments[c], t or departments[c].name_zh) for c, t in zip(codes, titles, strict=False) if c in departments
    ]
    return run_action(request, services.order_dispatch, by=request.user, order=order, steps=steps)


def _notes(request: AuthenticatedRequest, order: Order) -> bool:
    return run_action(
        request, services.order_add_notes, by=request.user, order=order, notes=request.POST.get("notes", "")
    )


def _attach(request: AuthenticatedRequest, order: Order) -> bool:
    if "file" not in request.FILES:
        messages.error(request, _("Choose a file."))
        return False
    return run_action(
        request,
        services.attachment_add,
        by=request.user,
        order=order,
        file=request.FILES["file"],
        kind=request.POST.get("kind", Attachment.Kind.GENERAL),
    )


# The buttons of an order's page: /orders/<pk>/<name>/.
ORDER_ACTIONS: Actions = {
    "submit": plain(services.order_submit, "order"),
    "sign": plain(services.order_sign, "order"),
    "accept": plain(services.order_accept, "order"),
    "clarify": _clarify,
    "dispatch": _dispatch,
    "notes": _notes,
    "attach": _attach,
    "confirm": plain(services.order_confirm, "order"),
    "cancel": plain(services.order_cancel, "order"),
    "archive": plain(services.order_archive, "order"),
    "no-resources": plain(services.order_mark_no_resources, "order"),
}


@require_POST
@login_required
def order_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    order = selectors.get_order_for(request.user, pk)
    run_named_action(request, ORDER_ACTIONS, name, order)
    return redirect("responses:detail", pk=order.pk)


@login_required
def center_incoming(request: AuthenticatedRequest) -> HttpResponse:
    """The Center's incoming orders: submitted, awaiting sign-off, accepted but not dispatched."""
    if not reads_everything(request.user):
        raise PermissionDenied
    page = Paginator(selectors.center_incoming(), PAGE_SIZE).get_page(request.GET.get("page"))
    specials = selectors.special_orders_visible_to(request.user).filter(state=SpecialOrder.State.REQUESTED)[:50]
    return render(
        request,
        "responses/center.html",
        {"page": page, "specials": specials, "now": timezone.now(), "title": _("Center: incoming orders")},
    )
