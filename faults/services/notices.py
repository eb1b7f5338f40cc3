"""Fault notices (F2.4): the 30-minute broadcast, the recovery notice to affected customers and
users, and the fault explanation notice.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.workflow import TransitionConflict

from .. import rules
from ..models import FaultNotice, FaultTicket
from ._common import RECOVERY, _meet, _members, _require_writer


def _send_sms_to_phones(phones, subject: str, body: str) -> int:
    """SMS to people who are not users (customers' contacts): rows first, sent after commit."""
    phones = sorted({p for p in phones if p})
    sla.notify_addresses(addresses=[("sms", phone) for phone in phones], subject=subject, body=body)
    return len(phones)


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
    copies = _members(Department.objects.filter(code=Dept.IT)) + _members(
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
        if not rules.may_send_recovery_notice(ticket, by):
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
    if not rules.may_publish_explanation(ticket, by):
        raise PermissionDenied
    if not rules.is_resolved(ticket):
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
