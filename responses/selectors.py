"""Reads of the responses app; every list is limited by ``org.access.department_scope``."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    Sum,
)
from django.utils import timezone

from core.lookups import visible_record
from org.access import department_scope, has_role_in, reads_everything, reads_reports
from org.models import Department
from org.roles import Dept, Role
from sla.validators import FIRST_YEAR, month_in_range, parse_month

from .models import (
    Attachment,
    BuildDecision,
    ContactOrder,
    ExpansionRequest,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)
from .models import MonthReport as MonthReportSnapshot


def orders_visible_to(user):
    """Front office: its own department's orders; back office: orders with a step of theirs; the
    Center, viewers and auditors: all.

    The same rule as ``department_scope(user, qs, "front_department", "steps__department")``, written
    with ``EXISTS`` instead of a join + ``DISTINCT`` so it stays fast on a million orders.
    """
    qs = Order.objects.select_related("front_department", "customer", "business_type")
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    has_step = Exists(WorkStep.objects.filter(order=OuterRef("pk"), department=user.department_id))
    # Steps only ever go to back-office departments (order_dispatch), so each side needs one path.
    side = user.department.side
    if side == Department.Side.FRONT:
        return qs.filter(front_department=user.department_id)
    if side == Department.Side.BACK:
        return qs.filter(has_step)
    return qs.filter(Q(front_department=user.department_id) | has_step)


def order_list(user):
    """Key orders first, then by time left (R1.21). Drafts only for their own front department."""
    qs = orders_visible_to(user)
    if not (user.department_id and user.department.side == Department.Side.FRONT):
        qs = qs.exclude(state=Order.State.DRAFT)
    return qs.order_by("-key_rank", "due_at", "id")


def get_order_for(user, pk, *, for_write: bool = False) -> Order:
    """The order ``pk`` as ``user`` may see it, with its steps, attachments, equipment and recovered
    items (the order's page); ``core.errors.NotFound`` (404) when it does not exist or is outside
    their scope (issue 12 §2). ``for_write`` locks the order's row."""
    qs = orders_visible_to(user).prefetch_related(
        Prefetch("steps", queryset=WorkStep.objects.select_related("department", "accepted_by")),
        Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
        "equipment_needs",
        "recovered",
    )
    return visible_record(qs, pk, for_write=for_write)


def orders_awaiting_confirmation(user):
    return orders_visible_to(user).filter(state=Order.State.COMPLETED, front_department=user.department_id)


def orders_awaiting_signoff(user):
    return orders_visible_to(user).filter(state=Order.State.AWAITING_SIGNOFF, front_department=user.department_id)


def center_incoming():
    return (
        Order.objects.select_related("front_department", "customer", "business_type")
        .filter(state__in=[Order.State.SUBMITTED, Order.State.AWAITING_SIGNOFF, Order.State.ACCEPTED])
        .order_by("-key_rank", "due_at", "id")
    )


STEP_RELATED = ("department", "order", "order__customer", "order__business_type", "order__front_department")


def steps_visible_to(user):
    qs = WorkStep.objects.select_related(*STEP_RELATED)
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    # Both paths are to-one joins: no duplicates, no DISTINCT needed.
    return qs.filter(Q(department=user.department_id) | Q(order__front_department=user.department_id))


STEP_OPEN_STATES = [WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED, WorkStep.State.PAUSED, WorkStep.State.DONE]


def step_queue(user):
    """Back office: my department's open steps, key orders first, then by time left (R1.21)."""
    qs = steps_visible_to(user).filter(state__in=STEP_OPEN_STATES)
    if not reads_everything(user):
        qs = WorkStep.objects.select_related(*STEP_RELATED).filter(
            department=user.department_id, state__in=STEP_OPEN_STATES
        )
    return qs.order_by("-key_rank", "due_at", "id")


def requisitions_visible_to(user):
    qs = Requisition.objects.select_related("front_department", "customer", "assigned_department")
    return department_scope(user, qs, "front_department", "assigned_department")


def contact_orders_visible_to(user):
    qs = ContactOrder.objects.select_related("from_department", "to_department")
    return department_scope(user, qs, "from_department", "to_department")


def special_orders_visible_to(user):
    qs = SpecialOrder.objects.select_related("step", "step__department", "step__order", "requested_by")
    return department_scope(user, qs, "step__department", "step__order__front_department")


# --- R1.11, R1.13, R1.7, R1.15, R1.16, R1.17, R1.18: work around the orders (pages and API) ---


def phone_dispatches_visible_to(user):
    """R1.11: the Center (and the read-all roles) see every phone dispatch; a department its own calls."""
    qs = PhoneDispatch.objects.select_related("department", "recorded_by", "order")
    return department_scope(user, qs, "department").order_by("-phoned_at", "-id")


def contact_orders_for(user, box: str = ""):
    """R1.13: "sent" (my department's), "received" (to my department), or both; earliest feedback time first."""
    qs = contact_orders_visible_to(user)
    if box == "sent":
        qs = qs.filter(from_department=user.department_id)
    elif box == "received":
        qs = qs.filter(to_department=user.department_id)
    return qs.order_by("feedback_due_at", "id")


def expansion_requests_visible_to(user):
    """R1.15: 网络监控中心 (raises), 网络管理部 (plans) and the Center see all; a front department its orders'."""
    qs = ExpansionRequest.objects.select_related("order", "order__front_department", "order__customer", "raised_by")
    qs = qs.order_by("-created_at", "-id")
    if reads_everything(user) or getattr(user.department, "code", "") in (Dept.NMC, Dept.NETMGMT):
        return qs if user.is_authenticated else qs.none()
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    return qs.filter(order__front_department=user.department_id)


def recovery_entries_visible_to(user):
    """R1.16: the recovery ledger: the Center sees all; a department the entries of orders it works or raised."""
    qs = RecoveryEntry.objects.select_related("order", "order__front_department").order_by("-recovered_at", "-id")
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    has_step = Exists(WorkStep.objects.filter(order=OuterRef("order_id"), department=user.department_id))
    return qs.filter(Q(order__front_department=user.department_id) | has_step)


def build_decisions_visible_to(user):
    """R1.18: the raising department, 网络建设部 (estimates), 市场拓展部 (decides) and the Center."""
    qs = BuildDecision.objects.select_related("created_by", "created_by__department", "decided_by").order_by("-id")
    if reads_everything(user) or getattr(user.department, "code", "") in (Dept.NETBUILD, Dept.MARKET):
        return qs if user.is_authenticated else qs.none()
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    return qs.filter(created_by__department=user.department_id)


# --- One way to find a record (issue 12 §2) ---------------------------------------------------------
# ``get_<record>_for(user, pk, *, for_write=False)``: the record from the person's visible ones, else
# core.errors.NotFound (404), whether it does not exist or is outside their scope; ``for_write``
# locks its row (inside a transaction). The order's, with what its page shows, is ``get_order_for``.


def _get_for(visible_to):
    def get_for(user, pk, *, for_write: bool = False):
        return visible_record(visible_to(user), pk, for_write=for_write)

    get_for.__doc__ = f"The record ``pk`` of ``{visible_to.__name__}(user)``; NotFound (404) otherwise."
    return get_for


get_step_for = _get_for(steps_visible_to)
get_requisition_for = _get_for(requisitions_visible_to)
get_contact_order_for = _get_for(contact_orders_visible_to)
get_special_order_for = _get_for(special_orders_visible_to)
get_phone_dispatch_for = _get_for(phone_dispatches_visible_to)
get_expansion_request_for = _get_for(expansion_requests_visible_to)
get_recovery_entry_for = _get_for(recovery_entries_visible_to)
get_build_decision_for = _get_for(build_decisions_visible_to)


def handover_evidence_missing(order: Order) -> list[str]:
    """R1.20: big-customer circuits need a circuit test report and the customer's sign-off (网络监控中心);
    fibre leases a fibre test report (线路维护中心)."""
    kinds = {a.kind for a in order.attachments.all()}
    departments = {s.department.code for s in order.steps.all()}
    missing: list[str] = []
    if Dept.NMC in departments and order.is_key_customer:
        missing += [k for k in (Attachment.Kind.CIRCUIT_TEST, Attachment.Kind.CUSTOMER_SIGNOFF) if k not in kinds]
    if Dept.LINE in departments and "fibre" in (order.business_type.code or ""):
        if Attachment.Kind.FIBRE_TEST not in kinds:
            missing.append(Attachment.Kind.FIBRE_TEST)
    return missing


def unused_circuits(*, as_of: date | None = None):
    """R1.17: circuits still unused three months or more after opening, with the department that raised them."""
    as_of = as_of or timezone.localdate()
    cutoff = as_of - timedelta(days=91)
    return (
        Order.objects.select_related("service", "front_department", "customer")
        .filter(
            service__isnull=False,
            service__state="active",
            service__activated_on__lte=cutoff,
            circuit_first_used_on__isnull=True,
        )
        .order_by("front_department__code", "service__activated_on")
    )


def unused_circuits_visible_to(user, *, as_of: date | None = None):
    """R1.17 list: the Center, managers and auditors (who also read the monthly report, R1.22) see every
    department's unused circuits; a front-office order admin or leader those their department raised.
    ``None`` for anyone else (403)."""
    if reads_everything(user) or reads_reports(user):
        return unused_circuits(as_of=as_of)
    if user.is_authenticated and user.department_id and user.department.side == Department.Side.FRONT:
        if has_role_in(user, [Role.FRONT_ADMIN, Role.LEADER], user.department):
            return unused_circuits(as_of=as_of).filter(front_department=user.department_id)
    return None


def restricted_site_pending(user):
    """R1.19: restricted-site orders whose workers' names were not sent yet (a checklist item)."""
    return orders_visible_to(user).filter(
        is_restricted_site=True, worker_names_sent_at__isnull=True, state__in=Order.OPEN_STATES
    )


def time_left(due_at):
    if due_at is None:
        return None
    return due_at - timezone.now()


# --- R1.22 monthly response report (月响应通报) ----------------------------------------------

REPORT_SECTIONS = ("handled", "downgrades", "unsigned_a", "unused_circuits", "non_cooperation")
# Decimal values of the report (kept as strings in the frozen JSON snapshot).
REPORT_DECIMALS = ("on_time_rate", "avg_late_hours", "worst_late_hours")
TOTAL = "total"
_HOUR = Decimal(3600)


@dataclass
class MonthReport:
    """The figures of one month, as plain rows (no ORM objects): what the page, the Excel file and
    the API render. ``frozen_at`` is set when the month was closed and the figures come from the
    snapshot (``responses.models.MonthReport``)."""

    month: date
    handled: list[dict] = field(default_factory=list)
    downgrades: list[dict] = field(default_factory=list)
    unsigned_a: list[dict] = field(default_factory=list)
    unused_circuits: list[dict] = field(default_factory=list)
    non_cooperation: list[dict] = field(default_factory=list)
    frozen_at: datetime | None = None

    def to_json(self) -> dict:
        """JSON-safe: Decimals as strings, the month as ``YYYY-MM``."""

        def row(r):
            return {k: str(v) if isinstance(v, Decimal) else v for k, v in r.items()}

        data = {name: [row(r) for r in getattr(self, name)] for name in REPORT_SECTIONS}
        return {
            "month": f"{self.month:%Y-%m}",
            "frozen_at": self.frozen_at.isoformat() if self.frozen_at else None,
            **data,
        }

    @classmethod
    def from_json(cls, data: dict, *, frozen_at=None) -> "MonthReport":
        def row(r):
            return {k: Decimal(v) if k in REPORT_DECIMALS and v is not None else v for k, v in r.items()}

        year, month = (int(x) for x in data["month"].split("-"))
        sections = {name: [row(r) for r in data.get(name, [])] for name in REPORT_SECTIONS}
        return cls(month=date(year, month, 1), frozen_at=frozen_at, **sections)


def _hours(delta: timedelta | None) -> Decimal:
    if not delta:
        return Decimal("0.00")
    return (Decimal(delta.total_seconds()) / _HOUR).quantize(Decimal("0.01"), ROUND_HALF_UP)


def _rate(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else Decimal("0.0")


def _handled_rows(start, end, names) -> list[dict]:
    """Per back-office department × served level: steps returned in the month. Overtime is the flag
    set by ``services.return_overtime`` at the return (R1.8–R1.10); lateness is the actual completion
    time past the step's due time (the basis ``step_return`` uses), averaged over the late steps."""
    lateness = ExpressionWrapper(F("finished_at") - F("due_at"), output_field=DurationField())
    late = Q(finished_at__gt=F("due_at"))
    rows = (
        WorkStep.objects.filter(state=WorkStep.State.RETURNED, returned_at__gte=start, returned_at__lt=end)
        .values("department", "order__level")
        .annotate(
            handled=Count("id"),
            overtime=Count("id", filter=Q(overtime=True)),
            late=Count("id", filter=late),
            late_sum=Sum(lateness, filter=late),
            worst=Max(lateness, filter=late),
        )
        .order_by()
    )
    per_department: dict[int, list[dict]] = {}
    for row in rows:
        per_department.setdefault(row["department"], []).append(row)

    def figures(department, level, handled, overtime, late_count, late_sum, worst):
        code, name = names.get(department, ("", "—"))
        return {
            "department_code": code,
            "department": name,
            "level": level,
            "handled": handled,
            "on_time": handled - overtime,
            "overtime": overtime,
            "on_time_rate": _rate(handled - overtime, handled),
            "avg_late_hours": _hours(late_sum / late_count if late_count else None),
            "worst_late_hours": _hours(worst),
        }

    out = []
    for department in sorted(per_department, key=lambda d: (names.get(d, ("", ""))[0] == "", d)):
        levels = sorted(per_department[department], key=lambda r: r["order__level"])
        for r in levels:
            out.append(
                figures(
                    department, r["order__level"], r["handled"], r["overtime"], r["late"], r["late_sum"], r["worst"]
                )
            )
        late_count = sum(r["late"] for r in levels)
        late_sum = sum((r["late_sum"] for r in levels if r["late_sum"]), timedelta(0))
        worst = max((r["worst"] for r in levels if r["worst"]), default=None)
        out.append(
            figures(
                department,
                TOTAL,
                sum(r["handled"] for r in levels),
                sum(r["overtime"] for r in levels),
                late_count,
                late_sum,
                worst,
            )
        )
    return out


def _grouped(rows, names) -> list[dict]:
    """(department id, number) rows → one row per department: count and numbers."""
    grouped: dict[int, list[str]] = {}
    for department, number in rows:
        grouped.setdefault(department, []).append(number)
    return [
        {
            "department_code": names.get(d, ("", "—"))[0],
            "department": names.get(d, ("", "—"))[1],
            "count": len(numbers),
            "numbers": numbers,
        }
        for d, numbers in sorted(grouped.items())
    ]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The month in local time (Asia/Shanghai), as aware datetimes [start, end)."""
    start = timezone.make_aware(datetime(year, month, 1))
    end = timezone.make_aware(datetime(year + (month == 12), month % 12 + 1, 1))
    return start, end


def month_report_live(*, year: int, month: int) -> MonthReport:
    """R1.22 computed from the current data: a handful of aggregate queries, whatever the volume."""
    start, end = month_bounds(year, month)
    names = {pk: (code, name) for pk, code, name in Department.objects.values_list("pk", "code", "name_zh")}
    of_month = Order.objects.filter(submitted_at__gte=start, submitted_at__lt=end)

    downgrades = [
        {
            "number": r["number"],
            "front_department": names.get(r["front_department"], ("", "—"))[1],
            "customer": r["customer__name"],
            "level": r["level"],
            "assessed_level": r["assessed_level"] or r["level"],
            "reason": r["assessment_reason"],
        }
        for r in of_month.exclude(state=Order.State.CANCELLED)
        .filter((~Q(assessed_level="") & ~Q(assessed_level=F("level"))) | ~Q(assessment_reason=""))
        .order_by("submitted_at", "id")
        .values("number", "front_department", "customer__name", "level", "assessed_level", "assessment_reason")
    ]
    # R1.5: A orders not signed off; the sending department is named.
    unsigned = (
        of_month.filter(level="A", signed_at__isnull=True)
        .exclude(state__in=[Order.State.DRAFT, Order.State.CANCELLED])
        .order_by("front_department", "submitted_at", "id")
        .values_list("front_department", "number")
    )
    # R1.17: circuits unused three months or more as of the month's last day (today for the current
    # month), against the department that raised them.
    last_day = min((end - timedelta(days=1)).date(), timezone.localdate())
    unused = [(o.front_department_id, f"{o.service.code} ({o.number})") for o in unused_circuits(as_of=last_day)]
    # R1.6/R1.7: delays the front office caused (Order.responsible_department).
    non_cooperation = (
        of_month.filter(responsible_department__isnull=False)
        .order_by("responsible_department", "submitted_at", "id")
        .values_list("responsible_department", "number")
    )
    return MonthReport(
        month=start.date(),
        handled=_handled_rows(start, end, names),
        downgrades=downgrades,
        unsigned_a=_grouped(unsigned, names),
        unused_circuits=_grouped(unused, names),
        non_cooperation=_grouped(non_cooperation, names),
    )


def month_report(*, year: int, month: int) -> MonthReport:
    """R1.22: a closed month is read from its frozen snapshot (its figures never change afterwards);
    the current or an unclosed month is computed live."""
    snapshot = MonthReportSnapshot.objects.filter(month=date(year, month, 1)).first()
    if snapshot is not None:
        return MonthReport.from_json(snapshot.data, frozen_at=snapshot.frozen_at)
    return month_report_live(year=year, month=month)


def report_month(value: str | None, *, today: date | None = None) -> date:
    """``YYYY-MM`` → the month's first day; empty → the previous month.

    R1.22: a month from ``sla.validators.FIRST_YEAR`` (before any data) to the current month;
    ``ValidationError`` with a Chinese message when malformed or outside that range.
    """
    today = today or timezone.localdate()
    if not value:
        return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    month = parse_month(value)
    month_in_range(month, earliest=date(FIRST_YEAR, 1, 1), latest=today.replace(day=1))
    return month
