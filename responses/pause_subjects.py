"""Orders and work steps as subjects of reasoned pauses (S5.3, R1.10; registered from ResponsesConfig.ready).

An order is paused by the people working on it (its front department's admin, the Center, a back-office
department with a step); a step by its department (or the Center). The Center's dispatcher decides. A
step's pause stops its order's provisioning clock too (R1.10), and the step's state follows as for a
special order (accepted → paused → accepted).
"""

from django.urls import reverse

from org.access import is_center_dispatcher
from sla.pause_subjects import register_pause_subject

from . import rules
from .services._common import PROVISIONING, _apply


def _order_involved(order, user) -> bool:
    return rules.is_front_admin_of_order(order, user) or is_center_dispatcher(user) or rules.works_on_order(order, user)


def _order_can_pause(order) -> bool:
    return order.state in ("accepted", "in_progress")


def _order_end(order, *, by, at, resumed) -> None:
    from .models import Order

    for deadline in resumed:
        if deadline.kind == PROVISIONING and deadline.object_id == order.pk:
            Order.objects.filter(pk=order.pk).update(due_at=deadline.due_at)


def _step_involved(step, user) -> bool:
    return rules.is_member_of_step(step, user) or is_center_dispatcher(user)


def _step_can_pause(step) -> bool:
    return step.state in ("dispatched", "accepted")


def _step_linked(step):
    """R1.10: a paused step stops its order's provisioning clock."""
    return [(step.order, PROVISIONING)]


def _step_approve(step, *, by, at) -> None:
    if step.state == "accepted":
        _apply(step, "pause", by=None)


def _step_end(step, *, by, at, resumed) -> None:
    from .models import Order, WorkStep

    step = WorkStep.objects.get(pk=step.pk)
    if step.state == WorkStep.State.PAUSED and not step.special_orders.filter(state="approved").exists():
        _apply(step, "resume", by=None)
    for deadline in resumed:
        if deadline.object_id == step.pk and deadline.kind != PROVISIONING:
            WorkStep.objects.filter(pk=step.pk).update(due_at=deadline.due_at)
        elif deadline.kind == PROVISIONING:
            Order.objects.filter(pk=deadline.object_id).update(due_at=deadline.due_at)


def _held_by_special_order(deadline) -> bool:
    """R1.10: an approved special order holds its step's clock and its order's provisioning clock."""
    from .models import SpecialOrder

    approved = SpecialOrder.objects.filter(state=SpecialOrder.State.APPROVED)
    if deadline.kind == PROVISIONING:
        return approved.filter(step__order_id=deadline.object_id).exists()
    return approved.filter(step_id=deadline.object_id).exists()


def _order_url(order) -> str:
    return reverse("responses:detail", args=[order.pk])


def _step_url(step) -> str:
    return reverse("responses:detail", args=[step.order_id])


def register() -> None:
    from . import selectors

    register_pause_subject(
        "responses.order",
        lookup=selectors.get_order_for,
        url=_order_url,
        involved=_order_involved,
        approver=rules.is_dispatcher,
        can_pause=_order_can_pause,
        on_end=_order_end,
        holds=_held_by_special_order,
    )
    register_pause_subject(
        "responses.workstep",
        lookup=selectors.get_step_for,
        url=_step_url,
        involved=_step_involved,
        approver=rules.is_dispatcher,
        can_pause=_step_can_pause,
        linked=_step_linked,
        on_approve=_step_approve,
        on_end=_step_end,
        holds=_held_by_special_order,
    )
