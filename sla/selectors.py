"""Reads of the deadline engine."""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import AuditEntry, Deadline, DeadlineMonthStat, Notification


def inbox_for(user):
    return Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP).order_by(
        "-created_at", "-id"
    )


def unread_count(user) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


def deadlines_of(subject):
    ct = ContentType.objects.get_for_model(subject)
    return (
        Deadline.objects.filter(content_type=ct, object_id=subject.pk)
        .select_related("assessed_department")
        .prefetch_related("events")
        .order_by("started_at", "id")
    )


def deadlines_of_each(subjects) -> dict[int, list]:
    """``deadlines_of`` for several objects of one model at once: {pk: [deadline, …]} in two queries."""
    subjects = list(subjects)
    if not subjects:
        return {}
    ct = ContentType.objects.get_for_model(subjects[0])
    out: dict[int, list] = {s.pk: [] for s in subjects}
    deadlines = (
        Deadline.objects.filter(content_type=ct, object_id__in=list(out))
        .select_related("assessed_department")
        .prefetch_related("events")
        .order_by("started_at", "id")
    )
    for deadline in deadlines:
        out[deadline.object_id].append(deadline)
    return out


def audit_trail_of(subject):
    ct = ContentType.objects.get_for_model(subject)
    return AuditEntry.objects.filter(content_type=ct, object_id=subject.pk).select_related("actor").order_by("at", "id")


# --- the managers' overdue dashboard (issue 7) -----------------------------------------------

# Dashboard rows: category → deadline kinds.
CATEGORIES = {
    "orders": ("order-provisioning", "order-new-build"),
    "steps": ("step-resource",),
    "requisitions": ("requisition",),
    "contacts": ("contact-feedback",),  # R1.13
    "backfills": ("phone-backfill",),  # R1.11
    "faults": ("fault-repair",),
    "events": (
        "event-report", "event-publish", "event-script", "event-cause-plan",
        "event-hq-feedback", "event-hq-plan-l1", "event-hq-plan-l2", "event-call-report", "event-call-publish",
    ),
}  # fmt: skip
CATEGORY_OF = {kind: category for category, kinds in CATEGORIES.items() for kind in kinds}
WINDOWS = {"overdue": None, "2h": timedelta(hours=2), "24h": timedelta(hours=24)}


def _assessed_overdue(now) -> Q:
    """Past the assessed limit (R1.4/R1.5/R1.7). An assessed limit is never earlier than the served one
    (assessment only lowers a level), so this is a subset of ``due_at < now`` and the index on due_at serves it."""
    return Q(due_at__lt=now) & (Q(assessed_due_at__isnull=True) | Q(assessed_due_at__lt=now))


def overdue_board(*, now=None) -> list[dict]:
    """Open deadlines overdue, due within 2 h and within 24 h, per category, department and level.

    ``overdue`` counts on the assessed limit, ``overdue_served`` on the served one (the notices')."""
    now = now or timezone.now()
    rows = (
        Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES, kind__in=CATEGORY_OF, due_at__lt=now + WINDOWS["24h"])
        .values("kind", "assessed_department", "level")
        .annotate(
            overdue=Count("id", filter=_assessed_overdue(now)),
            overdue_served=Count("id", filter=Q(due_at__lt=now)),
            due_2h=Count("id", filter=Q(due_at__gte=now, due_at__lt=now + WINDOWS["2h"])),
            due_24h=Count("id", filter=Q(due_at__gte=now)),
        )
        .order_by()
    )
    merged: dict[tuple, dict] = {}
    for row in rows:
        key = (CATEGORY_OF[row["kind"]], row["assessed_department"], row["level"])
        slot = merged.setdefault(
            key,
            {
                "category": key[0], "department": key[1], "level": key[2],
                "overdue": 0, "overdue_served": 0, "due_2h": 0, "due_24h": 0,
            },
        )  # fmt: skip
        for field in ("overdue", "overdue_served", "due_2h", "due_24h"):
            slot[field] += row[field]
    return sorted(
        merged.values(), key=lambda r: (list(CATEGORIES).index(r["category"]), r["department"] or 0, r["level"])
    )


def month_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day.replace(day=1), time.min))


def _live_month_figures(start, end) -> list[Mapping[str, Any]]:
    return list(
        Deadline.objects.filter(state=Deadline.State.MET, closed_at__gte=start, closed_at__lt=end, kind__in=CATEGORY_OF)
        .values("assessed_department")
        .annotate(
            handled=Count("id"), on_time=Count("id", filter=Q(closed_at__lte=Coalesce("assessed_due_at", "due_at")))
        )
        .order_by()
    )


def on_time_by_month(*, months: int = 12, now=None) -> dict:
    """On-time rate per department for the last ``months`` months: frozen months from
    ``DeadlineMonthStat``, the current month live (cached for a minute)."""
    now = now or timezone.now()
    current = month_start(timezone.localdate(now))
    labels: list[date] = []
    day = current.date()
    for _ in range(months):
        labels.insert(0, day)
        day = (day - timedelta(days=1)).replace(day=1)
    figures: dict[int | None, dict] = {}
    frozen = (
        DeadlineMonthStat.objects.filter(month__gte=labels[0], month__lt=labels[-1])
        .values("month", "department")
        .annotate(h=Sum("handled"), o=Sum("on_time"))
        .order_by()
    )
    for row in frozen:
        figures.setdefault(row["department"], {})[row["month"]] = (row["h"], row["o"])
    cache_key = f"sla:on-time:{current:%Y-%m}"
    live = cache.get(cache_key)
    if live is None:
        live = _live_month_figures(current, now + timedelta(seconds=1))
        cache.set(cache_key, live, 60)
    for row in live:
        figures.setdefault(row["assessed_department"], {})[labels[-1]] = (row["handled"], row["on_time"])
    series = {}
    for department, by_month in figures.items():
        series[department] = [
            round(100 * by_month[m][1] / by_month[m][0], 1) if m in by_month and by_month[m][0] else None
            for m in labels
        ]
    return {"labels": [f"{m:%Y-%m}" for m in labels], "series": series}


def deadlines_in(*, category=None, department=None, level=None, window="overdue", now=None):
    """The deadlines behind one dashboard cell, soonest first."""
    now = now or timezone.now()
    kinds = CATEGORIES.get(category, tuple(CATEGORY_OF))
    qs = Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES, kind__in=kinds)
    if department:
        qs = qs.filter(assessed_department_id=department)
    if level:
        qs = qs.filter(level=level)
    if window == "overdue":
        qs = qs.filter(_assessed_overdue(now))
    elif window == "overdue_served":
        qs = qs.filter(due_at__lt=now)
    elif window in WINDOWS:
        qs = qs.filter(due_at__gte=now, due_at__lt=now + WINDOWS[window])
    return qs.select_related("assessed_department").prefetch_related("subject").order_by("due_at", "id")
