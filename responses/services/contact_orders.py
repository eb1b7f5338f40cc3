"""Contact orders (R1.13): one department asks another, with a feedback time as its deadline."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import is_read_only
from org.models import User
from sla import services as sla
from sla.validators import YEAR, check_ahead
from sla.workflow import TransitionForbidden

from ..models import ContactOrder
from ._common import _apply, _now, _open_deadline

FEEDBACK = "contact-feedback"


@transaction.atomic
def contact_order_create(*, by: User, to_department, subject, body, feedback_due_at) -> ContactOrder:
    if not by.department_id:
        raise TransitionForbidden(_("You have no department."))
    if is_read_only(by):
        raise TransitionForbidden(_("You may not do this."))
    if to_department is not None and to_department.pk == by.department_id:
        raise ValidationError({"to_department": _("Choose another department than your own.")})
    now = timezone.now()
    if feedback_due_at is None or feedback_due_at <= now:
        raise ValidationError({"feedback_due_at": _("The requested feedback time must be in the future.")})
    check_ahead(  # R1.13: the feedback time is the contact order's deadline; at most a year ahead
        feedback_due_at,
        field="feedback_due_at",
        max_ahead=YEAR,
        now=now,
        too_late=_("The requested feedback time can be at most a year ahead."),
    )
    contact = ContactOrder.objects.create(
        from_department=by.department,
        to_department=to_department,
        subject=subject,
        body=body,
        feedback_due_at=feedback_due_at,
        created_by=by,
    )
    sla.audit_record(subject=contact, actor=by, transition="create", to_state=contact.state)
    # R1.13: the feedback time is a deadline of the receiving department; its people are warned
    # before it and told when it is missed (the policy's notify_roles in that department).
    sla.deadline_start(
        subject=contact,
        kind=FEEDBACK,
        title=_("Work contact order feedback: %(subject)s") % {"subject": subject},
        started_at=now,
        assessed_department=to_department,
        due_at=feedback_due_at,
    )
    return contact


@transaction.atomic
def contact_order_answer(*, contact: ContactOrder, by: User, reply: str, at=None) -> ContactOrder:
    if not reply.strip():
        raise ValidationError({"reply": _("This field is required.")})
    at = _now(at)
    contact = _apply(contact, "answer", by=by, reply=reply, at=at)
    deadline = _open_deadline(contact, FEEDBACK)
    if deadline is not None:  # R1.13: the answer meets the feedback deadline
        sla.deadline_meet(deadline=deadline, by=by, at=at)
    return contact


@transaction.atomic
def contact_order_cancel(*, contact: ContactOrder, by: User, at=None) -> ContactOrder:
    """R1.13: the sending department withdraws its contact order; its feedback deadline no longer applies."""
    at = _now(at)
    contact = _apply(contact, "cancel", by=by)
    deadline = _open_deadline(contact, FEEDBACK)
    if deadline is not None:
        sla.deadline_cancel(deadline=deadline, by=by, at=at, comment="contact order cancelled")
    return contact
