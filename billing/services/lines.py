"""Invoice lines (B4.4): exact Decimal proration of a service over a month and the SLA credits of late repairs."""

import calendar
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from ..models import InvoiceLine, Service

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


def service_lines(service: Service, period: date) -> list[InvoiceLine]:
    """B4.4: the monthly fee prorated by active days; the one-time fee in the activation month."""
    first, last = month_bounds(period)
    lines = []
    days = active_days(service, first, last)
    month_days = last.day
    if days and service.monthly_fee:
        amount = money(service.monthly_fee * days / month_days)
        lines.append(
            InvoiceLine(
                service=service,
                kind=InvoiceLine.Kind.MONTHLY,
                days=days,
                amount=amount,
                description=f"{service.code} {service.product} {days}/{month_days}",
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
