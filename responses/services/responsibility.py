"""Responsibility for any department (issue 13 §4): the Center records non-cooperation against any
department, front or back, on an order or one of its steps (seed 000 §三.14, §四.2); lost equipment
re-bought at the raising department's cost (§三.6); an order admin who could not be reached
(§四.16). All three are named in the monthly report (R1.22)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from sla import services as sla
from sla.validators import YEAR, check_happened
from sla.workflow import TransitionForbidden

from .. import rules
from ..models import MAX_ATTACHMENT_BYTES, AdminUnreachable, LostEquipment, NonCooperation, Order, WorkStep


def _required() -> str:
    return _("This field is required.")


def _require_center(order: Order, by: User) -> None:
    """The same predicate decides the order page's buttons (``rules.may_record_responsibility``)."""
    if not rules.may_record_responsibility(order, by):
        raise TransitionForbidden(_("Only the Center records responsibility."))


def _text(value) -> str:
    return (value or "").strip()


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def noncooperation_record(
    *,
    order: Order,
    by: User,
    department: Department | None,
    reason: str,
    evidence: str = "",
    step: WorkStep | None = None,
    attachment=None,
) -> NonCooperation:
    """§三.14 / §四.2: the overtime caused by a department that did not cooperate is that department's."""
    _require_center(order, by)
    errors = {}
    if department is None:
        errors["department"] = _required()
    if not _text(reason):
        errors["reason"] = _required()
    if step is not None and step.order_id != order.pk:
        errors["step"] = _("Choose a step of this order.")
    if attachment is not None and attachment.size > MAX_ATTACHMENT_BYTES:
        errors["attachment"] = _("The file is larger than 10 MB.")
    _raise(errors)
    record = NonCooperation(
        order=order,
        step=step,
        department=department,
        reason=_text(reason),
        evidence=_text(evidence),
        recorded_by=by,
    )
    if attachment is not None:
        record.attachment = attachment
    record.full_clean(exclude=["recorded_by", "order", "step", "department"])
    record.save()
    sla.audit_record(subject=order, actor=by, transition="non_cooperation", comment=f"{department}: {record.reason}")
    return record


@transaction.atomic
def lost_equipment_record(
    *, order: Order, by: User, item: str, quantity: int | None, amount: Decimal | None, note: str = ""
) -> LostEquipment:
    """§三.6: equipment of ours lost at the customer is re-bought at the raising (front) department's cost."""
    _require_center(order, by)
    errors = {}
    if not _text(item):
        errors["item"] = _required()
    if quantity is None or quantity < 1:
        errors["quantity"] = _("Ensure this value is greater than or equal to 1.")
    if amount is None or amount < 0:
        errors["amount"] = _("Enter the re-purchase cost (0 or more).")
    _raise(errors)
    assert quantity is not None and amount is not None  # checked above
    record = LostEquipment(
        order=order,
        item=_text(item),
        quantity=quantity,
        amount=amount,
        charged_department=order.front_department,
        note=_text(note),
        recorded_by=by,
    )
    record.full_clean(exclude=["recorded_by", "order", "charged_department"])
    record.save()
    sla.audit_record(subject=order, actor=by, transition="lost_equipment", comment=f"{record} ¥{amount}")
    return record


@transaction.atomic
def admin_unreachable_record(
    *,
    order: Order,
    by: User,
    department: Department | None,
    tried_at,
    person: User | None = None,
    note: str = "",
) -> AdminUnreachable:
    """§四.16: an order admin who cannot be reached answers (with the department) for the overtime it causes."""
    _require_center(order, by)
    errors = {}
    if department is None:
        errors["department"] = _required()
    elif person is not None and person.department_id != department.pk:
        errors["person"] = _("Choose a person of that department.")
    now = timezone.now()
    if tried_at is None:
        errors["tried_at"] = _required()
    try:
        check_happened(tried_at, field="tried_at", now=now, not_before=now - YEAR)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    _raise(errors)
    assert department is not None  # checked above
    record = AdminUnreachable.objects.create(
        order=order, department=department, person=person, tried_at=tried_at, note=_text(note), recorded_by=by
    )
    sla.audit_record(subject=order, actor=by, transition="admin_unreachable", comment=f"{department} {person or ''}")
    return record
