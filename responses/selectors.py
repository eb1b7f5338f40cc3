"""Reads of the responses app; every list is limited by ``accounts.access.department_scope``."""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from accounts.access import department_scope, reads_everything
from accounts.models import Department

from .models import Attachment, ContactOrder, Order, Requisition, SpecialOrder, WorkStep


def orders_visible_to(user):
    """Front office: its own department's orders; back office: orders with a step of theirs; the
    Center, viewers and auditors: all.

    The same rule as ``department_scope(user, qs, "front_department", "steps__department")``, written
    with ``EXISTS`` instead of a join + ``DISTINCT`` so it stays fast on a million orders.
    """
    qs = Order.objects.select_related("front_department", "customer", "business_type")
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    has_step = Exists(WorkStep.objects.filter(order=OuterRef("pk"), department=user.department_id))
    # Steps only ever go to back-office departments (order_dispatch), so each side needs one path.
    side = user.department.side
    if side == Department.Side.FRONT:
        return qs.filter(front_department=user.department_id)
    if side == Department.Side.BACK:
        return qs.filter(has_step)
    return qs.filter(Q(front_department=user.department_id) | has_step)


def order_list(user):
    """Key orders first, then by time left (R1.21). Drafts only for their own front department."""
    qs = orders_visible_to(user)
    if not (user.department_id and user.department.side == Department.Side.FRONT):
        qs = qs.exclude(state=Order.State.DRAFT)
    return qs.order_by("-key_rank", "due_at", "id")


def order_detail(user, pk: int) -> Order:
    qs = orders_visible_to(user).prefetch_related(
        Prefetch("steps", queryset=WorkStep.objects.select_related("department", "accepted_by")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        "equipment_needs",
        "recovered",
    )
    return qs.get(pk=pk)


def orders_awaiting_confirmation(user):
    return orders_visible_to(user).filter(state=Order.State.COMPLETED, front_department=user.department_id)


def orders_awaiting_signoff(user):
    return orders_visible_to(user).filter(state=Order.State.AWAITING_SIGNOFF, front_department=user.department_id)


def center_incoming():
    return (
        Order.objects.select_related("front_department", "customer", "business_type")
        .filter(state__in=[Order.State.SUBMITTED, Order.State.AWAITING_SIGNOFF, Order.State.ACCEPTED])
        .order_by("-key_rank", "due_at", "id")
    )


STEP_RELATED = ("department", "order", "order__customer", "order__business_type", "order__front_department")


def steps_visible_to(user):
    qs = WorkStep.objects.select_related(*STEP_RELATED)
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    # Both paths are to-one joins: no duplicates, no DISTINCT needed.
    return qs.filter(Q(department=user.department_id) | Q(order__front_department=user.department_id))


STEP_OPEN_STATES = [WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED, WorkStep.State.PAUSED, WorkStep.State.DONE]


def step_queue(user):
    """Back office: my department's open steps, key orders first, then by time left (R1.21)."""
    qs = steps_visible_to(user).filter(state__in=STEP_OPEN_STATES)
    if not reads_everything(user):
        qs = WorkStep.objects.select_related(*STEP_RELATED).filter(
            department=user.department_id, state__in=STEP_OPEN_STATES
        )
    return qs.order_by("-key_rank", "due_at", "id")


def requisitions_visible_to(user):
    qs = Requisition.objects.select_related("front_department", "customer", "assigned_department")
    return department_scope(user, qs, "front_department", "assigned_department")


def contact_orders_visible_to(user):
    qs = ContactOrder.objects.select_related("from_department", "to_department")
    return department_scope(user, qs, "from_department", "to_department")


def special_orders_visible_to(user):
    qs = SpecialOrder.objects.select_related("step", "step__department", "step__order", "requested_by")
    return department_scope(user, qs, "step__department", "step__order__front_department")


def handover_evidence_missing(order: Order) -> list[str]:
    """R1.20: big-customer circuits need a circuit test report and the customer's sign-off (网络监控中心);
    fibre leases a fibre test report (线路维护中心)."""
    kinds = {a.kind for a in order.attachments.all()}
    departments = {s.department.code for s in order.steps.all()}
    missing = []
    if "nmc" in departments and order.is_key_customer:
        missing += [k for k in (Attachment.Kind.CIRCUIT_TEST, Attachment.Kind.CUSTOMER_SIGNOFF) if k not in kinds]
    if "line" in departments and "fibre" in (order.business_type.code or ""):
        if Attachment.Kind.FIBRE_TEST not in kinds:
            missing.append(Attachment.Kind.FIBRE_TEST)
    return missing


def unused_circuits(*, as_of: date | None = None):
    """R1.17: circuits still unused three months or more after opening, with the department that raised them."""
    as_of = as_of or timezone.localdate()
    cutoff = as_of - timedelta(days=91)
    return (
        Order.objects.select_related("service", "front_department", "customer")
        .filter(
            service__isnull=False,
            service__state="active",
            service__activated_on__lte=cutoff,
            circuit_first_used_on__isnull=True,
        )
        .order_by("front_department__code", "service__activated_on")
    )


def restricted_site_pending(user):
    """R1.19: restricted-site orders whose workers' names were not sent yet (a checklist item)."""
    return orders_visible_to(user).filter(
        is_restricted_site=True, worker_names_sent_at__isnull=True, state__in=Order.OPEN_STATES
    )


def time_left(due_at):
    if due_at is None:
        return None
    return due_at - timezone.now()
