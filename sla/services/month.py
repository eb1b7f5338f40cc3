"""Month close (issue 7): freeze the month's on-time statistics."""

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from ..models import Deadline, DeadlineMonthStat


def month_stats_freeze(*, month: date) -> int:
    """Freeze the month's figures of met deadlines per department, category and level.

    Idempotent: closing a month again replaces its rows (``manage.py close_month``).
    """
    from ..selectors import CATEGORY_OF, month_start

    start = month_start(month)
    end = month_start((start.date() + timedelta(days=32)).replace(day=1))
    # R1.4/R1.5/R1.7: on time and lateness on the assessed limit; the served figure beside it.
    assessed_due = Coalesce("assessed_due_at", "due_at")
    late = ExpressionWrapper(F("closed_at") - assessed_due, output_field=DurationField())
    rows = (
        Deadline.objects.filter(state=Deadline.State.MET, closed_at__gte=start, closed_at__lt=end, kind__in=CATEGORY_OF)
        .values("assessed_department", "kind", "level")
        .annotate(
            handled=Count("id"),
            on_time=Count("id", filter=Q(closed_at__lte=assessed_due)),
            served_on_time=Count("id", filter=Q(closed_at__lte=F("due_at"))),
            late_total=Sum(late, filter=Q(closed_at__gt=assessed_due)),
            late_max=Max(late, filter=Q(closed_at__gt=assessed_due)),
        )
        .order_by()
    )
    merged: dict[tuple, DeadlineMonthStat] = {}
    now = timezone.now()
    for row in rows:
        key = (row["assessed_department"], CATEGORY_OF[row["kind"]], row["level"])
        stat = merged.setdefault(
            key,
            DeadlineMonthStat(
                month=start.date(), department_id=key[0], category=key[1], level=key[2], handled=0, on_time=0,
                frozen_at=now,
            ),
        )  # fmt: skip
        stat.handled += row["handled"]
        stat.on_time += row["on_time"]
        stat.served_on_time += row["served_on_time"]
        late_total = int(row["late_total"].total_seconds()) if row["late_total"] else 0
        late_max = int(row["late_max"].total_seconds()) if row["late_max"] else 0
        stat.late_seconds_total += late_total
        stat.late_seconds_max = max(stat.late_seconds_max, late_max)
    with transaction.atomic():
        DeadlineMonthStat.objects.filter(month=start.date()).delete()
        DeadlineMonthStat.objects.bulk_create(merged.values())
    return len(merged)


def month_close(*, month: date) -> None:
    """Close a month: run the apps' month-close handlers (sla.hooks.on_month_close), e.g. the quota
    decision of R1.4 that re-assesses the month's deadlines, then freeze the deadline figures on the
    levels so decided."""
    from ..hooks import month_close_handlers

    month = month.replace(day=1)
    for handler in month_close_handlers():
        handler(month)
    month_stats_freeze(month=month)
