"""Quality events (F2.6–F2.8): figures and warning level, reporting, publishing and the obligations
that follow (script, cause and plan, headquarters feedback and plan, rectification).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import has_role_in
from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict

from ..levels import figures_of, warning_level
from ..models import EventCall, HqLevel, QualityEvent, WarningLevel
from ._common import _meet, _members, _require_writer, _transition
from .contacts import call_follow_up_start

FIGURES = (
    "cities",
    "customers",
    "complaints_per_day",
    "escalated_per_day",
    "escalated_per_week",
    "hq_level",
    "publicity",
)


def _validate_override(override_level: str, override_reason: str) -> None:
    if override_level and not override_reason.strip():
        raise ValidationError({"override_reason": _("Give the reason for setting the level by hand.")})
    if override_level not in WarningLevel.values:
        raise ValidationError({"override_level": _("Unknown level.")})


def _custsvc() -> Department | None:
    return Department.objects.filter(code=Dept.CUSTSVC).first()


def event_create(
    *,
    by: User,
    title: str,
    category: str,
    source: str,
    business_department: Department,
    detected_at: datetime | None = None,
    description: str = "",
    override_level: str = "",
    override_reason: str = "",
    **figures,
) -> QualityEvent:
    """Record an event, compute its F2.7 level and start the F2.8 deadlines."""
    _require_writer(by)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise TypeError(f"unknown figures: {sorted(unknown)}")
    _validate_override(override_level, override_reason)
    now = timezone.now()  # F2.8: its deadlines count from detection, at most BACKFILL_LIMIT ago
    check_happened(detected_at, field="detected_at", now=now, not_before=now - BACKFILL_LIMIT)
    detected_at = detected_at or now
    with transaction.atomic():
        event = QualityEvent(
            title=title,
            description=description,
            category=category,
            source=source,
            business_department=business_department,
            detected_at=detected_at,
            override_level=override_level,
            override_reason=override_reason,
            created_by=by,
            **figures,
        )
        event.computed_level = warning_level(figures_of(event))
        event.save()
        name = _("Quality event: %(title)s") % {"title": title}
        custsvc = _custsvc()
        start = sla.deadline_start
        start(
            subject=event,
            kind="event-report",
            title=name,
            started_at=detected_at,
            assessed_department=business_department if source != "hq" else custsvc,
        )
        start(
            subject=event,
            kind="event-script",
            title=name,
            started_at=detected_at,
            assessed_department=business_department,
        )
        start(
            subject=event,
            kind="event-cause-plan",
            title=name,
            started_at=detected_at,
            assessed_department=business_department,
        )
        if source == "hq":
            start(
                subject=event,
                kind="event-hq-feedback",
                title=name,
                started_at=detected_at,
                assessed_department=business_department,
            )
            plan_kind = "event-hq-plan-l1" if event.hq_level == HqLevel.LEVEL1 else "event-hq-plan-l2"
            start(
                subject=event,
                kind=plan_kind,
                title=name,
                started_at=detected_at,
                assessed_department=business_department,
            )
        sla.audit_record(
            subject=event, actor=by, transition="create", to_state=event.state, comment=str(event.get_level_display())
        )
    return event


def event_update_figures(
    *, event: QualityEvent, by: User, override_level: str | None = None, override_reason: str | None = None, **figures
) -> QualityEvent:
    """Change the F2.7 figures and/or the override; the level is recomputed."""
    _require_writer(by)
    unknown = set(figures) - set(FIGURES)
    if unknown:
        raise TypeError(f"unknown figures: {sorted(unknown)}")
    with transaction.atomic():
        locked = QualityEvent.objects.select_for_update().get(pk=event.pk)
        if locked.state == QualityEvent.State.CLOSED:
            raise TransitionConflict(_("The event is closed."))
        before = locked.level
        for name, value in figures.items():
            setattr(locked, name, value)
        if override_level is not None:
            reason = override_reason if override_reason is not None else locked.override_reason
            _validate_override(override_level, reason or "")
            locked.override_level, locked.override_reason = override_level, (reason if override_level else "")
        locked.computed_level = warning_level(figures_of(locked))
        fields = [*figures, "computed_level", "override_level", "override_reason"]
        QualityEvent.objects.filter(pk=locked.pk).update(**{f: getattr(locked, f) for f in fields})
        sla.audit_record(
            subject=locked,
            actor=by,
            transition="figures",
            from_state=before,
            to_state=locked.level,
            comment=locked.override_reason,
        )
    return locked


def event_recipients(event: QualityEvent) -> list:
    """F2.8: who receives the published warning, by level (red/orange also reach the leadership group)."""
    codes = {event.business_department.code, Dept.CUSTSVC}
    if event.level in (WarningLevel.RED, WarningLevel.ORANGE):
        codes.add(Dept.OFFICE)
    users = {u.pk: u for u in _members(Department.objects.filter(code__in=codes))}
    if event.level in (WarningLevel.RED, WarningLevel.ORANGE):
        # company leaders / the leadership group: whoever holds the leader role
        users.update({u.pk: u for u in User.objects.filter(is_active=True, groups__name=Role.LEADER).distinct()})
    return sorted(users.values(), key=lambda u: u.pk)


def event_report(*, event: QualityEvent, by: User) -> QualityEvent:
    """F2.8: the monitoring department reports to 客户服务部 (1 h); the 1-hour publish clock starts."""
    now = timezone.now()
    with transaction.atomic():
        event = _transition(event, "report", by=by, at=now)
        _meet(event, "event-report", by=by, at=now)
        sla.deadline_start(
            subject=event,
            kind="event-publish",
            title=_("Publish: %(t)s") % {"t": event.title},
            started_at=now,
            assessed_department=_custsvc(),
        )
        custsvc = _custsvc()
        if custsvc:
            sla.notify(
                users=_members([custsvc]),
                subject=_("Quality event reported: %(t)s") % {"t": event.title},
                body=event.description,
                channels=["inapp", "email"],
            )
        # seed 003 第八条: the reporting department then phones 客户服务部
        call_follow_up_start(event=event, stage=EventCall.Stage.REPORT, caller=by.department, at=now)
    return event


def event_publish(*, event: QualityEvent, by: User) -> QualityEvent:
    """F2.8: 客户服务部 publishes the warning to the recipients of its level (1 h after receipt)."""
    now = timezone.now()
    with transaction.atomic():
        event = _transition(event, "publish", by=by, at=now)
        _meet(event, "event-publish", by=by, at=now)
        channels = ["inapp", "email", "sms"] if event.level == WarningLevel.RED else ["inapp", "email"]
        sla.notify(
            users=event_recipients(event),
            subject=_("%(level)s warning: %(t)s") % {"level": event.get_level_display(), "t": event.title},
            body=event.description,
            channels=channels,
        )
        # seed 003 第八条: 客户服务部 then phones each recipient department
        call_follow_up_start(event=event, stage=EventCall.Stage.PUBLISH, caller=_custsvc(), at=now)
    return event


def _event_obligation(event: QualityEvent, *, by: User, kind: str, fields: dict, comment: str = "") -> QualityEvent:
    _require_writer(by)
    now = timezone.now()
    with transaction.atomic():
        locked = QualityEvent.objects.select_for_update().get(pk=event.pk)
        if not (
            has_role_in(by, [r for r in Role if r not in (Role.AUDITOR, Role.VIEWER)], locked.business_department)
            or has_role_in(by, (Role.DISPATCHER,), None)
            or (by.department and by.department.code == Dept.CUSTSVC)
        ):
            raise PermissionDenied
        values = {k: (now if v is None else v) for k, v in fields.items()}
        QualityEvent.objects.filter(pk=locked.pk).update(**values)
        _meet(locked, kind, by=by, at=now, comment=comment)
        sla.audit_record(subject=locked, actor=by, transition=kind, comment=comment)
    locked.refresh_from_db()
    return locked


def event_send_script(*, event: QualityEvent, by: User, script: str) -> QualityEvent:
    """F2.8: the explanation script goes to front-line staff within 2 hours."""
    if not script.strip():
        raise ValidationError({"script": _("Write the explanation script.")})
    event = _event_obligation(event, by=by, kind="event-script", fields={"script": script, "script_sent_at": None})
    sla.notify(
        users=_members(Department.objects.filter(side=Department.Side.FRONT)),
        subject=_("Explanation script: %(t)s") % {"t": event.title},
        body=script,
        channels=["inapp"],
    )
    return event


def event_submit_cause_plan(*, event: QualityEvent, by: User, text: str) -> QualityEvent:
    if not text.strip():
        raise ValidationError({"text": _("Describe the root cause and the complaint-handling plan.")})
    return _event_obligation(
        event, by=by, kind="event-cause-plan", fields={"cause_and_plan": text, "cause_plan_at": None}
    )


def event_hq_feedback(*, event: QualityEvent, by: User, comment: str = "") -> QualityEvent:
    return _event_obligation(event, by=by, kind="event-hq-feedback", fields={"hq_feedback_at": None}, comment=comment)


def event_hq_plan(*, event: QualityEvent, by: User, comment: str = "") -> QualityEvent:
    kind = "event-hq-plan-l1" if event.hq_level == HqLevel.LEVEL1 else "event-hq-plan-l2"
    return _event_obligation(event, by=by, kind=kind, fields={"hq_plan_at": None}, comment=comment)


def event_start_rectification(*, event: QualityEvent, by: User, plan: str) -> QualityEvent:
    if not plan.strip():
        raise ValidationError({"plan": _("Write the rectification plan.")})
    return _transition(event, "start_rectification", by=by, comment=plan, plan=plan)


def event_close(*, event: QualityEvent, by: User, result: str = "") -> QualityEvent:
    return _transition(event, "close", by=by, comment=result, at=timezone.now(), result=result)


def event_apply_complaint_counts(*, event: QualityEvent, by: User, day=None) -> QualityEvent:
    """F2.9 → F2.7: take the day's complaint counts of the event's category as its figures."""
    from ..selectors import complaint_counts

    counts = complaint_counts(day=day)[event.category]
    return event_update_figures(
        event=event,
        by=by,
        complaints_per_day=max(event.complaints_per_day, counts["day"]),
        escalated_per_day=max(event.escalated_per_day, counts["escalated_day"]),
        escalated_per_week=max(event.escalated_per_week, counts["escalated_week"]),
    )
