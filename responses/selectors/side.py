"""Reads of the side rules: equipment needs and their totals (R1.14), the quarterly hand-over
sampling list (R1.20)."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone

from org.access import reads_everything
from org.roles import Dept

from ..models import Attachment, EquipmentNeed, EquipmentReport, Order, WorkStep
from .orders import handover_required, orders_visible_to

# --- R1.14 equipment -------------------------------------------------------------------------------

#: Who reads every order's equipment and every report: besides the read-all roles, 网络建设部 (buys),
#: 网络管理部 (keeps the safety stock) and 增值业务中心 (system-integration purchase lists).
EQUIPMENT_DEPARTMENTS = (Dept.NETBUILD, Dept.NETMGMT, Dept.VAS)


def reads_equipment(user) -> bool:
    if not user.is_authenticated:
        return False
    return reads_everything(user) or getattr(user.department, "code", "") in EQUIPMENT_DEPARTMENTS


def equipment_needs_visible_to(user):
    """R1.14: every need for the equipment departments and the Center; otherwise the needs of the orders
    the person sees."""
    qs = EquipmentNeed.objects.select_related("order", "order__front_department", "report").order_by("order_id", "id")
    if reads_equipment(user):
        return qs
    return qs.filter(order__in=orders_visible_to(user).values("pk"))


def equipment_reports_visible_to(user):
    """R1.14: the reports sent to 网络建设部; ``None`` for whoever does not read them (403)."""
    if not reads_equipment(user):
        return None
    return EquipmentReport.objects.select_related("sent_to", "from_department", "emergency_order").order_by(
        "-created_at", "-id"
    )


def equipment_pending_totals() -> dict[str, int]:
    """What the next half-monthly report would total now (open orders' needs not sent yet)."""
    totals: Counter[str] = Counter()
    rows = (
        EquipmentNeed.objects.filter(sent_at__isnull=True, order__state__in=Order.OPEN_STATES)
        .exclude(order__business_type__is_system_integration=True)
        .values_list("item", "quantity")
    )
    for item, quantity in rows:
        totals[item] += quantity
    return dict(sorted(totals.items()))


def equipment_report_lines(report: EquipmentReport):
    """The needs a report totalled, order by order (its Excel file's second sheet)."""
    return report.needs.select_related("order", "order__front_department", "order__customer").order_by("order_id", "id")


# --- R1.20 quarterly hand-over sampling ---------------------------------------------------------------

#: R1.20: the share of the quarter's circuits the Center samples, and the fewest it samples (all, when
#: the quarter has fewer).
SAMPLE_SHARE = 0.2
SAMPLE_MIN = 5


@dataclass
class SampleRow:
    order: Order
    required: list[str] = field(default_factory=list)
    present: list[str] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return [k for k in self.required if k not in self.present]

    @property
    def complete(self) -> bool:
        return not self.missing


def quarter_bounds(year: int, quarter: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 3 * quarter - 2, 1))
    end = timezone.make_aware(datetime(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1))
    return start, end


def _draw(year: int, quarter: int, pk: int) -> str:
    """The order's place in the quarter's draw: the same for the same quarter, whoever asks, whenever."""
    return hashlib.sha256(f"R1.20:{year}Q{quarter}:{pk}".encode()).hexdigest()


def handover_population(year: int, quarter: int):
    """R1.20: the quarter's big-customer circuits (a key customer's order with a 网络监控中心 step) and
    fibre leases (with a 线路维护中心 step), completed in the quarter."""
    start, end = quarter_bounds(year, quarter)
    nmc = Exists(WorkStep.objects.filter(order=OuterRef("pk"), department__code=Dept.NMC))
    line = Exists(WorkStep.objects.filter(order=OuterRef("pk"), department__code=Dept.LINE))
    return (
        Order.objects.filter(completed_at__gte=start, completed_at__lt=end)
        .filter((Q(is_key_customer=True) & nmc) | (Q(business_type__is_fibre_lease=True) & line))
        .select_related("front_department", "customer", "business_type", "service")
        .prefetch_related(
            Prefetch("steps", queryset=WorkStep.objects.select_related("department")),
            Prefetch("attachments", queryset=Attachment.objects.only("id", "order_id", "kind")),
        )
    )


def handover_sample(*, year: int, quarter: int, user=None) -> list[SampleRow]:
    """R1.20: the quarter's sample, drawn by a fixed hash of the quarter and the order (deterministic:
    the same list on every reading); the evidence each sampled circuit needs and has. A 网络监控中心 or
    线路维护中心 member gets the sampled orders it worked on."""
    population = sorted(handover_population(year, quarter), key=lambda o: _draw(year, quarter, o.pk))
    size = min(len(population), max(SAMPLE_MIN, round(len(population) * SAMPLE_SHARE)))
    rows = []
    for order in sorted(population[:size], key=lambda o: (o.completed_at, o.pk)):
        if user is not None and not reads_everything(user):
            if not any(s.department_id == user.department_id for s in order.steps.all()):
                continue
        present = sorted({a.kind for a in order.attachments.all()})
        rows.append(SampleRow(order=order, required=handover_required(order), present=present))
    return rows


def reads_handover_sample(user) -> bool:
    """R1.20: the Center samples; 网络监控中心 and 线路维护中心 keep the evidence."""
    if not user.is_authenticated:
        return False
    return reads_everything(user) or getattr(user.department, "code", "") in (Dept.NMC, Dept.LINE)
