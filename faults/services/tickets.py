"""Fault tickets (F2.1–F2.3): report, acknowledge, work, workaround, resolve (with the repeat
rule), close, reopen, and helpers pulled in by the supervisor.
"""

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.models import Level
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict

from .. import rules
from ..models import CIRCUIT_CATEGORIES, SYSTEM_CATEGORIES, FaultNotice, FaultTicket
from ._common import BROADCAST, RECOVERY, REPAIR, _cancel, _meet, _members, _require_writer, _setting, _transition


def repeat_window() -> timedelta:
    """F2.3 "seen 3 times": the window in which tickets count as the same problem."""
    return _setting("FAULTS_REPEAT_WINDOW", timedelta(days=7))


def repeat_count() -> int:
    return _setting("FAULTS_REPEAT_COUNT", 3)


def quick_fix() -> timedelta:
    """F2.3 "solved within 5 minutes"."""
    return _setting("FAULTS_QUICK_FIX", timedelta(minutes=5))


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
            handling_department = Department.objects.filter(code=Dept.NMC).first()
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
            if not rules.may_record_workaround(locked, by):
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
    if not rules.may_add_helpers(ticket, by):
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
