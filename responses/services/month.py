"""The month (R1.4): live quota usage and, when a month closes, the over-quota decision."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from org.models import Department
from org.roles import Dept
from sla.models import Level

from ..models import Order
from ..selectors import month_bounds
from ._common import _assess, _now, _reassess

GOV_ENTERPRISE = Dept.GOV_ENTERPRISE
A_FLOOR_GOV_ENTERPRISE = 6  # R1.4


@dataclass
class QuotaUsage:
    total: int
    a_count: int
    b_count: int
    a_limit: int
    b_limit: int

    @property
    def a_over(self) -> bool:
        return self.a_count > self.a_limit

    @property
    def b_over(self) -> bool:
        return self.b_count > self.b_limit


def quota_limits(*, department: Department, total: int) -> tuple[int, int]:
    """R1.4: A ≤ 10%, B ≤ 20% of the month's orders; 政企客户部 always may issue 6 A orders."""
    a_limit = total * 10 // 100
    if department.code == GOV_ENTERPRISE:
        a_limit = max(a_limit, A_FLOOR_GOV_ENTERPRISE)
    return a_limit, total * 20 // 100


def _month_orders(department, year, month):
    start, end = month_bounds(year, month)
    return Order.objects.filter(front_department=department, submitted_at__gte=start, submitted_at__lt=end).exclude(
        state=Order.State.CANCELLED
    )


def quota_usage(*, department: Department, at: datetime | None = None, adding: str | None = None) -> QuotaUsage:
    """Live usage of the month (for the submit form); ``adding`` counts one more order of that level."""
    local = timezone.localtime(_now(at))
    counts = Counter(_month_orders(department, local.year, local.month).values_list("level", flat=True))
    if adding:
        counts[adding] += 1
    total = sum(counts.values())
    a_limit, b_limit = quota_limits(department=department, total=total)
    return QuotaUsage(total, counts[Level.A], counts[Level.B], a_limit, b_limit)


@transaction.atomic
def month_close_quota(*, department: Department, year: int, month: int) -> QuotaUsage:
    """R1.4: decide over-quota orders of a closed month, in submission order; assessed one level down."""
    orders = list(_month_orders(department, year, month).select_for_update().order_by("submitted_at", "id"))
    a_limit, b_limit = quota_limits(department=department, total=len(orders))
    seen: Counter[str] = Counter()
    for order in orders:
        seen[order.level] += 1
        limit = {Level.A: a_limit, Level.B: b_limit}.get(order.level)
        order.over_quota = limit is not None and seen[order.level] > limit
        order.quota_decided = True
        before = order.effective_assessed_level
        _assess(order)
        order.save(update_fields=["over_quota", "quota_decided", "assessed_level", "assessment_reason"])
        if not (order.effective_assessed_level == before == order.level):
            _reassess(order)  # R1.4: the month's steps are assessed again on the level decided here
    return QuotaUsage(len(orders), seen[Level.A], seen[Level.B], a_limit, b_limit)
