"""Every write of the faults app (SPEC F2.1–F2.9): keyword-only ``<entity>_<action>`` functions.

Views, the API, the admin, Celery tasks and the deadline hooks call these, so a
rule holds everywhere at once. Transitions go through
``sla.workflow.apply_transition`` (row lock, permission, audit entry); timed
obligations are deadlines of the shared engine.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_role_in, is_read_only
from accounts.models import Department, User
from accounts.roles import Role
from sla import services as sla
from sla.models import Deadline, Level
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict, apply_transition

from .levels import figures_of, warning_level
from .models import (
    CIRCUIT_CATEGORIES,
    LEAD_ROLES,
    SYSTEM_CATEGORIES,
    Complaint,
    FaultNotice,
    FaultTicket,
    HqLevel,
    Problem,
    QualityEvent,
    WarningLevel,
)

REPAIR = "fault-repair"
RECOVERY = "fault-recovery-notice"
BROADCAST = "fault-broadcast"


def _transition(instance, name: str, *, by: User, comment: str = "", **kwargs):
    """``apply_transition``, answering "wrong state" (409) rather than "forbidden" (403) to
    someone who could take this action in another state."""
    meta = getattr(type(instance), name)._django_fsm
    current = type(instance).objects.filter(pk=instance.pk).values_list("state", flat=True).first()
    if by is not None and current is not None and not meta.has_transition(current):
        permitted = any(t.permission and t.permission(instance, by) for t in meta.transitions.values())
        if permitted:
            raise TransitionConflict(
                _("This cannot be done now: the record is “%(state)s”.")
                % {"state": type(instance).State(current).label}
            )
    return apply_transition(instance, name, by=by, comment=comment, **kwargs)


def _setting(name: str, default):
    return getattr(settings, name, default)


def repeat_window() -> timedelta:
    """F2.3 "seen 3 times": the window in which tickets count as the same problem."""
    return _setting("FAULTS_REPEAT_WINDOW", timedelta(days=7))


def repeat_count() -> int:
    return _setting("FAULTS_REPEAT_COUNT", 3)


def quick_fix() -> timedelta:
    """F2.3 "solved within 5 minutes"."""
    return _setting("FAULTS_QUICK_FIX", timedelta(minutes=5))


def _open_deadlines(subject, kind: str):
    ct = ContentType.objects.get_for_model(subject)
    return Deadline.objects.filter(content_type=ct, object_id=subject.pk, kind=kind, state__in=Deadline.OPEN_STATES)


def _meet(subject, kind: str, *, by: User, at, comment="") -> None:
    for deadline in _open_deadlines(subject, kind):
        sla.deadline_meet(deadline=deadline, by=by, at=at, comment=comment)


def _cancel(subject, kind: str, *, by: User, at, comment="") -> None:
    for deadline in _open_deadlines(subject, kind):
        sla.deadline_cancel(deadline=deadline, by=by, at=at, comment=comment)


def _members(departments, roles=None):
    users = User.objects.filter(is_active=True, department__in=departments)
    if roles:
        users = users.filter(groups__name__in=[str(r) for r in roles])
    return list(users.distinct().order_by("id"))


def _require_writer(user) -> None:
    if not user.is_authenticated or is_read_only(user):
        raise PermissionDenied


def _send_sms_to_phones(phones, subject: str, body: str) -> int:
    """SMS to people who are not users (customers' contacts): rows first, sent after commit."""
    phones = sorted({p for p in phones if p})
    sla.notify_addresses(addresses=[("sms", phone) for phone in phones], subject=subject, body=body)
    return len(phones)


# --- F2.1 / F2.2 fault tickets -------------------------------------------------------


def fault_report(
    *,
    by: User,
    title: str,
    description: str,
    category: str,
    service=None,
    system=None,
    level: str | None = None,
    handling_department: Department | None = None,
    reporter_name: str = "",
    contact_phone: str = "",
    phone_reported_at: datetime | None = None,
) -> FaultTicket:
    """Open a ticket and start its repair deadline with the 5/15/30 ladder (F2.1, F2.3).

    A ticket backfilled after a phone call starts its clock at the call (F2.1).
    """
    _require_writer(by)
    errors = {}
    if (service is None) == (system is None):
        errors["service"] = _("Name either the affected circuit or the affected system.")
    elif system is not None and category not in SYSTEM_CATEGORIES:
        errors["category"] = _("A system fault is an OS, network, application or database fault.")
    elif service is not None and category not in CIRCUIT_CATEGORIES:
        errors["category"] = _("A circuit fault is a line, equipment, power or other fault.")
    now = timezone.now()
    try:  # F2.1: a backfilled ticket starts at the call, at most BACKFILL_LIMIT ago
        check_happened(
            phone_reported_at,
            field="phone_reported_at",
            now=now,
            not_before=now - BACKFILL_LIMIT,
            too_late=_("The phone call cannot be in the future."),
        )
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if handling_department is None:
        if system is not None:
            handling_department = system.department
        else:
            handling_department = Department.objects.filter(code="nmc").first()
            if handling_department is None:
                errors["handling_department"] = _("Choose the handling department.")
    if errors:
        raise ValidationError(errors)
    if not level:
        level = (service or system).level
        if level == Level.NONE:
            level = Level.C
    with transaction.atomic():
        ticket = FaultTicket.objects.create(
            title=title,
            description=description,
            category=category,
            service=service,
            system=system,
            level=level,
            handling_department=handling_department,
            reporter=by,
            reporter_name=reporter_name or str(by),
            contact_phone=contact_phone or getattr(by, "phone", ""),
            reported_at=phone_reported_at or now,
            phone_reported=phone_reported_at is not None,
        )
        sla.deadline_start(
            subject=ticket,
            kind=REPAIR,
            level=level,
            title=_("Fault %(number)s: %(title)s") % {"number": ticket.number, "title": title},
            started_at=ticket.reported_at,
            assessed_department=handling_department,
        )
        _start_broadcast_clock(ticket, ticket.reported_at)
        sla.audit_record(
            subject=ticket,
            actor=by,
            transition="report",
            to_state=ticket.state,
            comment=_("backfilled from a phone call") if ticket.phone_reported else "",
        )
        sla.notify(
            users=_members([handling_department], (Role.BACK_MEMBER, Role.BACK_ADMIN, Role.IT_OPERATOR)),
            subject=_("New fault %(number)s: %(title)s") % {"number": ticket.number, "title": title},
            body=description,
            channels=["inapp"],
        )
    return ticket


def _start_broadcast_clock(ticket: FaultTicket, started_at: datetime) -> None:
    """F2.4: its own deadline; breached (30 min unresolved), the faults hook broadcasts."""
    sla.deadline_start(
        subject=ticket,
        kind=BROADCAST,
        title=_("Fault %(number)s not cleared: notify the business departments") % {"number": ticket.number},
        started_at=started_at,
        assessed_department=ticket.handling_department,
    )


def fault_acknowledge(*, ticket: FaultTicket, by: User, comment: str = "") -> FaultTicket:
    return _transition(ticket, "acknowledge", by=by, comment=comment, at=timezone.now(), handler=by)


def fault_start_work(*, ticket: FaultTicket, by: User, workaround: str = "", comment: str = "") -> FaultTicket:
    return _transition(
        ticket, "start_work", by=by, comment=comment or workaround, at=timezone.now(), workaround=workaround, handler=by
    )


def fault_record_workaround(*, ticket: FaultTicket, by: User, workaround: str) -> FaultTicket:
    """F2.2: a temporary workaround restores service before the repair."""
    if not workaround.strip():
        raise ValidationError({"workaround": _("Describe the workaround.")})
    if ticket.state == FaultTicket.State.IN_PROGRESS:
        with transaction.atomic():
            locked = FaultTicket.objects.select_for_update().get(pk=ticket.pk)
            if not has_role_in(
                by, (Role.BACK_MEMBER, Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR), locked.handling_department
            ):
                raise PermissionDenied
            FaultTicket.objects.filter(pk=locked.pk).update(workaround=workaround, workaround_at=timezone.now())
            sla.audit_record(subject=locked, actor=by, transition="workaround", comment=workaround)
        ticket.refresh_from_db()
        return ticket
    return fault_start_work(ticket=ticket, by=by, workaround=workaround)


def fault_resolve(*, ticket: FaultTicket, by: User, resolution: str = "", at: datetime | None = None) -> FaultTicket:
    """Resolve: the repair deadline is met (its remaining rungs never fire), the 5-minute
    recovery-notice deadline starts (F2.4), and the repeat rule is checked (F2.3)."""
    at = at or timezone.now()
    with transaction.atomic():
        ticket = _transition(ticket, "resolve", by=by, comment=resolution, at=at, resolution=resolution)
        _meet(ticket, REPAIR, by=by, at=at, comment=_("fault resolved"))
        _meet(ticket, BROADCAST, by=by, at=at, comment=_("fault resolved"))
        sla.deadline_start(
            subject=ticket,
            kind=RECOVERY,
            title=_("Recovery notice for fault %(number)s") % {"number": ticket.number},
            started_at=at,
            assessed_department=ticket.handling_department,
        )
        _check_repeat(ticket=ticket, at=at)
    return ticket


def _same_problem(ticket: FaultTicket):
    """F2.3 "the same problem": same circuit or system and same category, reported within the window."""
    since = ticket.reported_at - repeat_window()
    target = Q(service_id=ticket.service_id) if ticket.service_id else Q(system_id=ticket.system_id)
    return FaultTicket.objects.filter(
        target, category=ticket.category, reported_at__gte=since, reported_at__lte=ticket.reported_at
    )


def _check_repeat(*, ticket: FaultTicket, at: datetime) -> bool:
    """F2.3: a problem solved within 5 minutes but seen 3 times is reported to the supervisor (once per run)."""
    if at - ticket.reported_at > quick_fix():
        return False
    same = _same_problem(ticket)
    if same.count() < repeat_count() or same.filter(repeat_reported_at__isnull=False).exists():
        return False
    FaultTicket.objects.filter(pk=ticket.pk).update(repeat_reported_at=at)
    ticket.repeat_reported_at = at
    subject = _("Recurring fault: %(target)s (%(category)s) seen %(n)s times") % {
        "target": ticket.target,
        "category": ticket.get_category_display(),
        "n": same.count(),
    }
    body = "\n".join(f"{t.number} {timezone.localtime(t.reported_at):%Y-%m-%d %H:%M} {t.title}" for t in same)
    supervisors = _members([ticket.handling_department], [Role.SUPERVISOR])
    sla.notify(users=supervisors, subject=subject, body=body, channels=["inapp", "email"])
    FaultNotice.objects.create(
        ticket=ticket,
        kind=FaultNotice.Kind.REPEAT,
        subject=subject,
        body=body,
        recipients=len(supervisors),
        created_at=at,
        published_at=at,
    )
    sla.audit_record(subject=ticket, transition="repeat_reported", comment=subject, at=at)
    return True


def fault_close(*, ticket: FaultTicket, by: User, comment: str = "") -> FaultTicket:
    return _transition(ticket, "close", by=by, comment=comment, at=timezone.now())


def fault_reopen(*, ticket: FaultTicket, by: User, comment: str = "") -> FaultTicket:
    """Reopen after a failed verification: a fresh repair deadline (and ladder) from now."""
    now = timezone.now()
    with transaction.atomic():
        ticket = _transition(ticket, "reopen", by=by, comment=comment, at=now)
        _cancel(ticket, RECOVERY, by=by, at=now, comment=_("fault reopened"))
        sla.deadline_start(
            subject=ticket,
            kind=REPAIR,
            level=ticket.level,
            title=_("Fault %(number)s (reopened): %(title)s") % {"number": ticket.number, "title": ticket.title},
            started_at=now,
            assessed_department=ticket.handling_department,
        )
        _start_broadcast_clock(ticket, now)
    ticket.refresh_from_db()
    return ticket


def fault_add_helpers(*, ticket: FaultTicket, by: User, departments=(), vendors: str = "") -> FaultTicket:
    """F2.3: the supervisor (or a higher lead) pulls in other departments or vendors."""
    if not has_role_in(by, LEAD_ROLES, ticket.handling_department):
        raise PermissionDenied
    departments = [d for d in departments if d.pk != ticket.handling_department_id]
    if not departments and not vendors.strip():
        raise ValidationError({"departments": _("Name a department or a vendor.")})
    with transaction.atomic():
        locked = FaultTicket.objects.select_for_update().get(pk=ticket.pk)
        if not locked.is_open:
            raise TransitionConflict(_("The fault is no longer open."))
        locked.helper_departments.add(*departments)
        if vendors.strip():
            joined = ", ".join(v for v in [locked.helper_vendors, vendors.strip()] if v)
            FaultTicket.objects.filter(pk=locked.pk).update(helper_vendors=joined[:200])
        names = ", ".join([str(d) for d in departments] + ([vendors.strip()] if vendors.strip() else []))
        subject = _("Help requested on fault %(number)s: %(title)s") % {"number": locked.number, "title": locked.title}
        helpers = _members(departments, (Role.BACK_ADMIN, Role.SUPERVISOR))
        sla.notify(users=helpers, subject=subject, body=locked.description, channels=["inapp", "sms"])
        FaultNotice.objects.create(
            ticket=locked,
            kind=FaultNotice.Kind.HELPERS,
            subject=subject,
            body=names,
            recipients=len(helpers),
            by=by,
            created_at=timezone.now(),
            published_at=timezone.now(),
        )
        sla.audit_record(subject=locked, actor=by, transition="add_helpers", comment=names)
    locked.refresh_from_db()
    return locked


def fault_broadcast_due(*, ticket_id: int, at: datetime) -> FaultNotice | None:
    """The 30-minute broadcast deadline was breached (F2.4): broadcast, once, if the ticket is still open.

    Called from the deadline hook, which runs on a worker after the sweep.
    """
    ticket = FaultTicket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or not ticket.is_open or ticket.broadcast_at is not None:
        return None
    return fault_broadcast(ticket=ticket, at=at)


def fault_broadcast(*, ticket: FaultTicket, at: datetime) -> FaultNotice:
    """F2.4: not cleared in 30 minutes → SMS to all business (front) departments, with an
    email copy to IT management staff and the handling department's supervisors and manager."""
    subject = _("Fault not cleared after 30 minutes: %(title)s") % {"title": ticket.title}
    body = _(
        "Fault %(number)s (%(target)s, level %(level)s) reported at %(at)s is still being repaired.\n%(description)s"
    ) % {
        "number": ticket.number,
        "target": ticket.target,
        "level": ticket.level,
        "at": f"{timezone.localtime(ticket.reported_at):%Y-%m-%d %H:%M}",
        "description": ticket.description,
    }
    front = _members(Department.objects.filter(side=Department.Side.FRONT))
    copies = _members(Department.objects.filter(code="it")) + _members(
        [ticket.handling_department], (Role.SUPERVISOR, Role.DEPT_MANAGER)
    )
    sla.notify(users=front, subject=subject, body=body, channels=["inapp", "sms"])
    sla.notify(users=list({u.pk: u for u in copies}.values()), subject=subject, body=body, channels=["email"])
    FaultTicket.objects.filter(pk=ticket.pk).update(broadcast_at=at)
    ticket.broadcast_at = at
    return FaultNotice.objects.create(
        ticket=ticket,
        kind=FaultNotice.Kind.BROADCAST,
        subject=subject,
        body=body,
        recipients=len(front) + len({u.pk for u in copies}),
        created_at=at,
        published_at=at,
    )


def fault_send_recovery_notice(*, ticket: FaultTicket, by: User, body: str = "") -> FaultNotice:
    """F2.4: tell every affected customer and user of the recovery; meets the 5-minute deadline."""
    _require_writer(by)
    now = timezone.now()
    with transaction.atomic():
        ticket = (
            FaultTicket.objects.select_for_update(of=("self",))
            .select_related("service__customer", "reporter")
            .get(pk=ticket.pk)
        )
        if ticket.state not in (FaultTicket.State.RESOLVED, FaultTicket.State.CLOSED):
            raise TransitionConflict(_("Only a resolved fault has a recovery to announce."))
        if not (
            has_role_in(
                by, (*LEAD_ROLES, Role.BACK_ADMIN, Role.BACK_MEMBER, Role.IT_OPERATOR), ticket.handling_department
            )
            or has_role_in(by, (Role.DISPATCHER,), None)
        ):
            raise PermissionDenied
        if ticket.notices.filter(resolved_marker(ticket), kind=FaultNotice.Kind.RECOVERY).exists():
            raise TransitionConflict(_("The recovery notice has been sent already."))
        subject = _("Service restored: %(target)s") % {"target": ticket.target}
        body = body or _("The fault reported at %(at)s (%(title)s) was cleared at %(cleared)s.") % {
            "at": f"{timezone.localtime(ticket.reported_at):%Y-%m-%d %H:%M}",
            "title": ticket.title,
            "cleared": f"{timezone.localtime(ticket.resolved_at):%Y-%m-%d %H:%M}",
        }
        users = [ticket.reporter] if ticket.reporter else []
        if ticket.broadcast_at:  # the business departments were told of the outage
            users += _members(Department.objects.filter(side=Department.Side.FRONT))
        users = list({u.pk: u for u in users}.values())
        sla.notify(users=users, subject=subject, body=body, channels=["inapp", "sms"])
        phones = [ticket.contact_phone] if not ticket.reporter_id else []
        if ticket.service is not None and ticket.service.customer.contact_phone:
            phones.append(ticket.service.customer.contact_phone)
        sent_to = len(users) + _send_sms_to_phones(phones, subject, body)
        notice = FaultNotice.objects.create(
            ticket=ticket,
            kind=FaultNotice.Kind.RECOVERY,
            subject=subject,
            body=body,
            recipients=sent_to,
            by=by,
            created_at=now,
            published_at=now,
        )
        _meet(ticket, RECOVERY, by=by, at=now, comment=_("recovery notice sent"))
        sla.audit_record(subject=ticket, actor=by, transition="recovery_notice", comment=subject)
    return notice


def resolved_marker(ticket: FaultTicket) -> Q:
    """Notices that belong to the current resolution (a reopened ticket announces again)."""
    return Q(created_at__gte=ticket.resolved_at) if ticket.resolved_at else Q()


def fault_draft_explanation(*, ticket: FaultTicket) -> str:
    """F2.4: a plain-language draft of the fault explanation notice, from the ticket."""
    local = timezone.localtime
    parts = [
        _("From %(start)s to %(end)s, %(target)s was affected by a fault: %(title)s.")
        % {
            "start": f"{local(ticket.reported_at):%Y-%m-%d %H:%M}",
            "end": f"{local(ticket.resolved_at):%H:%M}" if ticket.resolved_at else "—",
            "target": ticket.target,
            "title": ticket.title,
        },
        _("Cause: %(cause)s") % {"cause": ticket.description},
    ]
    if ticket.workaround:
        parts.append(_("Service was first restored by: %(w)s") % {"w": ticket.workaround})
    parts.append(_("Measures: %(m)s") % {"m": ticket.resolution or "—"})
    parts.append(_("We apologise for the inconvenience."))
    return "\n".join(parts)


def fault_publish_explanation(*, ticket: FaultTicket, by: User, body: str = "") -> FaultNotice:
    """F2.4: publish the fault explanation notice (故障说明通告) to the business departments."""
    if not (
        has_role_in(by, LEAD_ROLES + (Role.BACK_ADMIN,), ticket.handling_department)
        or has_role_in(by, (Role.DISPATCHER,), None)
    ):
        raise PermissionDenied
    if ticket.state not in (FaultTicket.State.RESOLVED, FaultTicket.State.CLOSED):
        raise TransitionConflict(_("Publish the explanation once the fault is resolved."))
    body = body.strip() or fault_draft_explanation(ticket=ticket)
    now = timezone.now()
    subject = _("Fault explanation: %(title)s") % {"title": ticket.title}
    with transaction.atomic():
        users = _members(Department.objects.filter(side=Department.Side.FRONT))
        sla.notify(users=users, subject=subject, body=body, channels=["inapp", "email"])
        notice = FaultNotice.objects.create(
            ticket=ticket,
            kind=FaultNotice.Kind.EXPLANATION,
            subject=subject,
            body=body,
            recipients=len(users),
            by=by,
            created_at=now,
            published_at=now,
        )
        sla.audit_record(subject=ticket, actor=by, transition="explanation_published", comment=subject)
    return notice


# --- F2.5 problems ---------------------------------------------------------------


def problem_create_from_ticket(*, ticket: FaultTicket, by: User, title: str = "", description: str = "") -> Problem:
    if not has_role_in(by, (Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR), ticket.handling_department):
        raise PermissionDenied
    with transaction.atomic():
        problem = Problem.objects.create(
            title=title or ticket.title,
            description=description or ticket.description,
            department=ticket.handling_department,
            created_by=by,
        )
        FaultTicket.objects.filter(pk=ticket.pk).update(problem=problem)
        sla.audit_record(subject=problem, actor=by, transition="create", to_state=problem.state, comment=ticket.number)
    return problem


def problem_link_ticket(*, problem: Problem, ticket: FaultTicket, by: User) -> Problem:
    if not has_role_in(by, (Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR), problem.department):
        raise PermissionDenied
    if problem.state == Problem.State.CLOSED:
        raise TransitionConflict(_("The problem is closed."))
    from .selectors import tickets_visible_to  # selectors import this module

    # Scope holds in payloads (issue 11): only a ticket the user may see, of the problem's department.
    visible = tickets_visible_to(by).filter(pk=ticket.pk).exists()
    if ticket.handling_department_id != problem.department_id or not visible:
        raise ValidationError({"ticket": _("This ticket belongs to another department.")})
    with transaction.atomic():
        FaultTicket.objects.filter(pk=ticket.pk).update(problem=problem)
        sla.audit_record(subject=problem, actor=by, transition="link", comment=ticket.number)
    return problem


def problem_start(*, problem: Problem, by: User, plan: str = "") -> Problem:
    return _transition(problem, "start", by=by, comment=plan, plan=plan)


def problem_close(*, problem: Problem, by: User, conclusion: str = "") -> Problem:
    return _transition(problem, "close", by=by, comment=conclusion, at=timezone.now(), conclusion=conclusion)


# --- F2.6–F2.8 quality events ----------------------------------------------------

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
    return Department.objects.filter(code="custsvc").first()


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
    codes = {event.business_department.code, "custsvc"}
    if event.level in (WarningLevel.RED, WarningLevel.ORANGE):
        codes.add("office")
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
    return event


def _event_obligation(event: QualityEvent, *, by: User, kind: str, fields: dict, comment: str = "") -> QualityEvent:
    _require_writer(by)
    now = timezone.now()
    with transaction.atomic():
        locked = QualityEvent.objects.select_for_update().get(pk=event.pk)
        if not (
            has_role_in(by, [r for r in Role if r not in (Role.AUDITOR, Role.VIEWER)], locked.business_department)
            or has_role_in(by, (Role.DISPATCHER,), None)
            or (by.department and by.department.code == "custsvc")
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
    from .selectors import complaint_counts

    counts = complaint_counts(day=day)[event.category]
    return event_update_figures(
        event=event,
        by=by,
        complaints_per_day=max(event.complaints_per_day, counts["day"]),
        escalated_per_day=max(event.escalated_per_day, counts["escalated_day"]),
        escalated_per_week=max(event.escalated_per_week, counts["escalated_week"]),
    )


# --- F2.9 complaints ---------------------------------------------------------------


def complaint_receive(
    *,
    by: User,
    customer_name: str,
    category: str,
    content: str,
    department: Department,
    customer_phone: str = "",
    escalated: bool = False,
    received_at: datetime | None = None,
    quality_event: QualityEvent | None = None,
) -> Complaint:
    _require_writer(by)
    now = timezone.now()  # F2.9: its reply deadline counts from reception, at most BACKFILL_LIMIT ago
    check_happened(received_at, field="received_at", now=now, not_before=now - BACKFILL_LIMIT)
    if quality_event is not None:
        from .selectors import events_visible_to  # selectors import this module

        if not events_visible_to(by).filter(pk=quality_event.pk).exists():  # issue 11: scope in payloads
            raise ValidationError({"quality_event": _("This quality event is not one you may see.")})
    with transaction.atomic():
        complaint = Complaint.objects.create(
            customer_name=customer_name,
            customer_phone=customer_phone,
            category=category,
            content=content,
            department=department,
            escalated=escalated,
            received_at=received_at or timezone.now(),
            quality_event=quality_event,
            created_by=by,
        )
        sla.deadline_start(
            subject=complaint,
            kind="complaint-reply",
            title=_("Reply to the complaint of %(c)s") % {"c": customer_name},
            started_at=complaint.received_at,
            assessed_department=department,
        )
        sla.audit_record(subject=complaint, actor=by, transition="receive", to_state=complaint.state)
    return complaint


def complaint_answer(*, complaint: Complaint, by: User, answer: str) -> Complaint:
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    now = timezone.now()
    with transaction.atomic():
        complaint = _transition(complaint, "answer_complaint", by=by, comment=answer, at=now, answer=answer)
        _meet(complaint, "complaint-reply", by=by, at=now)
    return complaint


def complaint_record_satisfaction(*, complaint: Complaint, by: User, satisfied: bool) -> Complaint:
    return _transition(complaint, "record_satisfaction", by=by, at=timezone.now(), satisfied=satisfied)


def reply_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """F2.9: not answered within 15 days of receipt."""
    limit = complaint.received_at + timedelta(days=15)
    return (complaint.answered_at or now or timezone.now()) > limit


def complaint_appeal(*, complaint: Complaint, by: User, reference: str) -> Complaint:
    """F2.9: the customer appealed to 12300 — allowed when the reply is late or the customer is not satisfied."""
    if not reference.strip():
        raise ValidationError({"reference": _("Enter the 12300 case reference.")})
    may = reply_overdue(complaint) or complaint.satisfaction == Complaint.Satisfaction.UNSATISFIED
    if complaint.state == Complaint.State.ANSWERED and not reply_overdue(complaint):
        may = True  # answered but satisfaction not recorded yet: the customer says no by appealing
    if not may:
        raise TransitionConflict(_("An appeal to 12300 follows a late reply or an unsatisfied customer."))
    return _transition(complaint, "appeal", by=by, comment=reference, at=timezone.now(), reference=reference)


def complaint_close_appeal(*, complaint: Complaint, by: User, outcome: str) -> Complaint:
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome of the appeal.")})
    return _transition(complaint, "close_appeal", by=by, comment=outcome, at=timezone.now(), outcome=outcome)
