"""The monthly response report (R1.22, 月响应通报): live figures, the frozen snapshot, the month picker."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from org.models import Department
from sla.validators import FIRST_YEAR, month_in_range, parse_month

from ..models import AdminUnreachable, LostEquipment, NonCooperation, Order, WorkStep
from ..models import MonthReport as MonthReportSnapshot
from .orders import unused_circuits

# --- R1.22 monthly response report (月响应通报) ----------------------------------------------

REPORT_SECTIONS = (
    "handled",
    "downgrades",
    "unsigned_a",
    "unused_circuits",
    "non_cooperation",
    "non_cooperation_records",
    "lost_equipment",
    "admin_unreachable",
)
# Decimal values of the report (kept as strings in the frozen JSON snapshot).
REPORT_DECIMALS = ("on_time_rate", "avg_late_hours", "worst_late_hours", "amount")
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
    non_cooperation_records: list[dict] = field(default_factory=list)
    lost_equipment: list[dict] = field(default_factory=list)
    admin_unreachable: list[dict] = field(default_factory=list)
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
    """Per back-office department × served level: steps returned in the month, counted on the ASSESSED
    limit (R1.4/R1.5/R1.7: an over-quota or unsigned A order is judged on B's limit), with the served
    figures beside them. Overtime is the judgement of ``services.return_overtime`` (R1.8–R1.10) against
    each limit; lateness is the actual completion time past the assessed due time, over the late steps."""
    assessed_due = Coalesce("assessed_due_at", "due_at")
    lateness = ExpressionWrapper(F("finished_at") - assessed_due, output_field=DurationField())
    late = Q(finished_at__gt=assessed_due)
    rows = (
        WorkStep.objects.filter(state=WorkStep.State.RETURNED, returned_at__gte=start, returned_at__lt=end)
        # R1.14: a step whose overtime the Center charged to 网络建设部 (late equipment) counts there, as its
        # deadline does on the dashboard.
        .annotate(answering=Coalesce("overtime_charged_to", "department"))
        .values("answering", "order__level")
        .annotate(
            handled=Count("id"),
            served_over=Count("id", filter=Q(overtime=True)),
            assessed_over=Count("id", filter=Q(assessed_overtime=True)),
            late=Count("id", filter=late),
            late_sum=Sum(lateness, filter=late),
            worst=Max(lateness, filter=late),
        )
        .order_by()
    )
    per_department: dict[int, list[dict]] = {}
    for row in rows:
        per_department.setdefault(row["answering"], []).append(row)

    def figures(department, level, handled, overtime, served_overtime, late_count, late_sum, worst):
        code, name = names.get(department, ("", "—"))
        return {
            "department_code": code,
            "department": name,
            "level": level,
            "handled": handled,
            "on_time": handled - overtime,
            "overtime": overtime,
            "on_time_rate": _rate(handled - overtime, handled),
            "served_on_time": handled - served_overtime,
            "served_overtime": served_overtime,
            "avg_late_hours": _hours(late_sum / late_count if late_count else None),
            "worst_late_hours": _hours(worst),
        }

    out = []
    for department in sorted(per_department, key=lambda d: (names.get(d, ("", ""))[0] == "", d)):
        levels = sorted(per_department[department], key=lambda r: r["order__level"])
        for r in levels:
            out.append(
                figures(
                    department,
                    r["order__level"],
                    r["handled"],
                    r["assessed_over"],
                    r["served_over"],
                    r["late"],
                    r["late_sum"],
                    r["worst"],
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
                sum(r["assessed_over"] for r in levels),
                sum(r["served_over"] for r in levels),
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
    # R1.6/R1.7: delays the front office caused (Order.responsible_department), and the Center's
    # non-cooperation records of the month against any department, front or back (§三.14, §四.2).
    non_cooperation = list(
        of_month.filter(responsible_department__isnull=False)
        .order_by("responsible_department", "submitted_at", "id")
        .values_list("responsible_department", "number")
    )
    records = _responsibility_rows(start, end, names)
    for row in records["non_cooperation_records"]:
        non_cooperation.append((row.pop("department_id"), row["number"]))
    return MonthReport(
        month=start.date(),
        handled=_handled_rows(start, end, names),
        downgrades=downgrades,
        unsigned_a=_grouped(unsigned, names),
        unused_circuits=_grouped(unused, names),
        non_cooperation=_grouped(non_cooperation, names),
        non_cooperation_records=records["non_cooperation_records"],
        lost_equipment=records["lost_equipment"],
        admin_unreachable=records["admin_unreachable"],
    )


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _person(row) -> str:
    """As ``org.User.__str__``: the full name, else the username; empty when nobody was named."""
    if not row["person__username"]:
        return ""
    return f"{row['person__last_name']}{row['person__first_name']}".strip() or row["person__username"]


def _responsibility_rows(start, end, names) -> dict[str, list[dict]]:
    """Issue 13 §4: the month's non-cooperation records, lost-equipment charges (§三.6) and unreachable
    order admins (§四.16), one row each, in time order (three queries)."""

    def name(pk):
        return names.get(pk, ("", "—"))

    non_cooperation = [
        {
            "department_id": r["department"],
            "number": r["order__number"],
            "department_code": name(r["department"])[0],
            "department": name(r["department"])[1],
            "step": r["step__position"],
            "reason": r["reason"],
            "evidence": r["evidence"],
            "recorded_at": _local(r["recorded_at"]),
        }
        for r in NonCooperation.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .order_by("recorded_at", "id")
        .values("department", "order__number", "step__position", "reason", "evidence", "recorded_at")
    ]
    lost = [
        {
            "number": r["order__number"],
            "department_code": name(r["charged_department"])[0],
            "department": name(r["charged_department"])[1],
            "item": r["item"],
            "quantity": r["quantity"],
            "amount": r["amount"],
            "recorded_at": _local(r["recorded_at"]),
        }
        for r in LostEquipment.objects.filter(recorded_at__gte=start, recorded_at__lt=end)
        .order_by("recorded_at", "id")
        .values("order__number", "charged_department", "item", "quantity", "amount", "recorded_at")
    ]
    unreachable = [
        {
            "number": r["order__number"],
            "department_code": name(r["department"])[0],
            "department": name(r["department"])[1],
            "person": _person(r),
            "tried_at": _local(r["tried_at"]),
            "note": r["note"],
        }
        for r in AdminUnreachable.objects.filter(tried_at__gte=start, tried_at__lt=end)
        .order_by("tried_at", "id")
        .values(
            "order__number",
            "department",
            "person__username",
            "person__last_name",
            "person__first_name",
            "tried_at",
            "note",
        )
    ]
    return {"non_cooperation_records": non_cooperation, "lost_equipment": lost, "admin_unreachable": unreachable}


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
