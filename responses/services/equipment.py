"""Equipment needs (R1.14): half-monthly totals to 网络建设部, an emergency order's needs at once."""

from collections import Counter
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department
from org.roles import Dept
from sla import services as sla

from ..models import EquipmentNeed, EquipmentReport, Order
from ._common import _now


def _send_equipment(needs, *, start, end, emergency_order=None) -> EquipmentReport:
    totals: Counter[str] = Counter()
    for need in needs:
        totals[need.item] += need.quantity
    netbuild = Department.objects.get(code=Dept.NETBUILD)
    report = EquipmentReport.objects.create(
        period_start=start, period_end=end, emergency_order=emergency_order, totals=dict(totals), sent_to=netbuild
    )
    EquipmentNeed.objects.filter(pk__in=[n.pk for n in needs]).update(sent_at=end)
    body = "\n".join(f"{EquipmentNeed.Item(k).label}: {v}" for k, v in sorted(totals.items()))
    sla.notify(
        users=list(netbuild.members.all()),
        subject=_("Equipment needs") + (f" {emergency_order.number}" if emergency_order else ""),
        body=body,
        channels=["inapp"],
    )
    return report


@transaction.atomic
def equipment_send_half_month(*, at: datetime | None = None) -> EquipmentReport:
    """R1.14: every half month the Center totals what open orders need and sends it to 网络建设部."""
    end = _now(at)
    needs = list(
        EquipmentNeed.objects.select_for_update()
        .filter(sent_at__isnull=True, order__state__in=Order.OPEN_STATES)
        .select_related("order")
    )
    return _send_equipment(needs, start=end - timedelta(days=15), end=end)


def equipment_send_emergency(*, order: Order) -> EquipmentReport | None:
    """R1.14: an emergency order sends its needs at once."""
    needs = list(order.equipment_needs.filter(sent_at__isnull=True))
    if not needs:
        return None
    now = timezone.now()
    return _send_equipment(needs, start=now, end=now, emergency_order=order)
