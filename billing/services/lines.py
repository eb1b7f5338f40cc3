"""Invoice lines (B4.4): exact Decimal proration of a service over a month and the SLA credits of late repairs."""

import calendar
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import InvoiceLine, Service, ServiceChange

CENT = Decimal("0.01")


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(period: date) -> tuple[date, date]:
    first = period.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def active_days(service: Service, first: date, last: date) -> int:
    """Days of [first, last] on which the service was active (activation and end dates included)."""
    if service.activated_on is None:
        return 0
    start = max(service.activated_on, first)
    end = min(service.ended_on or last, last)
    return max((end - start).days + 1, 0)


#: A change of a circuit's tariff inside or after a month: (effective day, product and monthly fee before it).
FeeChange = tuple[date, str, Decimal]


def fee_changes(service_ids, first: date) -> dict[int, list[FeeChange]]:
    """Service id → its tariff changes effective after ``first`` (sorted), for ``service_ids``: ONE
    query for a whole chunk of the bill run (issue 14 §1; by service id, no join)."""
    rows = (
        ServiceChange.objects.filter(kind=ServiceChange.Kind.CHANGED, on__gt=first, service_id__in=service_ids)
        .order_by("service_id", "on", "id")
        .values_list("service_id", "on", "previous_product", "previous_monthly_fee")
    )
    result: dict[int, list[FeeChange]] = {}
    for service_id, on, product, fee in rows:
        result.setdefault(service_id, []).append((on, product, fee if fee is not None else Decimal("0.00")))
    return result


def _segments(service: Service, start: date, end: date, changes: list[FeeChange]) -> list[tuple[int, str, Decimal]]:
    """(days, product, monthly fee) of each stretch of [start, end] billed at one tariff. The tariff
    on a day is the one before the first change effective after that day, else the current one."""
    cuts = [c for c in changes if start < c[0] <= end]
    segments = []
    for on, product, fee in cuts:
        segments.append(((on - start).days, product, fee))
        start = on
    later = [c for c in changes if c[0] > end]
    tail = (later[0][1], later[0][2]) if later else (service.product, service.monthly_fee)
    segments.append(((end - start).days + 1, *tail))
    return [s for s in segments if s[0] > 0]


def service_lines(service: Service, period: date, changes: list[FeeChange] | None = None) -> list[InvoiceLine]:
    """B4.4: the monthly fee prorated by active days; the one-time fee in the activation month.

    Issue 14 §1: ``changes`` (from ``fee_changes``) split the month at each tariff change: the days
    before the change day at the old fee, the change day itself and the days after at the new fee;
    the end day of a decommissioned circuit is billed (``active_days`` counts it). Each stretch is
    its own line, ``money(fee * days / month_days)`` in exact Decimal."""
    first, last = month_bounds(period)
    lines = []
    days = active_days(service, first, last)
    month_days = last.day
    if days and changes:
        start = max(cast(date, service.activated_on), first)
        stretches = _segments(service, start, start + timedelta(days=days - 1), changes)
    else:
        stretches = [(days, service.product, service.monthly_fee)] if days else []
    for stretch_days, product, fee in stretches:
        if fee:
            lines.append(
                InvoiceLine(
                    service=service,
                    kind=InvoiceLine.Kind.MONTHLY,
                    days=stretch_days,
                    amount=money(fee * stretch_days / month_days),
                    description=f"{service.code} {product} {stretch_days}/{month_days}",
                )
            )
    if service.one_time_fee and service.activated_on and first <= service.activated_on <= last:
        lines.append(
            InvoiceLine(
                service=service,
                kind=InvoiceLine.Kind.ONE_TIME,
                amount=money(service.one_time_fee),
                description=f"{service.code} {service.product}",
            )
        )
    return lines


def sla_credit_rule() -> tuple[Decimal, timedelta, Decimal]:
    """B4.4 default: 5% of the monthly fee per started 4 hours a repair ran past its level's
    limit, at most 50% of the fee a month (settings BILLING_SLA_CREDIT_*)."""
    return (
        Decimal(settings.BILLING_SLA_CREDIT_PERCENT) / 100,
        timedelta(hours=settings.BILLING_SLA_CREDIT_STEP_HOURS),
        Decimal(settings.BILLING_SLA_CREDIT_CAP_PERCENT) / 100,
    )


def late_repairs(first: date, last: date) -> dict[int, list[timedelta]]:
    """Service id → how late each fault on it was repaired, for repairs finished in [first, last]
    (the fault tickets' repair deadlines on the engine, Asia/Shanghai month)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from sla.models import Deadline

    ticket_model = apps.get_model("faults", "FaultTicket")
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    late = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(ticket_model),
        kind="fault-repair",
        state=Deadline.State.MET,
        closed_at__gte=start,
        closed_at__lt=end,
        closed_at__gt=F("due_at"),
    ).values_list("object_id", "closed_at", "due_at")
    rows = list(late)
    services = dict(
        ticket_model.objects.filter(pk__in=[r[0] for r in rows], service__isnull=False).values_list("pk", "service_id")
    )
    result: dict[int, list[timedelta]] = {}
    for ticket_id, closed_at, due_at in rows:
        if ticket_id in services:
            # closed_at__lt above keeps only closed deadlines
            result.setdefault(services[ticket_id], []).append(cast(datetime, closed_at) - due_at)
    return result


def sla_credit_line(service: Service, lateness: list[timedelta]) -> InvoiceLine | None:
    percent, step, cap = sla_credit_rule()
    steps = sum(-(-delay // step) for delay in lateness)  # started steps
    credit = min(service.monthly_fee * percent * steps, service.monthly_fee * cap)
    if not credit:
        return None
    return InvoiceLine(
        service=service,
        kind=InvoiceLine.Kind.SLA_CREDIT,
        amount=-money(credit),
        description=f"{service.code} SLA ×{len(lateness)}",
    )
