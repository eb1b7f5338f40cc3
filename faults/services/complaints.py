"""Complaints (F2.9): received, answered within the reply limit, followed up (回访), appealed to 12300.

The reply limit is the ``complaint-reply`` SLA policy (default 15 calendar days, sla/defaults.py); it is
also the appeal window: a customer not answered by then may appeal. The follow-up visit after the answer
is a ``complaint-follow-up`` deadline (default 2 days). The 12300 route (seed 004): the provincial centre,
else the ministry's centre, then arbitration or a court; each stage gets its outcome.
"""

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing.models import Customer
from core.errors import Forbidden
from org.models import Department, User
from sla import services as sla
from sla.calendars import add_duration
from sla.models import Clock, Deadline, Level, SlaPolicy
from sla.validators import BACKFILL_LIMIT, check_happened
from sla.workflow import TransitionConflict

from .. import rules
from ..lookups import visible_number
from ..models import AppealStage, Complaint, ComplaintAppealStep, ComplaintChannel, FaultTicket, QualityEvent
from ._common import _cancel, _meet, _require_writer, _transition

REPLY = "complaint-reply"
FOLLOW_UP = "complaint-follow-up"
STAGE_ORDER = list(AppealStage.values)


def _check_links(by: User, *, quality_event, fault_ticket, order_number: str) -> None:
    from ..selectors import events_visible_to, tickets_visible_to  # selectors import this package

    errors = {}
    if quality_event is not None and not events_visible_to(by).filter(pk=quality_event.pk).exists():
        errors["quality_event"] = _("This quality event is not one you may see.")  # issue 11: scope in payloads
    if fault_ticket is not None and not tickets_visible_to(by).filter(pk=fault_ticket.pk).exists():
        errors["fault_ticket"] = _("This fault ticket is not one you may see.")
    if order_number and not visible_number("order", by, order_number):
        errors["order_number"] = _("No order with this number that you may see.")
    if errors:
        raise ValidationError(errors)


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
    channel: str = ComplaintChannel.HOTLINE,
    customer: Customer | None = None,
    order_number: str = "",
    fault_ticket: FaultTicket | None = None,
) -> Complaint:
    _require_writer(by)
    now = timezone.now()  # F2.9: its reply deadline counts from reception, at most BACKFILL_LIMIT ago
    check_happened(received_at, field="received_at", now=now, not_before=now - BACKFILL_LIMIT)
    order_number = order_number.strip()
    _check_links(by, quality_event=quality_event, fault_ticket=fault_ticket, order_number=order_number)
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
            channel=channel,
            customer=customer,
            order_number=order_number,
            fault_ticket=fault_ticket,
            created_by=by,
        )
        sla.deadline_start(
            subject=complaint,
            kind=REPLY,
            title=_("Reply to the complaint of %(c)s") % {"c": customer_name},
            started_at=complaint.received_at,
            assessed_department=department,
        )
        sla.audit_record(subject=complaint, actor=by, transition="receive", to_state=complaint.state)
    return complaint


def complaint_answer(*, complaint: Complaint, by: User, answer: str) -> Complaint:
    """F2.9: the answer meets the reply deadline and starts the follow-up visit (回访)."""
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")})
    now = timezone.now()
    with transaction.atomic():
        complaint = _transition(complaint, "answer_complaint", by=by, comment=answer, at=now, answer=answer)
        _meet(complaint, REPLY, by=by, at=now)
        sla.deadline_start(
            subject=complaint,
            kind=FOLLOW_UP,
            title=_("Follow-up visit to %(c)s") % {"c": complaint.customer_name},
            started_at=now,
            assessed_department=complaint.department,
        )
    return complaint


def complaint_follow_up(*, complaint: Complaint, by: User, satisfied: bool, outcome: str = "") -> Complaint:
    """The follow-up visit (回访): who called, when, the outcome and whether the customer is satisfied;
    an unsatisfied customer may then appeal to 12300. Meets the follow-up deadline."""
    now = timezone.now()
    with transaction.atomic():
        complaint = _transition(
            complaint,
            "record_satisfaction",
            by=by,
            comment=outcome,
            at=now,
            satisfied=satisfied,
            outcome=outcome,
            visitor=by,
        )
        _meet(complaint, FOLLOW_UP, by=by, at=now)
    return complaint


def complaint_record_satisfaction(*, complaint: Complaint, by: User, satisfied: bool) -> Complaint:
    return complaint_follow_up(complaint=complaint, by=by, satisfied=satisfied)


def _reply_policy() -> tuple[timedelta, str]:
    policy = SlaPolicy.objects.filter(kind=REPLY, level=Level.NONE).only("duration", "clock").first()
    if policy is None:  # no policy configured: the seed's 15 calendar days
        return timedelta(days=15), Clock.CALENDAR
    return policy.duration, policy.clock


def reply_limit(complaint: Complaint) -> datetime:
    """When the reply is due: the reply deadline's due time (paused time included), else the policy's
    limit from reception. Also the start of the appeal window."""
    ct = ContentType.objects.get_for_model(Complaint)
    due = (
        Deadline.objects.filter(content_type=ct, object_id=complaint.pk, kind=REPLY)
        .order_by("-started_at", "-id")
        .values_list("due_at", flat=True)
        .first()
    )
    if due is not None:
        return due
    duration, clock = _reply_policy()
    return add_duration(complaint.received_at, duration, clock)


def reply_overdue(complaint: Complaint, now: datetime | None = None) -> bool:
    """F2.9: not answered within the reply limit (the ``complaint-reply`` policy)."""
    return (complaint.answered_at or now or timezone.now()) > reply_limit(complaint)


def appeal_open(complaint: Complaint, now: datetime | None = None) -> bool:
    """May the customer appeal to 12300 now: not yet appealed, and the reply late, the customer not
    satisfied, or answered with satisfaction not recorded yet (the customer says no by appealing)."""
    if complaint.state == Complaint.State.APPEALED or complaint.appeal_reference:
        return False
    if complaint.satisfaction == Complaint.Satisfaction.UNSATISFIED:
        return True
    return complaint.state == Complaint.State.ANSWERED or reply_overdue(complaint, now)


def complaint_appeal(
    *, complaint: Complaint, by: User, reference: str, stage: str = AppealStage.PROVINCIAL
) -> Complaint:
    """F2.9: the customer appealed to 12300 — allowed when the reply is late or the customer is not satisfied."""
    if not reference.strip():
        raise ValidationError({"reference": _("Enter the 12300 case reference.")})
    if stage not in (AppealStage.PROVINCIAL, AppealStage.MINISTRY):
        raise ValidationError({"stage": _("An appeal starts at the provincial centre or the ministry's centre.")})
    if not appeal_open(complaint):
        raise TransitionConflict(_("An appeal to 12300 follows a late reply or an unsatisfied customer."))
    now = timezone.now()
    with transaction.atomic():
        complaint = _transition(complaint, "appeal", by=by, comment=reference, at=now, reference=reference, stage=stage)
        _cancel(complaint, FOLLOW_UP, by=by, at=now, comment=_("Appealed to 12300."))
    return complaint


def _record_stage(complaint: Complaint, *, by: User, outcome: str, at: datetime) -> None:
    ComplaintAppealStep.objects.create(
        complaint=complaint, stage=complaint.appeal_stage or AppealStage.PROVINCIAL, outcome=outcome,
        recorded_at=at, recorded_by=by,
    )  # fmt: skip


def complaint_appeal_escalate(*, complaint: Complaint, by: User, outcome: str, stage: str) -> Complaint:
    """Seed 004: the current stage's outcome (mediation failed, no provincial centre …) and the next stage
    of the route; an appeal moves only forward."""
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome of this stage.")})
    if stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Choose the next stage of the appeal.")})
    if not rules.may_answer(complaint, by):
        raise Forbidden()
    now = timezone.now()
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.state != Complaint.State.APPEALED:
            raise TransitionConflict(_("Only an open appeal moves to another stage."))
        current = locked.appeal_stage or AppealStage.PROVINCIAL
        if STAGE_ORDER.index(stage) <= STAGE_ORDER.index(current):
            raise ValidationError({"stage": _("An appeal moves only forward on its route.")})
        _record_stage(locked, by=by, outcome=outcome, at=now)
        Complaint.objects.filter(pk=locked.pk).update(appeal_stage=stage)
        locked.appeal_stage = stage
        sla.audit_record(
            subject=locked, actor=by, transition="appeal_stage", from_state=current, to_state=stage, comment=outcome
        )
    return locked


def complaint_close_appeal(*, complaint: Complaint, by: User, outcome: str) -> Complaint:
    """The final stage's outcome closes the complaint."""
    if not outcome.strip():
        raise ValidationError({"outcome": _("Record the outcome of the appeal.")})
    now = timezone.now()
    with transaction.atomic():
        complaint = _transition(complaint, "close_appeal", by=by, comment=outcome, at=now, outcome=outcome)
        _record_stage(complaint, by=by, outcome=outcome, at=now)
    return complaint
