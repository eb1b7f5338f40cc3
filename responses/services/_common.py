"""What the order services share: the deadline kinds, the transition runner, the open-deadline
lookup, the assessed level (R1.4, R1.5, R1.7) and the dispatch of an order's next step (R1.8).

Private to ``responses.services``; the modules beside it import from here, not from each other
where avoidable.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import has_role_in, works_in_back_office
from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.calendars import WorkingCalendar
from sla.models import Deadline, Level
from sla.selectors import deadlines_of
from sla.workflow import TransitionForbidden, apply_transition

from ..models import Order, WorkStep

PROVISIONING = "order-provisioning"
NEW_BUILD = "order-new-build"
STEP_RESOURCE = "step-resource"
REQUISITION = "requisition"
CONFIRMATION = "order-confirmation"
NETBUILD = Dept.NETBUILD
LEVEL_BELOW: dict[str, str] = {Level.A: Level.B, Level.B: Level.C, Level.C: Level.C}


def _now(at=None):
    return at or timezone.now()


def _apply(instance, name: str, *, by: User | None, **kwargs):
    """Every order, step and request transition goes through ``sla.workflow.apply_transition``
    (wrong person → 403, wrong state or a faster colleague → 409)."""
    return apply_transition(instance, name, by=by, **kwargs)


def _open_deadline(subject, kind=None):
    qs = deadlines_of(subject).filter(state__in=Deadline.OPEN_STATES)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-started_at", "-id").first()


def _require_front_admin(by: User, department) -> None:
    if not has_role_in(by, [Role.FRONT_ADMIN], department):
        raise TransitionForbidden(_("Only the front department's order admin may do this."))


def _center() -> Department | None:
    return Department.objects.filter(side=Department.Side.CENTER).order_by("pk").first()


def _assess(order: Order) -> None:
    """Served level vs assessed level and why (R1.4 quota, R1.5 unsigned A, R1.7 no requisition)."""
    assessed, reasons = order.level, []
    if order.level == Level.A and order.signed_at is None and order.state != Order.State.DRAFT:
        assessed, reasons = Level.B, [_("A order not signed off (R1.5)")]
    if order.over_quota:
        assessed = LEVEL_BELOW[assessed] if assessed == order.level else assessed
        reasons.append(_("over the monthly level quota (R1.4)"))
    if order.no_resources and order.requisition_id is None:
        reasons.append(_("no prior resource requisition: new-build limit, front department responsible (R1.7)"))
    order.assessed_level = assessed
    order.assessment_reason = "; ".join(str(r) for r in reasons)[:200]


def return_overtime(
    *,
    finished_at: datetime | None,
    returned_at: datetime,
    due_at: datetime | None,
    unfinished: bool = False,
    obstruction: bool = False,
    special_order_approved: bool = False,
    calendar: WorkingCalendar | None = None,
) -> tuple[bool, str]:
    """Whether a return counts as overtime, and why (R1.8, R1.9, R1.10)."""
    if unfinished or finished_at is None:
        return True, _("returned unfinished (R1.9)")
    if obstruction and not special_order_approved:
        return True, _("returned for obstruction without an approved special order (R1.10)")
    if due_at is not None and finished_at > due_at:
        return True, _("finished after the limit (R1.8)")
    calendar = calendar or WorkingCalendar()
    finished_day = timezone.localtime(finished_at).date()
    if calendar.is_workday(finished_day):
        # Finished on a working day, returned later: by 09:00 the next day.
        limit_day = finished_day + timedelta(days=1)
    else:
        # Finished on a rest day: announced by phone, returned at the start of the next working day.
        limit_day = calendar.next_workday(finished_day)
    limit = timezone.make_aware(datetime.combine(limit_day, time(9, 0)))
    if returned_at > limit:
        return True, _("returned after %(limit)s (R1.9)") % {"limit": timezone.localtime(limit).strftime("%m-%d %H:%M")}
    return False, ""


def _reassess(order: Order, *, by: User | None = None) -> None:
    """Carry the order's assessed level (R1.4/R1.5/R1.7) onto its provisioning clock and its steps' clocks,
    and judge the returned steps again on the assessed limit (month close does this in submission order)."""
    level = order.effective_assessed_level
    comment = order.assessment_reason
    for deadline in deadlines_of(order).filter(kind=PROVISIONING).exclude(state=Deadline.State.CANCELLED):
        sla.deadline_assess(deadline=deadline, level=level, by=by, comment=comment)
    steps = {s.pk: s for s in order.steps.exclude(state__in=[WorkStep.State.PENDING, WorkStep.State.CANCELLED])}
    if not steps:
        return
    step_deadlines = Deadline.objects.filter(
        content_type__app_label="responses", content_type__model="workstep", object_id__in=steps, kind=STEP_RESOURCE
    ).exclude(state=Deadline.State.CANCELLED)
    for deadline in step_deadlines:
        deadline = sla.deadline_assess(deadline=deadline, level=level, by=by, comment=comment)
        step = steps[deadline.object_id]
        step.assessed_due_at = deadline.assessed_due_at
        fields = ["assessed_due_at"]
        if step.state == WorkStep.State.RETURNED:
            step.assessed_overtime, _reason = return_overtime(
                finished_at=step.finished_at,
                returned_at=step.returned_at or timezone.now(),
                due_at=deadline.assessed_due,
                unfinished=step.unfinished,
                obstruction=step.obstruction,
                special_order_approved=step.special_orders.filter(state__in=["approved", "closed"]).exists(),
            )
            fields.append("assessed_overtime")
        step.save(update_fields=fields)


def _dispatch_next_step(order: Order, *, by: User, at) -> WorkStep | None:
    step = order.steps.filter(state=WorkStep.State.PENDING).order_by("position").first()
    if step is None:
        return None
    deadline = sla.deadline_start(
        subject=step,
        kind=STEP_RESOURCE,
        level=order.level,
        title=_("Order %(number)s step %(pos)s") % {"number": order.number, "pos": step.position},
        started_at=at,
        assessed_department=step.department,
        assessed_level=order.effective_assessed_level,
    )
    step = _apply(step, "dispatch", by=None, at=at, due_at=deadline.due_at)
    if deadline.assessed_due_at:
        WorkStep.objects.filter(pk=step.pk).update(assessed_due_at=deadline.assessed_due_at)
        step.assessed_due_at = deadline.assessed_due_at
    sla.notify(
        users=list(step.department.members.filter(groups__name__in=[Role.BACK_ADMIN, Role.BACK_MEMBER]).distinct()),
        subject=_("New work step: %(step)s") % {"step": step},
        channels=["inapp"],
    )
    return step


def _in_department(by: User, code):
    if not works_in_back_office(by, code):
        raise TransitionForbidden(_("You may not do this."))
