"""A circuit's first use (R1.17): recorded when the order is confirmed, or later by the back office,
the Center or the front department; a circuit with a first use is no longer listed as unused."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import User
from sla import services as sla
from sla.workflow import TransitionConflict, TransitionForbidden

from .. import rules
from ..models import Order
from ._common import _now


def _check_used_on(order: Order, used_on: date | None, at: datetime) -> date:
    if not isinstance(used_on, date):
        raise ValidationError({"circuit_first_used_on": _("Enter the date the customer first used the circuit.")})
    if used_on > timezone.localdate(at):
        raise ValidationError({"circuit_first_used_on": _("The first use cannot be in the future.")})
    since = order.completed_at or order.submitted_at
    if since is not None and used_on < timezone.localdate(since):
        raise ValidationError(
            {
                "circuit_first_used_on": _("The first use cannot be before the order was completed (%(day)s).")
                % {"day": timezone.localdate(since).isoformat()}
            }
        )
    return used_on


def record_first_use(*, order: Order, by: User | None, used_on: date, at: datetime) -> Order:
    """Write the first use on every order of the circuit that has none yet (inside the caller's
    transaction; no permission check: the callers make it)."""
    Order.objects.filter(service_id=order.service_id, circuit_first_used_on__isnull=True).update(
        circuit_first_used_on=used_on
    )
    sla.audit_record(subject=order, actor=by, transition="circuit_first_use", comment=used_on.isoformat(), at=at)
    order.circuit_first_used_on = used_on
    return order


@transaction.atomic
def circuit_record_first_use(
    *, order: Order, by: User, circuit_first_used_on: date | None, at: datetime | None = None
) -> Order:
    """R1.17: the date the customer first used the circuit the order opened."""
    at = _now(at)
    if not rules.may_record_circuit_use(order, by):
        raise TransitionForbidden(_("You may not record this circuit's use."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.service_id is None:
        raise TransitionConflict(_("This order has not opened a circuit (yet): it is confirmed first."))
    if order.circuit_first_used_on is not None:
        raise TransitionConflict(
            _("The circuit's first use was already recorded (%(day)s).") % {"day": order.circuit_first_used_on}
        )
    used_on = _check_used_on(order, circuit_first_used_on, at)
    return record_first_use(order=order, by=by, used_on=used_on, at=at)


def check_first_use_at_confirmation(order: Order, used_on: date | None, at: datetime) -> date | None:
    """R1.17: the first use given with the confirmation (optional), checked before anything is saved."""
    return None if used_on is None else _check_used_on(order, used_on, at)


def check_named_circuit(btype, data: dict, errors: dict[str, str]) -> None:
    """Issue 14 §1 (B4.1): a change or decommission order names the circuit it changes or ends; a
    named circuit is one of the order's customer's active circuits; only a change names a new tariff."""
    service = data.get("service")
    if service is None:
        if btype is not None and (btype.is_change or btype.is_decommission):
            errors["service"] = _(
                "A change or decommission order names the circuit it changes or ends: enter its circuit number."
            )
    else:
        customer = data.get("customer")
        if customer is not None and service.customer_id != customer.pk:
            errors["service"] = _("Circuit %(code)s is not a circuit of %(customer)s.") % {
                "code": service.code,
                "customer": customer.name,
            }
        elif service.state != service.State.ACTIVE:
            errors["service"] = _("Circuit %(code)s is not active: only an active circuit is changed or ended.") % {
                "code": service.code
            }
    if data.get("new_product") is not None and not (btype is not None and btype.is_change):
        errors["new_product"] = _("Only a change order names a new product.")
