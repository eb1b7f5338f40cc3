"""Restriction and restore work orders of 网络监控中心 (B4.5): opened by the arrears services, accepted
and reported done by the department's people, each with a deadline on the SLA engine.

The deadline of a restriction is one working day, of a restore four hours (SLA policies
``work-order-restrict`` / ``work-order-restore``, editable in the admin); it is assessed to the
work order's department, whose back-office people the sweeper tells on warning and breach.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from sla import services as sla
from sla.models import Deadline
from sla.selectors import deadlines_of
from sla.workflow import apply_transition

from ..models import ArrearsCase, ServiceWorkOrder


def work_order_open(*, case: ArrearsCase, kind: str, department: Department, at: datetime) -> ServiceWorkOrder:
    """Open a work order of ``kind`` for ``case`` and start its deadline from ``at`` (B4.5)."""
    restore = kind == ServiceWorkOrder.Kind.RESTORE
    deadline_kind = "work-order-restore" if restore else "work-order-restrict"  # policies in sla/defaults.py
    with transaction.atomic():
        work_order = ServiceWorkOrder.objects.create(case=case, kind=kind, department=department, created_at=at)
        sla.deadline_start(
            subject=work_order,
            kind=deadline_kind,
            title=_("%(kind)s: %(customer)s") % {"kind": work_order.get_kind_display(), "customer": case.customer},
            started_at=at,
            assessed_department=department,
        )
    return work_order


def _open_deadline(work_order: ServiceWorkOrder) -> Deadline | None:
    return deadlines_of(work_order).filter(state__in=Deadline.OPEN_STATES).first()


def work_order_accept(*, work_order: ServiceWorkOrder, by: User, comment: str = "") -> ServiceWorkOrder:
    """网络监控中心 takes the work order on (B4.5); the deadline runs on."""
    return apply_transition(work_order, "accept", by=by, comment=comment, actor=by, at=timezone.now())


def work_order_done(*, work_order: ServiceWorkOrder, by: User, comment: str = "") -> ServiceWorkOrder:
    """The service is restricted / restored (B4.5): the work order is done and its deadline met."""
    now = timezone.now()
    with transaction.atomic():
        done = apply_transition(work_order, "done", by=by, comment=comment, actor=by, at=now)
        deadline = _open_deadline(done)
        if deadline is not None:
            sla.deadline_meet(deadline=deadline, by=by, at=now)
    return done


def work_orders_cancel(*, case: ArrearsCase, kind: str, comment: str = "") -> int:
    """Cancel ``case``'s unfinished work orders of ``kind`` and their deadlines (a restriction the
    customer paid before it was done); how many."""
    cancelled = 0
    unfinished = case.work_orders.filter(
        kind=kind, state__in=[ServiceWorkOrder.State.OPEN, ServiceWorkOrder.State.ACCEPTED]
    )
    for work_order in unfinished:
        apply_transition(work_order, "cancel", by=None, comment=comment)
        deadline = _open_deadline(work_order)
        if deadline is not None:
            sla.deadline_cancel(deadline=deadline, comment=comment)
        cancelled += 1
    return cancelled
