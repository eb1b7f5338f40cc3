"""Deadlines (S5.1–S5.3): start, pause, resume, meet, cancel and reassign, each on a locked row."""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from org.models import Department, User

from ..calendars import WorkingCalendar, add_duration
from ..models import Clock, Deadline, EscalationRung, Level, SlaPolicy
from .audit import audit_record


class NoPolicy(LookupError):
    """No SLA policy is configured for a kind and level."""


def _ladder_rungs(ladder_ids) -> dict[int | None, list[EscalationRung]]:
    rungs: dict[int | None, list[EscalationRung]] = {}
    for rung in EscalationRung.objects.filter(ladder_id__in=[i for i in ladder_ids if i]).order_by("position"):
        rungs.setdefault(rung.ladder_id, []).append(rung)
    return rungs


def _next_fire_at(deadline: Deadline, rungs: list[EscalationRung]) -> datetime | None:
    """When the next warning, breach or rung of ``deadline`` is due (None: nothing left)."""
    if deadline.state not in Deadline.ACTIVE_STATES:
        return None
    candidates = []
    if deadline.state == Deadline.State.PENDING and deadline.warn_at and deadline.warn_at < deadline.due_at:
        candidates.append(deadline.warn_at)
    if deadline.state in (Deadline.State.PENDING, Deadline.State.WARNED):
        candidates.append(deadline.due_at)
    if deadline.rungs_fired < len(rungs):
        candidates.append(deadline.rung_time(rungs[deadline.rungs_fired]))
    return min(candidates) if candidates else None


def deadline_start(
    *,
    subject,
    kind: str,
    level: str = Level.NONE,
    title: str | None = None,
    started_at: datetime | None = None,
    assessed_department: Department | None = None,
    due_at: datetime | None = None,
    assessed_level: str = "",
    warn_at: datetime | None = None,
) -> Deadline:
    """Start the deadline of ``kind``/``level`` for ``subject`` from its SLA policy.

    ``due_at`` fixes the due time for obligations tied to a date rather than a
    duration (a bill run's "before 00:00 on the 2nd"); the policy then gives
    only the warning time, who is told and the ladder. ``assessed_level`` (R1.4/R1.5/R1.7), when it
    differs from ``level``, also sets the due time of that level's limit, which the figures count on.
    ``warn_at``, with ``due_at``, fixes the warning time too (a bill run's "20:00 on the 1st").
    """
    try:
        policy = SlaPolicy.objects.get(kind=kind, level=level)
    except SlaPolicy.DoesNotExist:
        raise NoPolicy(f"No SLA policy for kind={kind!r} level={level!r}") from None
    started_at = started_at or timezone.now()
    due_at = due_at or add_duration(started_at, policy.duration, policy.clock)
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        title=(title or str(subject))[:200],
        kind=kind,
        level=level,
        clock=policy.clock,
        assessed_department=assessed_department,
        ladder_id=policy.ladder_id,
        notify_roles=policy.notify_roles,
        started_at=started_at,
        due_at=due_at,
        warn_at=warn_at or ((due_at - policy.warn_before) if policy.warn_before else None),
    )
    _set_assessed(deadline, assessed_level)
    deadline.next_fire_at = _next_fire_at(deadline, _ladder_rungs([policy.ladder_id]).get(policy.ladder_id, []))
    deadline.save()
    return deadline


def _set_assessed(deadline: Deadline, level: str) -> None:
    """Assessed level and due time on ``deadline`` (unsaved): the assessed level's limit from the same start,
    moved by the time paused so far; as served when the level is the served one or has no policy."""
    policy = None
    if level and level != deadline.level:
        policy = SlaPolicy.objects.filter(kind=deadline.kind, level=level).first()
    if policy is None:
        deadline.assessed_level, deadline.assessed_due_at = "", None
        return
    deadline.assessed_level = level
    deadline.assessed_due_at = add_duration(deadline.started_at, policy.duration, policy.clock) + deadline.paused_total


def deadline_assess(*, deadline: Deadline, level: str, by: User | None = None, comment: str = "") -> Deadline:
    """Assess ``deadline`` on ``level`` (R1.4 month close, R1.5 sign-off, R1.7): its figures count against that
    level's limit; the notices still follow the served due time. Audited when the assessment changes."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        before = locked.assessed_level or locked.level
        _set_assessed(locked, level)
        if (locked.assessed_level or locked.level) != before or locked.assessed_due_at != deadline.assessed_due_at:
            locked.save(update_fields=["assessed_level", "assessed_due_at"])
            audit_record(
                subject=locked,
                actor=by,
                transition="assess",
                from_state=before,
                to_state=locked.assessed_level or locked.level,
                comment=comment,
            )
    return locked


def _change_deadline(deadline: Deadline, action: str, *, by: User | None = None, comment="", **kwargs) -> Deadline:
    """Lock the row, run the FSM transition ``action``, save and audit it."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        before = locked.state
        getattr(locked, action)(**kwargs)
        if locked.state in Deadline.ACTIVE_STATES:
            locked.next_fire_at = _next_fire_at(locked, _ladder_rungs([locked.ladder_id]).get(locked.ladder_id, []))
        locked.save()
        audit_record(
            subject=locked, actor=by, transition=action, from_state=before, to_state=locked.state, comment=comment
        )
    return locked


def deadline_pause(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """Stop the clock (S5.3), e.g. for an approved special order."""
    return _change_deadline(deadline, "pause", by=by, comment=comment, at=at or timezone.now())


def deadline_resume(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """Restart the clock; due, warning and rung times move by the paused time (S5.3): on a working-day
    clock by the paused working time."""
    calendar = WorkingCalendar() if deadline.clock == Clock.WORKING_DAYS else None
    return _change_deadline(deadline, "resume", by=by, comment=comment, at=at or timezone.now(), calendar=calendar)


def deadline_meet(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """The obligation was fulfilled; remaining rungs will not fire."""
    return _change_deadline(deadline, "meet", by=by, comment=comment, at=at or timezone.now())


def deadline_cancel(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """The obligation no longer applies; remaining rungs will not fire."""
    return _change_deadline(deadline, "cancel", by=by, comment=comment, at=at or timezone.now())


def deadline_reassign(*, deadline: Deadline, department: Department, by: User | None = None, comment="") -> Deadline:
    """Name another department as the one answering for ``deadline`` (a requisition dispatched to
    the department holding the resource, R1.7); the sweeper then tells that department."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.assessed_department_id == department.pk:
            return locked
        before = locked.assessed_department
        locked.assessed_department = department
        locked.save(update_fields=["assessed_department"])
        audit_record(
            subject=locked,
            actor=by,
            transition="reassign",
            from_state=before.code if before else "",
            to_state=department.code,
            comment=comment,
        )
    return locked
