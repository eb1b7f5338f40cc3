"""The recovery ledger (R1.16): equipment recovered from decommissions, checked by the Center."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import is_center_dispatcher
from org.models import User
from sla import services as sla
from sla.validators import YEAR, check_happened
from sla.workflow import TransitionConflict, TransitionForbidden

from .. import rules
from ..models import Order, RecoveryEntry
from ..selectors import month_bounds
from ._common import _now

# R1.16: equipment is recovered while the decommission is worked or once it is completed, not after archiving.
RECOVERY_ORDER_STATES = (
    Order.State.IN_PROGRESS,
    Order.State.COMPLETED,
    Order.State.CONFIRMED,
    Order.State.AUTO_CONFIRMED,
)


def _require_center_dispatcher(by: User, message) -> None:
    if not is_center_dispatcher(by):
        raise TransitionForbidden(message)


@transaction.atomic
def recovery_record(*, order: Order, by: User, **fields) -> RecoveryEntry:
    """R1.16: recovered equipment of a decommission goes into the recovery ledger."""
    if not order.business_type.is_decommission:
        raise ValidationError({"order": _("This is not a decommission order.")})
    if not rules.may_record_recovery(order, by):
        raise TransitionForbidden(_("You may not do this."))
    current = Order.objects.select_for_update().get(pk=order.pk)  # the state as it is now, not as passed in
    if current.state not in RECOVERY_ORDER_STATES:
        raise TransitionConflict(
            _("This cannot be done now: the record is “%(state)s”.") % {"state": current.get_state_display()}
        )
    now = timezone.now()  # R1.16: recovered in the last year, not in the future
    check_happened(fields.get("recovered_at"), field="recovered_at", now=now, not_before=now - YEAR)
    entry = RecoveryEntry(order=order, **fields)
    entry.full_clean()
    entry.save()
    sla.audit_record(subject=order, actor=by, transition="recovery", comment=entry.equipment_name)
    return entry


@transaction.atomic
def recovery_check_quarter(*, by: User, year: int, quarter: int) -> int:
    """R1.16: the Center checks the ledger quarterly."""
    _require_center_dispatcher(by, _("Only the Center checks the recovery ledger."))
    start, _end = month_bounds(year, 3 * quarter - 2)
    end = month_bounds(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1)[0]
    return RecoveryEntry.objects.filter(recovered_at__gte=start, recovered_at__lt=end, checked_at__isnull=True).update(
        checked_at=timezone.now()
    )


@transaction.atomic
def recovery_entry_check(*, entry: RecoveryEntry, by: User, at=None) -> RecoveryEntry:
    """R1.16: the Center ticks one ledger entry as checked (once: a second check is a conflict)."""
    _require_center_dispatcher(by, _("Only the Center checks the recovery ledger."))
    at = _now(at)
    if not RecoveryEntry.objects.filter(pk=entry.pk, checked_at__isnull=True).update(checked_at=at):
        raise TransitionConflict(_("This ledger entry was already checked."))
    sla.audit_record(subject=entry.order, actor=by, transition="recovery_check", comment=entry.equipment_name)
    entry.refresh_from_db()
    return entry
