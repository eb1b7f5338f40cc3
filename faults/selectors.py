"""Reads of the faults app; visibility goes through org.access."""

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils import timezone

from core.lookups import visible_record
from org.access import department_scope, reads_everything
from org.roles import Dept, Role
from sla.models import Deadline, DeadlineEvent, Notification

from .levels import LEVEL_RANK, complaints_level
from .models import (
    Complaint,
    EventCategory,
    EventLevelSuggestion,
    FaultNotice,
    FaultTicket,
    Problem,
    QualityEvent,
    WarningLevel,
)
from .services import REPAIR


def _latest_repair(field: str):
    """``field`` of the ticket's latest repair deadline (a reopened ticket has a fresh one)."""
    ct = ContentType.objects.get_for_model(FaultTicket)
    return Subquery(
        Deadline.objects.filter(content_type=ct, object_id=OuterRef("pk"), kind=REPAIR)
        .order_by("-started_at", "-id")
        .values(field)[:1]
    )


def _open_repair_due():
    ct = ContentType.objects.get_for_model(FaultTicket)
    return Subquery(
        Deadline.objects.filter(content_type=ct, object_id=OuterRef("pk"), kind=REPAIR, state__in=Deadline.OPEN_STATES)
        .order_by("-started_at")
        .values("due_at")[:1]
    )


def role_label(code: str | None) -> str:
    return str(Role(code).label) if code else ""


def escalated_to(ticket: FaultTicket) -> str:
    """F2.3: the role the ticket was last handed to by the ladder ('' when none yet)."""
    ct = ContentType.objects.get_for_model(FaultTicket)
    latest = (
        Deadline.objects.filter(content_type=ct, object_id=ticket.pk, kind=REPAIR)
        .order_by("-started_at", "-id")
        .values_list("escalated_to_role", flat=True)
        .first()
    )
    return latest or ""


def tickets_visible_to(user):
    qs = FaultTicket.objects.select_related("service__customer", "system", "handling_department", "reporter", "problem")
    return department_scope(user, qs, "handling_department", "reporter__department", "helper_departments")


def get_ticket_for(user, pk, *, for_write: bool = False) -> FaultTicket:
    """The ticket ``pk`` if ``user`` may see it, else ``NotFound`` (404 ``not_found``, issue 12 §2)."""
    return visible_record(tickets_visible_to(user), pk, for_write=for_write)


def ticket_queue(user, *, open_only: bool = True):
    """The handling team's queue sorted by time left on the repair deadline (soonest first)."""
    qs = tickets_visible_to(user).annotate(
        repair_due_at=_open_repair_due(), escalated_to=_latest_repair("escalated_to_role")
    )
    if open_only:
        qs = qs.filter(state__in=FaultTicket.OPEN_STATES)
    return qs.order_by("repair_due_at", "reported_at", "id")


def ticket_timeline(ticket: FaultTicket):
    """The ticket's deadlines with their fired events (the escalation ladder), and its notices."""
    ct = ContentType.objects.get_for_model(FaultTicket)
    deadlines = list(
        Deadline.objects.filter(content_type=ct, object_id=ticket.pk)
        .select_related("ladder")
        .prefetch_related("ladder__rungs", "events")
        .order_by("started_at", "id")
    )
    return deadlines


def ladder_of(deadline: Deadline):
    """Each rung of the deadline's ladder with its due time and the event that fired it (or None)."""
    if deadline.ladder is None:
        return []
    fired = {e.key: e for e in deadline.events.all()}
    rows = []
    for rung in deadline.ladder.rungs.all():
        rows.append(
            {
                "rung": rung,
                "due_at": deadline.rung_time(rung),
                "event": fired.get(f"rung:{rung.position}"),
                "skipped": f"rung:{rung.position}" not in fired and not deadline.is_open,
            }
        )
    return rows


def notices_of(ticket: FaultTicket):
    return FaultNotice.objects.filter(ticket=ticket).select_related("by").order_by("created_at", "id")


def escalation_notifications_of(ticket: FaultTicket):
    """Notifications the ladder sent for this ticket (recipient, channel, status)."""
    ct = ContentType.objects.get_for_model(FaultTicket)
    events = DeadlineEvent.objects.filter(deadline__content_type=ct, deadline__object_id=ticket.pk)
    return (
        Notification.objects.filter(event__in=events).select_related("recipient", "event").order_by("created_at", "id")
    )


def problems_visible_to(user):
    qs = Problem.objects.select_related("department", "created_by").annotate(ticket_count=Count("tickets"))
    return department_scope(user, qs, "department", "tickets__handling_department").order_by("-created_at", "-id")


def events_visible_to(user):
    qs = QualityEvent.objects.select_related("business_department", "created_by")
    if reads_everything(user) or (
        user.is_authenticated and user.department_id and user.department.code in (Dept.CUSTSVC, Dept.OFFICE, Dept.LEGAL)
    ):
        return qs
    return department_scope(user, qs, "business_department")


def event_board(user):
    """Open events with their current level, highest first."""
    events = list(events_visible_to(user).exclude(state=QualityEvent.State.CLOSED))
    events.sort(key=lambda e: (-LEVEL_RANK[WarningLevel(e.level)], -e.detected_at.timestamp()))
    return events


def complaints_visible_to(user):
    qs = Complaint.objects.select_related("department", "quality_event").prefetch_related("appeal_steps")
    in_customer_service = user.is_authenticated and user.department_id and user.department.code == Dept.CUSTSVC
    if reads_everything(user) or in_customer_service:
        return qs
    # the handling department, and the department that took the complaint in (issue 15 §4: the front
    # office that takes a complaint in follows it, as it would otherwise get 404 right after creating it)
    return department_scope(user, qs, "department", "created_by__department")


def _day_bounds(day):
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, time.min), tz)
    return start, start + timedelta(days=1)


def complaint_counts(*, day=None) -> dict:
    """F2.9: complaints per category on ``day`` (Asia/Shanghai), escalated that day and in the 7 days to it."""
    day = day or timezone.localdate()
    start, end = _day_bounds(day)
    week_start = end - timedelta(days=7)
    rows = (
        Complaint.objects.filter(received_at__gte=week_start, received_at__lt=end)
        .values("category")
        .annotate(
            day=Count("id", filter=Q(received_at__gte=start)),
            escalated_day=Count("id", filter=Q(received_at__gte=start, escalated=True)),
            escalated_week=Count("id", filter=Q(escalated=True)),
        )
    )
    counts = {c: {"day": 0, "escalated_day": 0, "escalated_week": 0} for c in EventCategory.values}
    for row in rows:
        counts[row["category"]] = {k: row[k] for k in ("day", "escalated_day", "escalated_week")}
    return counts


def complaint_suggestions(*, day=None) -> list[dict]:
    """F2.9 → F2.7: categories whose complaint counts reach a warning level, with the open
    events of that category whose level is lower (a suggestion to raise it)."""
    suggestions = []
    open_events = list(QualityEvent.objects.exclude(state=QualityEvent.State.CLOSED))
    for category, c in complaint_counts(day=day).items():
        level = complaints_level(c["day"], c["escalated_day"], c["escalated_week"])
        if not level:
            continue
        lower = [
            e
            for e in open_events
            if e.category == category and LEVEL_RANK[WarningLevel(e.level)] < LEVEL_RANK[WarningLevel(level)]
        ]
        suggestions.append(
            {
                "category": category,
                "category_label": EventCategory(category).label,
                "level": level,
                "counts": c,
                "events_to_raise": lower,
            }
        )
    return suggestions


# --- issue 15 §4: the complaint queue and page, the events' level suggestions ---------------------


def _open_complaint_due():
    """The due time of the complaint's open deadline (the reply, else the follow-up visit)."""
    ct = ContentType.objects.get_for_model(Complaint)
    return Subquery(
        Deadline.objects.filter(content_type=ct, object_id=OuterRef("pk"), state__in=Deadline.OPEN_STATES)
        .order_by("due_at")
        .values("due_at")[:1]
    )


def complaint_queue(user, *, state="", department=None, channel="", overdue=False, now=None):
    """Complaints the user may see, the least time left first (open deadline's due time); ``state`` ""
    means every state but closed. ``overdue``: only those whose open deadline has passed."""
    qs = complaints_visible_to(user).annotate(open_due_at=_open_complaint_due())
    qs = qs.filter(state=state) if state else qs.exclude(state=Complaint.State.CLOSED)
    if department:
        qs = qs.filter(department=department)
    if channel:
        qs = qs.filter(channel=channel)
    if overdue:
        qs = qs.filter(open_due_at__lt=now or timezone.now())
    return qs.order_by(F("open_due_at").asc(nulls_last=True), "-received_at", "-id")


def get_complaint_for(user, pk, *, for_write: bool = False) -> Complaint:
    """The complaint ``pk`` if ``user`` may see it, else ``NotFound`` (404)."""
    return visible_record(complaints_visible_to(user), pk, for_write=for_write)


def complaint_deadlines(complaint: Complaint):
    ct = ContentType.objects.get_for_model(Complaint)
    return Deadline.objects.filter(content_type=ct, object_id=complaint.pk).order_by("started_at", "id")


def open_suggestions_for(user):
    """The day's level suggestions (F2.9 → F2.7) not applied yet, of events the user may see."""
    return (
        EventLevelSuggestion.objects.filter(
            applied_at__isnull=True,
            day=timezone.localdate(),
            event__in=events_visible_to(user).exclude(state=QualityEvent.State.CLOSED),
        )
        .select_related("event")
        .order_by("-id")
    )
