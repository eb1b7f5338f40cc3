"""Work steps (R1.8–R1.10): acceptance and return, with the overtime rules of a return."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from org.models import User
from sla import services as sla
from sla.models import Deadline
from sla.validators import CLOCK_SKEW, check_happened

from ..models import SpecialOrder, WorkStep
from ._common import STEP_RESOURCE, _apply, _dispatch_next_step, _now, _open_deadline, return_overtime
from .orders import order_complete


@transaction.atomic
def step_accept(*, step: WorkStep, by: User, at: datetime | None = None) -> WorkStep:
    """A back-office member of the step's department accepts it."""
    return _apply(step, "accept", by=by, at=_now(at), actor=by)


@transaction.atomic
def step_return(
    *,
    step: WorkStep,
    by: User,
    finished_at: datetime | None,
    unfinished: bool = False,
    obstruction: bool = False,
    comment: str = "",
    at: datetime | None = None,
) -> WorkStep:
    """R1.8–R1.10: return a step with its actual completion time; the next step starts, or the order completes."""
    at = _now(at)
    if by is None or has_transition_perm(step.return_, by):  # else _apply answers 403/409 first
        # R1.8/R1.9: the work was finished between the step's dispatch and now (minutes typed on a page
        # may round the dispatch down, and a clock may be a little fast: CLOCK_SKEW either side).
        check_happened(
            finished_at,
            field="finished_at",
            now=at,
            not_before=step.dispatched_at - CLOCK_SKEW if step.dispatched_at else None,
            too_early=_("The actual completion time cannot be before the step was dispatched (%(at)s).")
            % {"at": timezone.localtime(step.dispatched_at).strftime("%Y-%m-%d %H:%M") if step.dispatched_at else ""},
            too_late=_("The actual completion time cannot be in the future."),
        )
    if not unfinished and finished_at is None:
        raise ValidationError({"finished_at": _("State the actual completion time.")})
    deadline = _open_deadline(step, STEP_RESOURCE)
    if deadline and deadline.state == Deadline.State.PAUSED:
        deadline = sla.deadline_resume(deadline=deadline, by=by, at=at)
    approved = step.special_orders.filter(state__in=[SpecialOrder.State.APPROVED, SpecialOrder.State.CLOSED]).exists()

    def judged(due_at):
        return return_overtime(
            finished_at=finished_at,
            returned_at=at,
            due_at=due_at,
            unfinished=unfinished,
            obstruction=obstruction,
            special_order_approved=approved,
        )

    overtime, reason = judged(deadline.due_at if deadline else step.due_at)
    # R1.4/R1.5/R1.7: judged again on the assessed level's limit; the report counts this one.
    assessed_overtime = judged(deadline.assessed_due)[0] if deadline and deadline.assessed_due_at else overtime
    step = _apply(
        step,
        "return_",
        by=by,
        comment=comment or reason,
        at=at,
        finished_at=finished_at,
        unfinished=unfinished,
        obstruction=obstruction,
        overtime=overtime,
        overtime_reason=reason,
        note=comment,
        assessed_overtime=assessed_overtime,
    )
    for special in step.special_orders.filter(state=SpecialOrder.State.APPROVED):
        _apply(special, "close", by=None, at=at)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=finished_at or at, comment=reason)
    order = step.order
    if (
        _dispatch_next_step(order, by=by, at=at) is None
        and not order.steps.exclude(state__in=[WorkStep.State.RETURNED, WorkStep.State.CANCELLED]).exists()
    ):
        order_complete(order=order, at=at)
    return step
