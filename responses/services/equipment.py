"""Equipment needs (R1.14, seed 000 §四.6).

* An order's needs are entered with it (``order_create(equipment=…)``) or afterwards on its page or
  through the API (``equipment_need_add`` / ``equipment_need_remove``), by its front department's
  admin or the Center; on a system-integration order 增值业务中心 draws up the purchase list.
* Every half month the Center totals what open orders need (small optical transceivers, optical
  modems, switches, protocol converters …) and sends it to 网络建设部 (``equipment_send_half_month``,
  beat on the 1st and 16th); an emergency order sends its needs at once; 增值业务中心 sends a
  system-integration order's purchase list itself (``purchase_list_send``).
* 网络建设部 buys and records the delivery of each item (``equipment_need_deliver``). A step returned
  overtime while equipment of its order was not delivered by the step's due time is 网络建设部's
  overtime (如因设备采购不及时，导致响应工作超时，视网络建设部超时): the Center moves it
  (``step_charge_procurement_overtime``).
"""

from collections import Counter
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.models import Deadline
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden

from .. import rules
from ..models import EquipmentNeed, EquipmentReport, Order, WorkStep
from ._common import STEP_RESOURCE, _now

#: R1.14: the most of one item an order may ask for (a typing slip of a zero too many is refused).
MAX_QUANTITY = 10000


def _netbuild() -> Department:
    return Department.objects.get(code=Dept.NETBUILD)


def _members(department: Department) -> list[User]:
    return list(department.members.filter(groups__name__in=[Role.BACK_MEMBER, Role.BACK_ADMIN]).distinct())


def _send_equipment(
    needs, *, start, end, kind, order: Order | None = None, from_department: Department | None = None
) -> EquipmentReport:
    totals: Counter[str] = Counter()
    for need in needs:
        totals[need.item] += need.quantity
    netbuild = _netbuild()
    report = EquipmentReport.objects.create(
        kind=kind,
        period_start=start,
        period_end=end,
        emergency_order=order,
        totals=dict(totals),
        sent_to=netbuild,
        from_department=from_department,
    )
    EquipmentNeed.objects.filter(pk__in=[n.pk for n in needs]).update(sent_at=end, report=report)
    body = "\n".join(f"{EquipmentNeed.Item(k).label}: {v}" for k, v in sorted(totals.items()))
    sla.notify(
        users=list(netbuild.members.all()),
        subject=str(EquipmentReport.Kind(kind).label) + (f" {order.number or order.pk}" if order else ""),
        body=body,
        channels=["inapp"],
    )
    return report


@transaction.atomic
def equipment_send_half_month(*, at: datetime | None = None) -> EquipmentReport:
    """R1.14: every half month the Center totals what open orders need and sends it to 网络建设部
    (a system-integration order's purchase list comes from 增值业务中心 instead)."""
    end = _now(at)
    needs = list(
        EquipmentNeed.objects.select_for_update()
        .filter(sent_at__isnull=True, order__state__in=Order.OPEN_STATES)
        .exclude(order__business_type__is_system_integration=True)
        .select_related("order")
    )
    return _send_equipment(needs, start=end - timedelta(days=15), end=end, kind=EquipmentReport.Kind.HALF_MONTH)


def equipment_send_emergency(*, order: Order) -> EquipmentReport | None:
    """R1.14: an emergency order sends its needs at once."""
    if order.business_type.is_system_integration:
        return None  # its purchase list comes from 增值业务中心
    needs = list(order.equipment_needs.filter(sent_at__isnull=True))
    if not needs:
        return None
    now = timezone.now()
    return _send_equipment(needs, start=now, end=now, kind=EquipmentReport.Kind.EMERGENCY, order=order)


def _locked_order(order: Order) -> Order:
    return Order.objects.select_for_update().select_related("business_type").get(pk=order.pk)


def _check_state(order: Order) -> None:
    if not rules.can_edit_equipment(order):
        raise TransitionConflict(
            _("This cannot be done now: the record is “%(state)s”.") % {"state": order.get_state_display()}
        )


@transaction.atomic
def equipment_need_add(*, order: Order, by: User, item: str, quantity: int, note: str = "") -> EquipmentNeed:
    """R1.14: one more item the order needs; an emergency order already submitted sends it at once."""
    if not rules.may_edit_equipment(order, by):
        raise TransitionForbidden(_("You may not change this order's equipment needs."))
    order = _locked_order(order)
    _check_state(order)
    if item not in EquipmentNeed.Item.values:
        raise ValidationError({"item": _("Choose an item from the list.")})
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise ValidationError({"quantity": _("Enter a quantity from 1 to %(max)s.") % {"max": MAX_QUANTITY}})
    need = EquipmentNeed(order=order, item=item, quantity=quantity, note=(note or "").strip())
    need.full_clean()
    need.save()
    sla.audit_record(subject=order, actor=by, transition="equipment_add", comment=str(need))
    if order.is_emergency and order.state in Order.OPEN_STATES:
        equipment_send_emergency(order=order)
        need.refresh_from_db()
    return need


@transaction.atomic
def equipment_need_remove(*, need: EquipmentNeed, by: User) -> None:
    """R1.14: an item not sent to 网络建设部 yet may be taken off the order."""
    order = need.order
    if not rules.may_edit_equipment(order, by):
        raise TransitionForbidden(_("You may not change this order's equipment needs."))
    order = _locked_order(order)
    _check_state(order)
    if not EquipmentNeed.objects.filter(pk=need.pk, sent_at__isnull=True).delete()[0]:
        raise TransitionConflict(_("This item was already sent to 网络建设部."))
    sla.audit_record(subject=order, actor=by, transition="equipment_remove", comment=str(need))


@transaction.atomic
def purchase_list_send(*, order: Order, by: User, at: datetime | None = None) -> EquipmentReport:
    """R1.14: 增值业务中心 sends a system-integration order's purchase list to 网络建设部."""
    if not rules.may_send_purchase_list(order, by):
        raise TransitionForbidden(_("Only 增值业务中心 sends a purchase list."))
    order = _locked_order(order)
    if not order.business_type.is_system_integration:
        raise ValidationError({"order": _("Only a system-integration order has a purchase list.")})
    _check_state(order)
    needs = list(order.equipment_needs.select_for_update().filter(sent_at__isnull=True))
    if not needs:
        raise TransitionConflict(_("Nothing on the purchase list has not been sent yet."))
    at = _now(at)
    report = _send_equipment(
        needs,
        start=at,
        end=at,
        kind=EquipmentReport.Kind.PURCHASE_LIST,
        order=order,
        from_department=by.department,
    )
    sla.audit_record(subject=order, actor=by, transition="purchase_list", comment=f"{len(needs)}")
    return report


@transaction.atomic
def equipment_need_deliver(*, need: EquipmentNeed, by: User, at: datetime | None = None) -> EquipmentNeed:
    """R1.14: 网络建设部 records that the equipment it bought was handed over."""
    if not rules.is_netbuild_member(need, by):
        raise TransitionForbidden(_("Only 网络建设部 records a delivery."))
    need = EquipmentNeed.objects.select_for_update().select_related("order").get(pk=need.pk)
    if not rules.can_deliver_need(need):
        raise TransitionConflict(
            _("This item was already delivered.")
            if need.delivered_at
            else _("This item was not sent to 网络建设部 yet.")
        )
    need.delivered_at = _now(at)
    need.save(update_fields=["delivered_at"])
    sla.audit_record(subject=need.order, actor=by, transition="equipment_delivered", comment=str(need))
    return need


@transaction.atomic
def step_charge_procurement_overtime(*, step: WorkStep, by: User, at: datetime | None = None) -> WorkStep:
    """R1.14: a step returned overtime while its order's equipment was not delivered by the step's due
    time: the overtime is 网络建设部's (the step, its deadline and the report name 网络建设部)."""
    if not rules.may_charge_procurement(step, by):
        raise TransitionForbidden(_("Only the Center assesses overtime."))
    step = WorkStep.objects.select_for_update().select_related("order").get(pk=step.pk)
    if not rules.can_charge_procurement(step):
        if step.state != WorkStep.State.RETURNED or not step.overtime:
            raise TransitionConflict(_("Only a step returned overtime can be charged."))
        if step.overtime_charged_to_id:
            raise TransitionConflict(
                _("This overtime is already charged to %(dept)s.") % {"dept": step.overtime_charged_to}
            )
        raise TransitionConflict(_("The order's equipment was delivered in time: the overtime stays the step's."))
    netbuild = _netbuild()
    step.overtime_charged_to = netbuild
    step.overtime_reason = (
        _("late equipment procurement: 网络建设部's overtime (R1.14)") + "; " + step.overtime_reason
    )[:200]
    step.save(update_fields=["overtime_charged_to", "overtime_reason"])
    # The step's deadline is assessed on 网络建设部 too, so the dashboard and the report agree (U6.10).
    charged = deadlines_of(step).filter(kind=STEP_RESOURCE).exclude(state=Deadline.State.CANCELLED)
    Deadline.objects.filter(pk__in=[d.pk for d in charged]).update(assessed_department=netbuild)
    sla.audit_record(subject=step, actor=by, transition="procurement_overtime", comment=step.overtime_reason)
    sla.notify(
        users=_members(netbuild),
        subject=_("Overtime of %(step)s charged to 网络建设部: equipment delivered late") % {"step": step},
        channels=["inapp"],
    )
    return step
