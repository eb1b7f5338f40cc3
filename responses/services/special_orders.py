"""Special orders (R1.10): an obstruction on a step, approved by the Center, pauses its clock."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from org.models import User
from sla import services as sla
from sla.models import Deadline, Pause
from sla.workflow import TransitionConflict, TransitionForbidden

from .. import rules
from ..models import Order, SpecialOrder, WorkStep
from ._common import PROVISIONING, STEP_RESOURCE, _apply, _now, _open_deadline


@transaction.atomic
def special_order_request(*, step: WorkStep, by: User, reason: str) -> SpecialOrder:
    if not rules.may_request_special_order(step, by):
        raise TransitionForbidden(_("Only the department doing the work may request a special order."))
    if not rules.can_request_special_order(step):
        raise TransitionConflict(_("This cannot be done now."))
    if not reason.strip():
        raise ValidationError({"reason": _("Describe the obstruction.")})
    # Issue 11: one open special order per step, checked under the step's row lock (and a partial
    # unique constraint in the database); the second of two at once waits here and is refused.
    step = WorkStep.objects.select_for_update().get(pk=step.pk)
    if not rules.can_request_special_order(step):
        raise TransitionConflict(_("This cannot be done now."))
    if step.special_orders.filter(state__in=SpecialOrder.OPEN_STATES).exists():
        raise TransitionConflict(_("This step already has an open special order: wait for its decision or close it."))
    try:
        with transaction.atomic():
            special = SpecialOrder.objects.create(step=step, reason=reason, requested_by=by)
    except IntegrityError:
        raise TransitionConflict(
            _("This step already has an open special order: wait for its decision or close it.")
        ) from None
    sla.audit_record(subject=special, actor=by, transition="request", to_state=special.state)
    sla.audit_record(subject=step.order, actor=by, transition="special_order_requested", comment=reason)
    return special


@transaction.atomic
def special_order_approve(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    """R1.10: approval by the Center pauses the step's clock."""
    at = _now(at)
    special = _apply(special, "approve", by=by, at=at)
    step = special.step
    if step.state == WorkStep.State.ACCEPTED:
        _apply(step, "pause", by=by)
    # R1.10: the step's clock and its order's provisioning clock stop.
    for deadline in (_open_deadline(step, STEP_RESOURCE), _open_deadline(step.order, PROVISIONING)):
        if deadline and deadline.state != Deadline.State.PAUSED:
            sla.deadline_pause(deadline=deadline, by=by, at=at, comment=special.reason)
    return special


@transaction.atomic
def special_order_reject(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    return _apply(special, "reject", by=by, at=_now(at))


@transaction.atomic
def special_order_close(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    """The obstruction is cleared: the clock resumes."""
    at = _now(at)
    special = _apply(special, "close", by=by, at=at)
    step = WorkStep.objects.get(pk=special.step_id)
    if step.state == WorkStep.State.PAUSED and _approved_pause(step) is None:
        _apply(step, "resume", by=None)
    deadline = _open_deadline(step, STEP_RESOURCE)
    if deadline and deadline.state == Deadline.State.PAUSED and not _held_by_a_pause(deadline):
        deadline = sla.deadline_resume(deadline=deadline, by=by, at=at)
        WorkStep.objects.filter(pk=step.pk).update(due_at=deadline.due_at)
    # R1.10: the order's provisioning clock resumes unless another step's special order (or a reasoned
    # pause, S5.3) still holds it.
    provisioning = _open_deadline(step.order, PROVISIONING)
    others = SpecialOrder.objects.filter(step__order_id=step.order_id, state=SpecialOrder.State.APPROVED)
    if (
        provisioning
        and provisioning.state == Deadline.State.PAUSED
        and not others.exists()
        and not _held_by_a_pause(provisioning)
    ):
        provisioning = sla.deadline_resume(deadline=provisioning, by=by, at=at)
        Order.objects.filter(pk=step.order_id).update(due_at=provisioning.due_at)
    return special


def _approved_pause(step: WorkStep) -> Pause | None:
    pause = sla.open_pause_of(step)
    return pause if pause is not None and pause.state == Pause.State.APPROVED else None


def _held_by_a_pause(deadline: Deadline) -> bool:
    return deadline.pauses.filter(state=Pause.State.APPROVED).exists()
