"""Adjustments under four eyes (B4.4, issue 14 §3): request, approve, reject.

A correction of a published invoice is requested by an IT operator or billing clerk and approved
or rejected by another (``billing.rules.may_decide_adjustment``); an approved one becomes an
adjustment line of the customer's next invoice (``invoicing``). Published invoices never change."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from org.models import User
from sla import services as sla
from sla.workflow import TransitionForbidden, apply_transition

from .. import rules
from ..models import Adjustment, Customer, Invoice, Service
from .lines import money


def _invalid(field: str, message: str):
    return Invalid(message, fields={field: [message]})


def adjustment_request(
    *,
    by: User,
    customer: Customer,
    kind: str,
    amount: Decimal,
    reason: str,
    corrects: Invoice | None = None,
    service: Service | None = None,
    evidence: str = "",
    evidence_file=None,
) -> Adjustment:
    """B4.4: ``amount`` is positive; a credit is stored (and invoiced) negative, a debit positive."""
    if not rules.may_request_adjustment(by):
        raise TransitionForbidden(_("Only IT operators and billing clerks may request adjustments."))
    if kind not in Adjustment.Kind.values:
        raise _invalid("kind", _("Unknown kind."))
    if amount is None or money(amount) <= 0:
        raise _invalid("amount", _("Enter a positive amount."))
    if not reason.strip():
        raise _invalid("reason", _("Give the reason."))
    if not evidence.strip() and not evidence_file:
        raise _invalid("evidence", _("Give the evidence (a text or a file)."))
    if corrects is not None:
        if corrects.customer_id != customer.pk:
            raise _invalid("corrects", _("The invoice is not this customer's."))
        if corrects.state != Invoice.State.PUBLISHED:
            raise _invalid("corrects", _("Only a published invoice is corrected by an adjustment."))
    if service is not None and service.customer_id != customer.pk:
        raise _invalid("service", _("The service is not this customer's."))
    signed = money(amount) if kind == Adjustment.Kind.DEBIT else -money(amount)
    with transaction.atomic():
        adjustment = Adjustment.objects.create(
            customer=customer, service=service, kind=kind, amount=signed, reason=reason.strip(),
            corrects=corrects, evidence=evidence.strip(), evidence_file=evidence_file or "", requested_by=by,
        )  # fmt: skip
        sla.audit_record(subject=adjustment, actor=by, transition="request", to_state=adjustment.state)
    return adjustment


def _decide(adjustment: Adjustment, name: str, by: User, comment: str) -> Adjustment:
    if not rules.may_request_adjustment(by):
        raise TransitionForbidden(_("Only IT operators and billing clerks may decide on adjustments."))
    if adjustment.requested_by_id == by.pk:
        raise TransitionForbidden(_("The requester of an adjustment cannot decide on it; another person must."))
    return apply_transition(adjustment, name, by=by, comment=comment, actor=by, at=timezone.now())


def adjustment_approve(*, adjustment: Adjustment, by: User, comment: str = "") -> Adjustment:
    """B4.4, four eyes: another person approves; the next invoice of the customer carries it."""
    return _decide(adjustment, "approve", by, comment)


def adjustment_reject(*, adjustment: Adjustment, by: User, comment: str = "") -> Adjustment:
    """B4.4, four eyes: another person rejects; it is never invoiced."""
    return _decide(adjustment, "reject", by, comment)
