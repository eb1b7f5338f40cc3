"""Phone dispatch (R1.11): the Center records a phoned-in order; the calling department backfills it."""

from datetime import datetime, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import is_center_dispatcher
from org.models import Department, User
from org.roles import Role
from sla import services as sla
from sla.calendars import WorkingCalendar
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict, TransitionForbidden

from ..models import Order, PhoneDispatch
from ._common import _open_deadline
from .orders import attachment_add, order_create, order_submit

BACKFILL = "phone-backfill"


def backfill_due(phoned_at: datetime, calendar: WorkingCalendar | None = None) -> datetime:
    """R1.11: the end (23:59:59 local time) of the next working day after the call."""
    day = (calendar or WorkingCalendar()).next_workday(timezone.localtime(phoned_at).date())
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


@transaction.atomic
def phone_dispatch_record(*, by: User, department, phoned_at, caller: str, summary: str) -> PhoneDispatch:
    if not is_center_dispatcher(by):
        raise TransitionForbidden(_("Only the Center records phone dispatches."))
    errors = {}
    if department is None or department.side != Department.Side.FRONT:
        # The calling department backfills the order, and only front departments raise orders.
        errors["department"] = _("Choose the front-office department that phoned.")
    if phoned_at is None:
        errors["phoned_at"] = _("This field is required.")
    else:
        try:  # R1.11: backfilled after the call, within BACKFILL_LIMIT; not in the future
            now = timezone.now()
            check_happened(
                phoned_at,
                field="phoned_at",
                now=now,
                not_before=now - BACKFILL_LIMIT,
                too_late=_("The phone time cannot be in the future."),
            )
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not (caller or "").strip():
        errors["caller"] = _("This field is required.")
    if not (summary or "").strip():
        errors["summary"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    pd = PhoneDispatch.objects.create(
        department=department, phoned_at=phoned_at, caller=caller, summary=summary, recorded_by=by
    )
    # R1.11: the backfill is a deadline of the calling department, told to its order admins
    # (front_admin) before the end of the next working day and when it is missed.
    sla.deadline_start(
        subject=pd,
        kind=BACKFILL,
        title=_("Backfill the phone dispatch of %(time)s")
        % {"time": timezone.localtime(phoned_at).strftime("%m-%d %H:%M")},
        started_at=phoned_at,
        assessed_department=department,
        due_at=backfill_due(phoned_at),
    )
    # The calling department's order admins backfill the order (by the next working day).
    sla.notify(
        users=list(department.members.filter(groups__name=Role.FRONT_ADMIN.value)),
        subject=_("Phone dispatch of %(time)s: backfill the order")
        % {"time": timezone.localtime(phoned_at).strftime("%Y-%m-%d %H:%M")},
        body=summary,
    )
    return pd


@transaction.atomic
def order_backfill(
    *, phone_dispatch: PhoneDispatch, by: User, data: dict, at=None, attachment=None, equipment=None
) -> Order:
    """R1.11: the phoned-in order is backfilled; its clock starts at the phone time.

    ``attachment`` (an uploaded file) is added before submission, for types that need one (R1.1).
    """
    pd = PhoneDispatch.objects.select_for_update().get(pk=phone_dispatch.pk)
    if pd.order_id:
        raise TransitionConflict(_("This phone dispatch was already backfilled."))
    if by.department_id != pd.department_id:
        raise TransitionForbidden(_("Only the calling department backfills its order."))
    order = order_create(by=by, data=data | {"is_emergency": data.get("is_emergency", True)}, equipment=equipment)
    Order.objects.filter(pk=order.pk).update(phoned_at=pd.phoned_at)
    order.refresh_from_db()
    if attachment is not None:
        attachment_add(order=order, by=by, file=attachment)
    order = order_submit(order=order, by=by, at=at)
    pd.order = order
    pd.save(update_fields=["order"])
    deadline = _open_deadline(pd, BACKFILL)
    if deadline is not None:  # R1.11: the backfill meets it
        sla.deadline_meet(deadline=deadline, by=by, at=at or timezone.now())
    return order
