"""Writes of billing: bill and settlement runs (B4.2, B4.3) and invoices (B4.4).

Money is ``Decimal`` CNY with 2 places, rounded ROUND_HALF_UP once per invoice line;
an invoice's total is the exact sum of its lines.
"""

import calendar
import logging
from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.access import has_role_in
from accounts.models import Department, User
from accounts.roles import Role
from core.errors import Invalid
from sla import services as sla
from sla.publish import publish_after_commit
from sla.validators import add_months, month_in_range
from sla.workflow import TransitionForbidden, apply_transition

from .models import (
    Adjustment,
    ArrearsCase,
    BillRun,
    Customer,
    Invoice,
    InvoiceLine,
    Partner,
    Payment,
    Product,
    Service,
    ServiceWorkOrder,
    SettlementStatement,
)

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
CHUNK = 1000
GENERATION_LOCK = 4040  # namespace of the advisory locks of bill-run generation
# B4.2 / B4.3: the whole run must finish before 00:00 (Asia/Shanghai) on this day of the next month.
ANNOUNCE_DAY: dict[str, int] = {BillRun.Kind.BILLING: 2, BillRun.Kind.SETTLEMENT: 10}
ANNOUNCEMENT_KIND = "bill-run-announcement"

# The data check of 出账检查报告: every item must be ticked by the checker.
CHECKLIST = [
    ("usage_complete", gettext_noop("Usage records for the whole month are loaded")),
    ("services_reconciled", gettext_noop("Active services reconcile with provisioning orders")),
    ("tariffs_current", gettext_noop("Tariffs and discounts in force for the month")),
    ("adjustments_reviewed", gettext_noop("Pending adjustments reviewed")),
]


def money(value) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def month_bounds(period: date) -> tuple[date, date]:
    first = period.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


def active_days(service: Service, first: date, last: date) -> int:
    """Days of [first, last] on which the service was active (activation and end dates included)."""
    if service.activated_on is None:
        return 0
    start = max(service.activated_on, first)
    end = min(service.ended_on or last, last)
    return max((end - start).days + 1, 0)


def service_lines(service: Service, period: date) -> list[InvoiceLine]:
    """B4.4: the monthly fee prorated by active days; the one-time fee in the activation month."""
    first, last = month_bounds(period)
    lines = []
    days = active_days(service, first, last)
    month_days = last.day
    if days and service.monthly_fee:
        amount = money(service.monthly_fee * days / month_days)
        lines.append(
            InvoiceLine(
                service=service,
                kind=InvoiceLine.Kind.MONTHLY,
                days=days,
                amount=amount,
                description=f"{service.code} {service.product} {days}/{month_days}",
            )
        )
    if service.one_time_fee and service.activated_on and first <= service.activated_on <= last:
        lines.append(
            InvoiceLine(
                service=service,
                kind=InvoiceLine.Kind.ONE_TIME,
                amount=money(service.one_time_fee),
                description=f"{service.code} {service.product}",
            )
        )
    return lines


def _announcement_due(run: BillRun) -> datetime:
    first, last = month_bounds(run.period)
    day = (last + timedelta(days=1)).replace(day=ANNOUNCE_DAY[run.kind])
    return timezone.make_aware(datetime.combine(day, time.min))


#: B4.2/B4.3: a run is for the coming month or one of the last twelve (a late re-run), never further.
RUN_MONTHS_BACK = 12
RUN_MONTHS_AHEAD = 1


def bill_run_months(*, today: date | None = None) -> tuple[date, date]:
    """The first and the last month a bill or settlement run may be scheduled for (first days)."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return add_months(this_month, -RUN_MONTHS_BACK), add_months(this_month, RUN_MONTHS_AHEAD)


def bill_run_schedule(*, period: date, kind: str = BillRun.Kind.BILLING, by: User | None = None) -> BillRun:
    """Schedule the run of ``period`` and its announcement deadline (00:00 on the 2nd / 10th).

    ``by`` is None when the system schedules it; a person must be IT Management staff. The period
    must lie within ``bill_run_months`` (nothing is created, nobody is told, otherwise).
    """
    if by is not None:
        _require_it_role(by, Role.IT_OPERATOR, Role.SUPERVISOR)
    if kind not in BillRun.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    earliest, latest = bill_run_months()
    month_in_range(period.replace(day=1), earliest=earliest, latest=latest, field="period")
    with transaction.atomic():
        run, created = BillRun.objects.get_or_create(kind=kind, period=period.replace(day=1))
        if created:
            sla.deadline_start(
                subject=run,
                kind=ANNOUNCEMENT_KIND,
                title=str(run),
                due_at=_announcement_due(run),
                assessed_department=Department.objects.filter(code="it").first(),
            )
            sla.audit_record(subject=run, actor=by, transition="schedule", to_state=run.state)
    return run


def _it_staff(*roles):
    return User.objects.filter(is_active=True, department__code="it", groups__name__in=[str(r) for r in roles])


def _require_it_role(by: User, *roles):
    """IT Management staff holding one of ``roles`` (accounts.access decides, as everywhere)."""
    it = Department.objects.filter(code="it").first()
    if by is None or it is None or not has_role_in(by, roles, it):
        raise TransitionForbidden(_("Only IT Management staff with the right role may do this."))


def bill_run_start_check(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.IT_OPERATOR)
    return apply_transition(run, "start_check", by=by, actor=by)


def bill_run_sign_check(*, run: BillRun, by: User, checklist: dict[str, bool], comment: str = "") -> BillRun:
    """The checker ticks every item of the check report and signs it (B4.2)."""
    _require_it_role(by, Role.IT_OPERATOR)
    missing = [_(label) for code, label in CHECKLIST if not checklist.get(code)]
    if missing:
        message = _("Every check must be ticked before signing: %s") % "; ".join(missing)
        raise Invalid(message, code="checklist_incomplete", fields={"checklist": [message]})
    items = [{"code": code, "label": label, "ok": True} for code, label in CHECKLIST]
    return apply_transition(run, "sign_check", by=by, comment=comment, actor=by, checklist=items, at=timezone.now())


def bill_run_finish_preprocessing(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.IT_OPERATOR)
    return apply_transition(run, "finish_preprocessing", by=by)


def bill_run_verify(*, run: BillRun, by: User) -> BillRun:
    """Four eyes (B4.2): a second IT operator, never the run's operator, verifies; invoicing then starts."""
    _require_it_role(by, Role.IT_OPERATOR)
    with transaction.atomic():
        locked = BillRun.objects.select_for_update().get(pk=run.pk)
        if locked.operator_id == by.pk:
            raise TransitionForbidden(
                _("The operator of a run cannot verify it; another person must (four-eyes rule).")
            )
        run = apply_transition(locked, "verify", by=by, actor=by)
        from .tasks import generate_invoices

        # A lost publish leaves the run in invoicing: billing.tasks.resume_invoicing takes it up.
        publish_after_commit(generate_invoices, run.pk)
    return run


def bill_run_publish(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.SUPERVISOR)
    with transaction.atomic():
        run = apply_transition(run, "publish", by=by, actor=by, at=timezone.now())
        run.invoices.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.PUBLISHED)
        run.statements.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.PUBLISHED)
    return run


def bill_run_challenge(*, run: BillRun, by: User, comment: str) -> BillRun:
    """The supervisor doubts the result: the data must be checked again (B4.2)."""
    _require_it_role(by, Role.SUPERVISOR)
    return apply_transition(run, "challenge", by=by, actor=by, comment=comment)


def bill_run_roll_back(*, run: BillRun, by: User, comment: str = "") -> BillRun:
    """Void the run's invoices and start again from the schedule (B4.2). Published runs never roll back."""
    _require_it_role(by, Role.IT_OPERATOR, Role.SUPERVISOR)
    with transaction.atomic():
        run = apply_transition(run, "roll_back", by=by, comment=comment)
        voided = run.invoices.filter(state=Invoice.State.DRAFT)
        Adjustment.objects.filter(applied_to__in=voided).update(applied_to=None)
        voided.update(state=Invoice.State.VOID)
        run.statements.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.VOID)
    return run


def bill_run_report_anomaly(*, run: BillRun, by: User, text: str) -> None:
    """Anything that may affect the run is reported at once to the supervisors and the manager (B4.2).

    Reported by IT Management staff (the run's team); auditors and viewers change nothing.
    """
    _require_it_role(by, *(role for role in Role if role not in (Role.AUDITOR, Role.VIEWER)))
    sla.notify(
        users=_it_staff(Role.SUPERVISOR, Role.DEPT_MANAGER),
        subject=_("Anomaly in %(run)s") % {"run": run},
        body=text,
        channels=["inapp", "sms", "email"],
    )
    sla.audit_record(
        subject=run, actor=by, transition="anomaly", from_state=run.state, to_state=run.state, comment=text
    )


def sla_credit_rule() -> tuple[Decimal, timedelta, Decimal]:
    """B4.4 default: 5% of the monthly fee per started 4 hours a repair ran past its level's
    limit, at most 50% of the fee a month (settings BILLING_SLA_CREDIT_*)."""
    return (
        Decimal(settings.BILLING_SLA_CREDIT_PERCENT) / 100,
        timedelta(hours=settings.BILLING_SLA_CREDIT_STEP_HOURS),
        Decimal(settings.BILLING_SLA_CREDIT_CAP_PERCENT) / 100,
    )


def late_repairs(first: date, last: date) -> dict[int, list[timedelta]]:
    """Service id → how late each fault on it was repaired, for repairs finished in [first, last]
    (the fault tickets' repair deadlines on the engine, Asia/Shanghai month)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from sla.models import Deadline

    ticket_model = apps.get_model("faults", "FaultTicket")
    start = timezone.make_aware(datetime.combine(first, time.min))
    end = timezone.make_aware(datetime.combine(last + timedelta(days=1), time.min))
    late = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(ticket_model),
        kind="fault-repair",
        state=Deadline.State.MET,
        closed_at__gte=start,
        closed_at__lt=end,
        closed_at__gt=F("due_at"),
    ).values_list("object_id", "closed_at", "due_at")
    rows = list(late)
    services = dict(
        ticket_model.objects.filter(pk__in=[r[0] for r in rows], service__isnull=False).values_list("pk", "service_id")
    )
    result: dict[int, list[timedelta]] = {}
    for ticket_id, closed_at, due_at in rows:
        if ticket_id in services:
            # closed_at__lt above keeps only closed deadlines
            result.setdefault(services[ticket_id], []).append(cast(datetime, closed_at) - due_at)
    return result


def sla_credit_line(service: Service, lateness: list[timedelta]) -> InvoiceLine | None:
    percent, step, cap = sla_credit_rule()
    steps = sum(-(-delay // step) for delay in lateness)  # started steps
    credit = min(service.monthly_fee * percent * steps, service.monthly_fee * cap)
    if not credit:
        return None
    return InvoiceLine(
        service=service,
        kind=InvoiceLine.Kind.SLA_CREDIT,
        amount=-money(credit),
        description=f"{service.code} SLA ×{len(lateness)}",
    )


def _billable_customers(period: date):
    first, last = month_bounds(period)
    active = Q(services__activated_on__lte=last) & (
        Q(services__ended_on__isnull=True) | Q(services__ended_on__gte=first)
    )
    return Customer.objects.filter(active).distinct().order_by("pk").values_list("pk", flat=True)


@contextmanager
def _generation_lock(run_id: int):
    """Yield whether this process may generate the run now: one generation per run at a time.

    On PostgreSQL a session advisory lock, which dies with the connection, so a
    killed worker never leaves a run locked; SQLite has one writer anyway.
    """
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [GENERATION_LOCK, run_id])
        locked = cursor.fetchone()[0]
    try:
        yield locked
    finally:
        if locked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [GENERATION_LOCK, run_id])
            except DatabaseError:  # the connection is gone, and its lock with it
                log.warning("Could not release the generation lock of bill run %s", run_id)


def bill_run_generate_invoices(*, run: BillRun) -> int:
    """Create the run's invoices in chunks, recording progress; safe to run again after a crash.

    Customers that already have a live invoice for the month are skipped, and the
    unique (customer, month) constraint refuses a second one outright. While one
    process generates a run, another asked to (a duplicate publish, the resume
    sweep) returns 0 at once.
    """
    with _generation_lock(run.pk) as locked:
        if not locked:
            log.info("Bill run %s is being generated by another worker", run.pk)
            return 0
        return _generate(run)


def bill_runs_resume_invoicing() -> int:
    """Beat: generate every run still in invoicing (its publish was lost, or its worker died).

    Runs that another worker is generating are left to it. Returns the documents created.
    """
    created = 0
    for run in BillRun.objects.filter(state=BillRun.State.INVOICING).order_by("pk"):
        created += bill_run_generate_invoices(run=run)
    return created


def _generate(run: BillRun) -> int:
    run = BillRun.objects.get(pk=run.pk)
    if run.state != BillRun.State.INVOICING:
        return 0
    if run.kind == BillRun.Kind.SETTLEMENT:
        return _generate_statements(run)
    first, last = month_bounds(run.period)
    customer_ids = list(_billable_customers(run.period))
    late = late_repairs(first, last)
    BillRun.objects.filter(pk=run.pk).update(progress_total=len(customer_ids))
    created = 0
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
        with transaction.atomic():
            done = set(
                Invoice.objects.filter(customer_id__in=chunk, period=first)
                .exclude(state=Invoice.State.VOID)
                .values_list("customer_id", flat=True)
            )
            todo = [pk for pk in chunk if pk not in done]
            services = Service.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gte=first), customer_id__in=todo, activated_on__lte=last
            ).order_by("customer_id", "code")
            lines_by_customer: dict[int, list[InvoiceLine]] = {pk: [] for pk in todo}
            for service in services:
                lines_by_customer[service.customer_id] += service_lines(service, first)
                if service.pk in late:
                    credit = sla_credit_line(service, late[service.pk])
                    if credit is not None:
                        lines_by_customer[service.customer_id].append(credit)
            adjustments = list(Adjustment.objects.filter(customer_id__in=todo, applied_to__isnull=True))
            for adjustment in adjustments:
                lines_by_customer[adjustment.customer_id].append(
                    InvoiceLine(
                        kind=InvoiceLine.Kind.ADJUSTMENT, amount=money(adjustment.amount), description=adjustment.reason
                    )
                )
            invoices = [
                Invoice(
                    run=run,
                    customer_id=pk,
                    period=first,
                    number=f"{'B' if run.kind == BillRun.Kind.BILLING else 'S'}{first:%Y%m}-{pk:08d}-{run.attempt}",
                    total=sum((line.amount for line in lines_by_customer[pk]), Decimal("0.00")),
                )
                for pk in todo
            ]
            Invoice.objects.bulk_create(invoices)
            by_customer = {invoice.customer_id: invoice for invoice in invoices}
            all_lines = []
            for pk, lines in lines_by_customer.items():
                for line in lines:
                    line.invoice = by_customer[pk]
                    all_lines.append(line)
            InvoiceLine.objects.bulk_create(all_lines, batch_size=5000)
            for adjustment in adjustments:
                adjustment.applied_to = by_customer[adjustment.customer_id]
            Adjustment.objects.bulk_update(adjustments, ["applied_to"])
            BillRun.objects.filter(pk=run.pk).update(progress_done=start + len(chunk))
            created += len(invoices)
    apply_transition(run, "finish_invoicing", by=None, comment=_("%(n)s invoices created") % {"n": created})
    return created


def _generate_statements(run: BillRun) -> int:
    """B4.3: each partner's statement: the month's live invoice lines of its services × its rate."""
    revenue = dict(
        InvoiceLine.objects.filter(
            invoice__period=run.period,
            invoice__run__kind=BillRun.Kind.BILLING,
            service__partner__isnull=False,
            kind__in=[InvoiceLine.Kind.MONTHLY, InvoiceLine.Kind.ONE_TIME],
        )
        .exclude(invoice__state=Invoice.State.VOID)
        .values_list("service__partner")
        .annotate(total=Sum("amount"))
    )
    done = set(
        SettlementStatement.objects.filter(period=run.period)
        .exclude(state=Invoice.State.VOID)
        .values_list("partner_id", flat=True)
    )
    partners = [p for p in Partner.objects.order_by("pk") if p.pk not in done]
    with transaction.atomic():
        SettlementStatement.objects.bulk_create(
            SettlementStatement(
                run=run,
                partner=partner,
                period=run.period,
                revenue=revenue.get(partner.pk, Decimal("0.00")),
                rate=partner.rate,
                amount=money(revenue.get(partner.pk, Decimal("0.00")) * partner.rate),
            )
            for partner in partners
        )
        BillRun.objects.filter(pk=run.pk).update(progress_total=len(partners), progress_done=len(partners))
    apply_transition(run, "finish_invoicing", by=None, comment=_("%(n)s statements created") % {"n": len(partners)})
    return len(partners)


def bill_run_announce(*, run: BillRun) -> None:
    """B4.2/B4.3: at 00:00 on the 2nd (10th) the outcome is announced, finished or not:
    SMS to the department manager and supervisors, email to the whole IT Management team."""
    finished = run.state == BillRun.State.PUBLISHED
    subject = (_("%(run)s finished and published") if finished else _("%(run)s NOT finished by the deadline")) % {
        "run": run
    }
    body = _("State: %(state)s. Invoices: %(n)s.") % {
        "state": run.get_state_display(),
        "n": run.invoices.exclude(state=Invoice.State.VOID).count(),
    }
    sla.notify(users=_it_staff(Role.SUPERVISOR, Role.DEPT_MANAGER), subject=subject, body=body, channels=["sms"])
    team = User.objects.filter(is_active=True, department__code="it")
    sla.notify(users=team, subject=subject, body=body, channels=["inapp", "email"])


# --- arrears (B4.5) ---------------------------------------------------------------------

BACK_OFFICE_FOR_RESTRICTIONS = "nmc"


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
        ServiceWorkOrder.objects.create(
            case=case, kind=ServiceWorkOrder.Kind.RESTRICT, department=department, created_at=now
        )
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
                    ServiceWorkOrder.objects.create(
                        case=case,
                        kind=ServiceWorkOrder.Kind.RESTORE,
                        department=Department.objects.get(code=BACK_OFFICE_FOR_RESTRICTIONS),
                        created_at=now,
                    )
                    case.restricted = False
            else:
                case.amount, case.size = remaining, arrears_size(remaining)
            case.save()
        sla.audit_record(
            subject=customer, actor=by, transition="payment", comment=f"{payment.amount} {reference}".strip()
        )
    return payment


# --- services from orders (B4.1) ------------------------------------------------------------


def service_from_confirmed_order(*, order, at: datetime | None = None) -> Service | None:
    """B4.1: a confirmed provisioning order creates (or changes) its customer service with the
    product's fees and the order's level, active from the confirmation date; a confirmed
    decommission order ends the service it names. Idempotent for the same order."""
    at = at or timezone.now()
    day = timezone.localdate(at)
    business_type = order.business_type
    with transaction.atomic():
        if business_type.is_decommission:
            if order.service_id is None:
                return None
            service = Service.objects.select_for_update().get(pk=order.service_id)
            if service.state != Service.State.ENDED:
                service.state, service.ended_on = Service.State.ENDED, day
                service.save(update_fields=["state", "ended_on"])
            return service
        product = Product.objects.filter(code=business_type.code).first()
        fees = {
            "product": product.name if product else business_type.name,
            "monthly_fee": product.monthly_fee if product else Decimal("0.00"),
            "one_time_fee": product.one_time_fee if product else Decimal("0.00"),
            "level": order.level,
        }
        if order.service_id is None:
            service, _created = Service.objects.get_or_create(
                code=f"SVC-{order.number}",
                defaults={"customer_id": order.customer_id, "state": Service.State.ACTIVE, "activated_on": day, **fees},
            )
            type(order).objects.filter(pk=order.pk).update(service=service)
            order.service = service
        else:
            service = Service.objects.select_for_update().get(pk=order.service_id)
            for field, value in fees.items():
                setattr(service, field, value)
            service.save(update_fields=list(fees))
    return service
