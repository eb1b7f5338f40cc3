"""Phone dispatch (R1.11): the Center records a phoned-in order; the calling department backfills it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import is_center_dispatcher
from org.models import Department, User
from org.roles import Role
from sla import services as sla
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict, TransitionForbidden

from ..models import Order, PhoneDispatch
from .orders import attachment_add, order_create, order_submit


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
    return order
