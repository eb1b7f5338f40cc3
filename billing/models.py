"""Customers and their services (circuits), shared by orders, faults and billing (B4.1).

Orders name a customer; fault tickets name the affected service; bill runs
invoice the active services.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sla.models import Level

from . import rules


class Customer(models.Model):
    code = models.CharField(_("customer number"), max_length=30, unique=True)
    name = models.CharField(_("customer name"), max_length=200)
    is_key = models.BooleanField(_("key customer"), default=False, help_text=_("R1.21 differentiated service"))
    contact_person = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self):
        return self.name


class Product(models.Model):
    """The tariff of a business type (B4.1): ``code`` matches ``responses.BusinessType.code``."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    monthly_fee = models.DecimalField(_("monthly fee (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    one_time_fee = models.DecimalField(
        _("one-time fee (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self):
        return self.name


class Partner(models.Model):
    """An agent, content provider or channel settled monthly (B4.3) on the revenue of the services it brings."""

    class Kind(models.TextChoices):
        AGENT = "agent", _("Agent")
        CONTENT_PROVIDER = "cp", _("Content provider")
        CHANNEL = "channel", _("Channel")

    code = models.CharField(_("partner number"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    rate = models.DecimalField(_("settlement rate"), max_digits=5, decimal_places=4, help_text=_("e.g. 0.0800 for 8%"))

    class Meta:
        ordering = ["code"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")

    def __str__(self):
        return self.name


class Service(models.Model):
    """A customer service (circuit): what a provisioning order creates and a fault affects."""

    class State(models.TextChoices):
        PLANNED = "planned", _("Being provisioned")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Decommissioned")

    code = models.CharField(_("circuit number"), max_length=40, unique=True)
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="services"
    )
    product = models.CharField(_("product"), max_length=100)
    level = models.CharField(_("service level"), max_length=1, choices=Level.choices, default=Level.C)
    monthly_fee = models.DecimalField(_("monthly fee (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    one_time_fee = models.DecimalField(
        _("one-time fee (CNY)"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PLANNED)
    activated_on = models.DateField(_("activation date"), null=True, blank=True)
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), null=True, blank=True, on_delete=models.PROTECT, related_name="services"
    )

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["state", "activated_on"], name="service_state_idx")]
        verbose_name = _("customer service (circuit)")
        verbose_name_plural = _("customer services (circuits)")

    def __str__(self):
        return f"{self.code} {self.product}"


class ServiceChange(models.Model):
    """A step of a circuit's history (B4.1, issue 14 §1): activated, changed or ended by a confirmed
    order, effective on ``on`` (the confirmation day, Asia/Shanghai), with the tariff from that day
    (and, for a change, the one before it). The order is named by id and number only: billing does
    not import responses."""

    class Kind(models.TextChoices):
        ACTIVATED = "activated", _("Activated")
        CHANGED = "changed", pgettext_lazy("circuit history", "Changed")
        ENDED = "ended", _("Ended")

    service = models.ForeignKey(Service, verbose_name=_("circuit"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    on = models.DateField(_("effective day"))
    order_id = models.PositiveBigIntegerField(_("order id"), null=True, blank=True)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    product = models.CharField(_("product"), max_length=100)
    monthly_fee = models.DecimalField(_("monthly fee (CNY)"), max_digits=12, decimal_places=2)
    level = models.CharField(_("service level"), max_length=1, choices=Level.choices)
    # What the circuit was billed before a change (the invoice of the month prorates between the two).
    previous_product = models.CharField(_("previous product"), max_length=100, blank=True)
    previous_monthly_fee = models.DecimalField(
        _("previous monthly fee (CNY)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["service_id", "on", "id"]
        indexes = [models.Index(fields=["on", "service"], name="service_change_on_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "order_id", "kind"],
                condition=Q(order_id__isnull=False),
                name="service_change_once_per_order",
            )
        ]
        verbose_name = _("circuit history entry")
        verbose_name_plural = _("circuit history entries")

    def __str__(self):
        return f"{self.service_id} {self.kind} {self.on}"


class BillRun(ConcurrentTransitionMixin, models.Model):
    """A monthly bill run (出账, B4.2) or settlement run (结算, B4.3) for a natural month.

    scheduled → checking (a signed checklist: 出账检查报告) → preprocessing → verifying (by a
    second person, never the operator) → invoicing (Celery, in chunks) → reviewing (supervisor)
    → published. The supervisor may challenge (back to checking); before publication the run
    may be rolled back (its invoices voided) and run again.
    """

    class Kind(models.TextChoices):
        BILLING = "billing", _("Bill run")
        SETTLEMENT = "settlement", _("Settlement run")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CHECKING = "checking", _("Data check")
        PREPROCESSING = "preprocessing", _("Pre-processing")
        VERIFYING = "verifying", _("Verification")
        INVOICING = "invoicing", _("Invoicing")
        REVIEWING = "reviewing", _("Supervisor review")
        PUBLISHED = "published", _("Published")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.BILLING)
    period = models.DateField(_("billing month"), help_text=_("The first day of the month billed"))
    state = FSMField(_("state"), default=State.SCHEDULED, choices=State.choices, protected=True)
    attempt = models.PositiveSmallIntegerField(_("attempt"), default=1)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    checklist = models.JSONField(_("check report"), default=list, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("checked by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    checked_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("verified by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period", "kind"]
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="bill_run_once_per_month")]
        verbose_name = _("bill run")
        verbose_name_plural = _("bill runs")

    def __str__(self):
        return f"{self.get_kind_display()} {self.period:%Y-%m}"

    # Transitions change the state in memory; billing.services runs them (sla.workflow).
    @transition(field=state, source=State.SCHEDULED, target=State.CHECKING, permission=rules.is_it_operator)
    def start_check(self, *, actor):
        self.operator = actor

    @transition(field=state, source=State.CHECKING, target=State.PREPROCESSING, permission=rules.is_it_operator)
    def sign_check(self, *, actor, checklist, at):
        self.checklist, self.checked_by, self.checked_at = checklist, actor, at

    @transition(field=state, source=State.PREPROCESSING, target=State.VERIFYING, permission=rules.is_it_operator)
    def finish_preprocessing(self):
        pass

    @transition(field=state, source=State.VERIFYING, target=State.INVOICING, permission=rules.may_verify)
    def verify(self, *, actor):
        self.verified_by = actor

    @transition(field=state, source=State.INVOICING, target=State.REVIEWING)
    def finish_invoicing(self):
        pass

    @transition(field=state, source=State.REVIEWING, target=State.PUBLISHED, permission=rules.is_it_supervisor)
    def publish(self, *, actor, at):
        self.reviewed_by, self.published_at = actor, at

    @transition(field=state, source=State.REVIEWING, target=State.CHECKING, permission=rules.is_it_supervisor)
    def challenge(self, *, actor):
        self.reviewed_by = actor

    @transition(
        field=state,
        source=[State.CHECKING, State.PREPROCESSING, State.VERIFYING, State.INVOICING, State.REVIEWING],
        target=State.SCHEDULED,
        permission=rules.may_roll_back,
    )
    def roll_back(self):
        self.attempt += 1
        self.checklist, self.checked_by, self.checked_at, self.verified_by = [], None, None, None
        self.progress_done = self.progress_total = 0


class Invoice(models.Model):
    """A customer's invoice for one month (B4.4). One live invoice per customer and month:
    a re-run never bills twice. A published invoice never changes (also refused by a
    PostgreSQL trigger); corrections go on the next invoice as adjustment lines."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        VOID = "void", _("Void")

    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="invoices")
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="invoices"
    )
    period = models.DateField(_("billing month"))
    number = models.CharField(_("invoice number"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    total = models.DecimalField(_("total (CNY)"), max_digits=14, decimal_places=2)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["period", "customer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "period"], condition=~Q(state="void"), name="invoice_once_per_customer_month"
            ),
            models.UniqueConstraint(fields=["number"], name="invoice_number_unique"),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self):
        return self.number


class InvoiceLine(models.Model):
    class Kind(models.TextChoices):
        MONTHLY = "monthly", _("Monthly fee")
        ONE_TIME = "one_time", _("One-time fee")
        SLA_CREDIT = "sla_credit", _("SLA credit")
        ADJUSTMENT = "adjustment", _("Adjustment")

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=200)
    days = models.PositiveSmallIntegerField(_("active days"), null=True, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["invoice_id", "id"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self):
        return f"{self.description} {self.amount}"


class Adjustment(ConcurrentTransitionMixin, models.Model):
    """A correction of a published invoice, carried onto the customer's next invoice (B4.4).

    Four eyes (issue 14 §3): requested by an IT operator or billing clerk, then approved or
    rejected by another (``rules.may_decide_adjustment``); only an approved one is invoiced.
    ``amount`` is signed: a credit is negative, a debit positive (the invoice line's amount).
    """

    class Kind(models.TextChoices):
        CREDIT = "credit", _("Credit")
        DEBIT = "debit", _("Debit")

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="adjustments"
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.CREDIT)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    reason = models.CharField(_("reason"), max_length=200)
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="adjustments/%Y/%m/", blank=True)
    corrects = models.ForeignKey(
        Invoice, verbose_name=_("corrects invoice"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    applied_to = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = FSMField(_("state"), default=State.REQUESTED, choices=State.choices, protected=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), null=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")

    def __str__(self):
        return f"{self.customer_id} {self.amount} {self.reason}"

    # billing.services.adjustments runs these (sla.workflow.apply_transition).
    @transition(field=state, source=State.REQUESTED, target=State.APPROVED, permission=rules.may_decide_adjustment)
    def approve(self, *, actor, at):
        self.decided_by, self.decided_at = actor, at

    @transition(field=state, source=State.REQUESTED, target=State.REJECTED, permission=rules.may_decide_adjustment)
    def reject(self, *, actor, at):
        self.decided_by, self.decided_at = actor, at


class Payment(models.Model):
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="payments"
    )
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"))
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-paid_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self):
        return f"{self.customer_id} {self.amount}"


class ArrearsCase(models.Model):
    """A customer's overdue balance (B4.5): small → SMS/phone dunning; large → restricted service."""

    class Size(models.TextChoices):
        SMALL = "small", _("Small arrears")
        LARGE = "large", _("Large arrears")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLEARED = "cleared", _("Cleared")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="arrears")
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    amount = models.DecimalField(_("overdue amount (CNY)"), max_digits=14, decimal_places=2)
    size = models.CharField(_("class"), max_length=6, choices=Size.choices)
    opened_at = models.DateTimeField(_("opened at"))
    last_reminder_at = models.DateTimeField(_("last reminder"), null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("reminders sent"), default=0)
    restricted = models.BooleanField(_("service restricted"), default=False)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)

    class Meta:
        ordering = ["-amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=Q(state="open"), name="one_open_arrears_per_customer"
            )
        ]
        verbose_name = _("arrears case")
        verbose_name_plural = _("arrears cases")

    def __str__(self):
        return f"{self.customer} {self.amount}"


class ServiceWorkOrder(ConcurrentTransitionMixin, models.Model):
    """A work order to the back office (网络监控中心) to restrict or restore a customer's services (B4.5).

    open → accepted → done; an open or accepted order is cancelled when it no longer applies (a
    restriction the customer paid before it was done). Its deadline (``billing.services.work_orders``)
    is met by "done".
    """

    class Kind(models.TextChoices):
        RESTRICT = "restrict", _("Restrict / downgrade service")
        RESTORE = "restore", _("Restore service")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("work order", "Open")
        ACCEPTED = "accepted", _("Accepted")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(ArrearsCase, on_delete=models.PROTECT, related_name="work_orders")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey("org.Department", verbose_name=_("department"), on_delete=models.PROTECT)
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True)
    created_at = models.DateTimeField(_("created at"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("accepted by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )  # fmt: skip
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["department", "state"], name="work_order_queue_idx")]
        verbose_name = _("service work order")
        verbose_name_plural = _("service work orders")

    def __str__(self):
        return f"{self.get_kind_display()} {self.case.customer}"

    # Transitions change the state in memory; billing.services.work_orders runs them (sla.workflow).
    @transition(field=state, source=State.OPEN, target=State.ACCEPTED, permission=rules.may_work_on)
    def accept(self, *, actor, at):
        self.accepted_by, self.accepted_at = actor, at

    @transition(field=state, source=State.ACCEPTED, target=State.DONE, permission=rules.may_work_on)
    def done(self, *, actor, at):
        self.done_by, self.done_at = actor, at

    @transition(field=state, source=[State.OPEN, State.ACCEPTED], target=State.CANCELLED)
    def cancel(self):
        pass


class SettlementStatement(models.Model):
    """A partner's settlement for one month (B4.3): its services' invoiced revenue × its rate."""

    run = models.ForeignKey(BillRun, on_delete=models.PROTECT, related_name="statements")
    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="statements")
    period = models.DateField(_("billing month"))
    revenue = models.DecimalField(_("revenue (CNY)"), max_digits=14, decimal_places=2)
    rate = models.DecimalField(_("settlement rate"), max_digits=5, decimal_places=4)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    state = models.CharField(_("state"), max_length=10, choices=Invoice.State.choices, default=Invoice.State.DRAFT)

    class Meta:
        ordering = ["period", "partner_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "period"], condition=~Q(state="void"), name="statement_once_per_partner_month"
            )
        ]
        verbose_name = _("settlement statement")
        verbose_name_plural = _("settlement statements")

    def __str__(self):
        return f"{self.partner} {self.period:%Y-%m} {self.amount}"
