"""The 24-hour contact roster and the phone follow-up of quality events (F2.8; seed 003 第八条).

Every department names its contact persons (接口人), whose phones stay on day and night. After an
event is reported to 客户服务部, the reporting department calls 客户服务部; after the warning is
published, 客户服务部 calls each recipient department ("并进行电话通知"). Each of these is a deadline
of its own (``event-call-report`` / ``event-call-publish``, 30 minutes by default, editable as SLA
policies) assessed to the department that must call, whose manager the sweeper tells when it is missed;
it is met once every department of the stage has been reached.
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, DutyContact, User
from org.roles import Dept
from sla import services as sla
from sla.validators import BACKFILL_LIMIT, check_happened

from .. import rules
from ..models import EventCall, QualityEvent, WarningLevel
from ._common import _meet, _require_writer

CALL_KINDS: dict[str, str] = {
    EventCall.Stage.REPORT: "event-call-report",
    EventCall.Stage.PUBLISH: "event-call-publish",
}


# --- the roster --------------------------------------------------------------------------------


def _check_period(on_duty_from: datetime | None, on_duty_until: datetime | None) -> None:
    if on_duty_from and on_duty_until and on_duty_until <= on_duty_from:
        raise ValidationError({"on_duty_until": _("The end of the duty period must come after its start.")})


def contact_add(
    *,
    by: User,
    department: Department,
    name: str,
    phone: str,
    user: User | None = None,
    on_duty_from: datetime | None = None,
    on_duty_until: datetime | None = None,
    note: str = "",
) -> DutyContact:
    if not rules.may_edit_contacts(department, by):
        raise PermissionDenied
    if not name.strip() or not phone.strip():
        raise ValidationError({"phone": _("Enter the contact person's name and mobile phone.")})
    _check_period(on_duty_from, on_duty_until)
    with transaction.atomic():
        contact = DutyContact.objects.create(
            department=department,
            user=user,
            name=name.strip(),
            phone=phone.strip(),
            on_duty_from=on_duty_from,
            on_duty_until=on_duty_until,
            note=note,
        )
        sla.audit_record(subject=contact, actor=by, transition="create", comment=f"{contact.name} {contact.phone}")
    return contact


def contact_remove(*, contact: DutyContact, by: User) -> None:
    if not rules.may_edit_contacts(contact.department, by):
        raise PermissionDenied
    with transaction.atomic():
        sla.audit_record(subject=contact, actor=by, transition="delete", comment=f"{contact.name} {contact.phone}")
        contact.delete()


def contacts_on_duty(department: Department, at: datetime | None = None) -> list[DutyContact]:
    """The department's contact persons on duty at ``at`` (now)."""
    at = at or timezone.now()
    return [c for c in department.duty_contacts.all() if c.on_duty(at)]


# --- phone follow-ups ----------------------------------------------------------------------------


def departments_to_call(event: QualityEvent, stage: str) -> list[Department]:
    """Who must be reached: 客户服务部 after the report; after the publication the business
    department and, for red and orange, 综合办公室 (the departments of F2.8's recipients)."""
    codes: list[str]
    if stage == EventCall.Stage.REPORT:
        codes = [Dept.CUSTSVC]
    else:
        codes = [event.business_department.code]
        if event.level in (WarningLevel.RED, WarningLevel.ORANGE):
            codes.append(Dept.OFFICE)
    found = {d.code: d for d in Department.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def call_follow_up_start(*, event: QualityEvent, stage: str, caller: Department | None, at: datetime) -> None:
    """Start the stage's follow-up deadline, assessed to the calling department (its manager is told)."""
    names = ", ".join(d.name_zh for d in departments_to_call(event, stage))
    kind = "event-call-report" if stage == EventCall.Stage.REPORT else "event-call-publish"
    sla.deadline_start(
        subject=event,
        kind=kind,
        title=_("Phone %(who)s: %(t)s") % {"who": names, "t": event.title},
        started_at=at,
        assessed_department=caller,
    )


def pending_calls(event: QualityEvent, stage: str) -> list[Department]:
    reached = set(
        event.calls.filter(stage=stage, outcome=EventCall.Outcome.REACHED).values_list("department_id", flat=True)
    )
    return [d for d in departments_to_call(event, stage) if d.pk not in reached]


def event_record_call(
    *,
    event: QualityEvent,
    by: User,
    stage: str,
    department: Department,
    outcome: str,
    called_name: str = "",
    phone: str = "",
    contact: DutyContact | None = None,
    called_at: datetime | None = None,
    note: str = "",
) -> EventCall:
    """Record one call; when every department of the stage has been reached the deadline is met."""
    _require_writer(by)
    if not rules.may_record_call(event, by):
        raise PermissionDenied
    if stage not in CALL_KINDS:
        raise ValidationError({"stage": _("Choose the report or the publication.")})
    if stage == EventCall.Stage.PUBLISH and event.published_at is None:
        raise ValidationError({"stage": _("The event has not been published yet.")})
    if stage == EventCall.Stage.REPORT and event.reported_at is None:
        raise ValidationError({"stage": _("The event has not been reported yet.")})
    if department.pk not in {d.pk for d in departments_to_call(event, stage)}:
        raise ValidationError({"department": _("This department is not one to call at this stage.")})
    if outcome not in EventCall.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the call.")})
    if contact is not None:
        if contact.department_id != department.pk:
            raise ValidationError({"contact": _("This contact person belongs to another department.")})
        called_name, phone = called_name or contact.name, phone or contact.phone
    if not called_name.strip() or not phone.strip():
        raise ValidationError({"called_name": _("Enter who was called and the number.")})
    now = timezone.now()
    check_happened(called_at, field="called_at", now=now, not_before=now - BACKFILL_LIMIT)
    with transaction.atomic():
        call = EventCall.objects.create(
            event=event,
            stage=stage,
            department=department,
            contact=contact,
            called_name=called_name.strip(),
            phone=phone.strip(),
            called_at=called_at or now,
            outcome=outcome,
            note=note,
            recorded_by=by,
        )
        sla.audit_record(
            subject=event,
            actor=by,
            transition=f"call-{stage}",
            comment=f"{department.name_zh} {call.called_name} {call.phone}: {call.get_outcome_display()}",
        )
        if not pending_calls(event, stage):
            _meet(event, CALL_KINDS[stage], by=by, at=call.called_at)
    return call
