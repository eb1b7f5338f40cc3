"""Complaints (F2.9): received, answered within 15 days, satisfaction, appeals to 12300."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from sla import services as sla
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict

from ..models import Complaint, QualityEvent
from ._common import _meet, _require_writer, _transition


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
        from ..selectors import events_visible_to  # selectors import this package

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
