"""Reads of the faults app; visibility goes through org.access."""

from datetime import datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Count, F, IntegerField, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import TruncWeek
from django.utils import timezone

from core.lookups import visible_record
from org.access import department_scope, reads_everything
from org.models import DutyContact
from org.roles import Dept, Role
from sla.models import Deadline, DeadlineEvent, Notification

from .levels import LEVEL_RANK, complaints_level
from .models import (
    Complaint,
    EventCall,
    EventCategory,
    EventLevelSuggestion,
    FaultNotice,
    FaultTicket,
    Problem,
    QualityEvent,
    RectificationNotice,
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
    # issue 15 §1: the department that reported the event sees it too
    return department_scope(user, qs, "business_department", "created_by__department")


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


def duty_contacts_for(user):
    """The 24-hour contact roster (seed 003): every signed-in member of staff may read it."""
    if not user.is_authenticated:
        return DutyContact.objects.none()
    return DutyContact.objects.select_related("department", "user")


def calls_visible_to(user):
    """The phone follow-ups of the events the person may see."""
    return EventCall.objects.filter(event__in=events_visible_to(user)).select_related("department", "recorded_by")


# --- problems in the browser (F2.5) -------------------------------------------------------------


def get_problem_for(user, pk) -> Problem:
    """The problem ``pk`` if ``user`` may see it, else ``NotFound`` (404)."""
    return visible_record(problems_visible_to(user), pk)


def problem_list(user, *, state: str = "", department: str = "", search: str = ""):
    """F2.5: the problems the user may see, newest first, filtered by state, department and title."""
    qs = problems_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    if department.isdigit():
        qs = qs.filter(department_id=int(department))
    if search.strip():
        qs = qs.filter(title__icontains=search.strip())
    return qs


def problem_tickets(user, problem: Problem):
    """F2.5: the problem's tickets the user may see, most recent first, with their repair time."""
    tickets = list(tickets_visible_to(user).filter(problem=problem).order_by("-reported_at", "-id"))
    for ticket in tickets:
        end = ticket.resolved_at
        ticket.repair_time = (end - ticket.reported_at) if end else None
    return tickets


def repeat_pattern(problem: Problem) -> dict:
    """F2.5: how often the problem's tickets came back, per circuit or system and per week (Monday,
    Asia/Shanghai), most recent week first; one query. ``totals``: per circuit or system, most first."""
    rows = list(
        FaultTicket.objects.filter(problem=problem)
        .annotate(week=TruncWeek("reported_at", tzinfo=timezone.get_current_timezone()))
        .values("week", "service__code", "system__name")
        .annotate(tickets=Count("id"), last=Max("reported_at"))
        .order_by("-week", "-tickets", "service__code", "system__name")
    )
    totals: dict[str, int] = {}
    for row in rows:
        row["target"] = row["service__code"] or row["system__name"] or "—"
        row["week"] = row["week"].date() if hasattr(row["week"], "date") else row["week"]
        totals[row["target"]] = totals.get(row["target"], 0) + row["tickets"]
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    return {"weeks": rows, "totals": [{"target": t, "tickets": n} for t, n in ranked]}


# --- rectification notices (seed 002) -----------------------------------------------------------


def rectifications_visible_to(user):
    """Seed 002: a notice is seen by its issuing and its responsible department (and by those who read
    everything: the Center, viewers, auditors)."""
    qs = RectificationNotice.objects.select_related(
        "issued_by", "issuing_department", "to_department", "answered_by", "ticket", "problem", "quality_event"
    )
    return department_scope(user, qs, "issuing_department", "to_department")


def get_rectification_for(user, pk, *, for_write: bool = False) -> RectificationNotice:
    return visible_record(rectifications_visible_to(user), pk, for_write=for_write)


def rectification_list(user, *, state: str = "", now=None):
    """Seed 002: the notices the user may see — the ones the user's department has to answer first,
    then the overdue ones, then by deadline."""
    now = now or timezone.now()
    issued = RectificationNotice.State.ISSUED
    qs = rectifications_visible_to(user).annotate(
        mine=Case(
            When(state=issued, to_department_id=user.department_id, then=1), default=0, output_field=IntegerField()
        ),
        overdue=Case(When(state=issued, due_at__lt=now, then=1), default=0, output_field=IntegerField()),
    )
    if state:
        qs = qs.filter(state=state)
    return qs.order_by("-mine", "-overdue", "due_at", "-id")


def pk_of_number(text: str, prefix: str) -> int | None:
    """The id in a record number as people type it: ``GZ000123``, ``gz123`` or ``123`` (None if none)."""
    text = (text or "").strip().upper()
    if text.startswith(prefix):
        text = text[len(prefix) :]
    return int(text) if text.isdigit() else None


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
