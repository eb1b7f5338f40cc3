"""Arrears (B4.5): overdue balances, reminders, restriction work orders and payments.

The work orders themselves (their workflow and deadlines) are ``work_orders``."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla

from ..models import ArrearsCase, Customer, Invoice, Payment, ServiceWorkOrder
from .lines import money, month_bounds
from .runs import _require_it_role
from .work_orders import work_order_open, work_orders_cancel

BACK_OFFICE_FOR_RESTRICTIONS = Dept.NMC


def invoice_due_date(period: date) -> date:
    """Invoices of a month are due BILLING_PAYMENT_TERM_DAYS after the month ends."""
    return month_bounds(period)[1] + timedelta(days=settings.BILLING_PAYMENT_TERM_DAYS)


def overdue_balance(customer: Customer, today: date) -> Decimal:
    """Published invoices past their due date, less everything paid."""
    invoiced = Decimal("0.00")
    for period, total in customer.invoices.filter(state=Invoice.State.PUBLISHED).values_list("period", "total"):
        if invoice_due_date(period) < today:
            invoiced += total
    paid = customer.payments.aggregate(s=Sum("amount"))["s"] or Decimal("0.00")
    return money(invoiced - paid)


def arrears_size(amount: Decimal) -> str:
    """Large at or above BILLING_ARREARS_LARGE_THRESHOLD, small below it."""
    threshold = Decimal(settings.BILLING_ARREARS_LARGE_THRESHOLD)
    return ArrearsCase.Size.LARGE if amount >= threshold else ArrearsCase.Size.SMALL


def _remind(case: ArrearsCase, now) -> None:
    customer = case.customer
    text = _("%(customer)s: overdue balance %(amount)s CNY. Please pay as soon as possible.") % {
        "customer": customer.name,
        "amount": case.amount,
    }
    sla.notify_addresses(addresses=[("sms", customer.contact_phone)], subject=_("Payment reminder"), body=text)
    if case.size == ArrearsCase.Size.LARGE and not case.restricted:
        department = Department.objects.get(code=BACK_OFFICE_FOR_RESTRICTIONS)
        work_order_open(case=case, kind=ServiceWorkOrder.Kind.RESTRICT, department=department, at=now)
        case.restricted = True
        sla.notify(
            users=User.objects.filter(is_active=True, department=department, groups__name=Role.BACK_ADMIN),
            subject=_("Restrict service of %(customer)s (arrears %(amount)s CNY)")
            % {"customer": customer.name, "amount": case.amount},
            channels=["inapp", "email"],
        )
    case.last_reminder_at = now
    case.reminders += 1


def arrears_scan(*, today: date | None = None) -> int:
    """Open or update a case per customer with an overdue balance and remind on the cycle (B4.5)."""
    now = timezone.now()
    today = today or timezone.localdate()
    cycle = timedelta(days=settings.BILLING_REMINDER_CYCLE_DAYS)
    reminded = 0
    customers = Customer.objects.filter(invoices__state=Invoice.State.PUBLISHED).distinct()
    for customer in customers.iterator():
        amount = overdue_balance(customer, today)
        if amount <= 0:
            continue
        with transaction.atomic():
            case = (
                ArrearsCase.objects.select_for_update().filter(customer=customer, state=ArrearsCase.State.OPEN).first()
            )
            if case is None:
                case = ArrearsCase(customer=customer, opened_at=now)
            case.amount, case.size = amount, arrears_size(amount)
            case.save()
            if case.last_reminder_at is None or now - case.last_reminder_at >= cycle:
                _remind(case, now)
                reminded += 1
            case.save()
    return reminded


def _restore(case: ArrearsCase, now) -> None:
    """The balance cleared: an unfinished restriction is cancelled; if it was taken on or done, the
    service may be restricted, so a restore work order is due from now (B4.5)."""
    W = ServiceWorkOrder
    begun = case.work_orders.filter(kind=W.Kind.RESTRICT, state__in=[W.State.ACCEPTED, W.State.DONE]).exists()
    work_orders_cancel(case=case, kind=W.Kind.RESTRICT, comment=_("The arrears were paid."))
    if begun:
        department = Department.objects.get(code=BACK_OFFICE_FOR_RESTRICTIONS)
        work_order_open(case=case, kind=W.Kind.RESTORE, department=department, at=now)


def payment_record(*, customer: Customer, amount: Decimal, by: User | None = None, reference: str = "") -> Payment:
    """Record a payment; a cleared balance closes the case and restores a restricted service (B4.5)."""
    if by is not None:
        _require_it_role(by, Role.IT_OPERATOR, Role.SUPERVISOR)
    now = timezone.now()
    with transaction.atomic():
        payment = Payment.objects.create(
            customer=customer, amount=money(amount), paid_at=now, reference=reference, recorded_by=by
        )
        case = ArrearsCase.objects.select_for_update().filter(customer=customer, state=ArrearsCase.State.OPEN).first()
        if case is not None:
            remaining = overdue_balance(customer, timezone.localdate())
            if remaining <= 0:
                case.state, case.cleared_at, case.amount = ArrearsCase.State.CLEARED, now, Decimal("0.00")
                if case.restricted:
                    _restore(case, now)
                    case.restricted = False
            else:
                case.amount, case.size = remaining, arrears_size(remaining)
            case.save()
        sla.audit_record(
            subject=customer, actor=by, transition="payment", comment=f"{payment.amount} {reference}".strip()
        )
    return payment
