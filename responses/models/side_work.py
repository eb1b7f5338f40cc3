"""The work beside an order: special orders (R1.10), phone dispatches (R1.11), work contact orders
(R1.13), equipment needs (R1.14), expansion requests (R1.15), the recovery ledger (R1.16) and build
decisions (R1.18)."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .. import rules
from .orders import Order, WorkStep


class SpecialOrder(ConcurrentTransitionMixin, models.Model):
    """Special-order request for an obstruction (特殊定单, R1.10)."""

    class State(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("responses", "Requested")
        APPROVED = "approved", pgettext_lazy("responses", "Approved (clock paused)")
        REJECTED = "rejected", pgettext_lazy("responses", "Rejected")
        CLOSED = "closed", pgettext_lazy("responses", "Closed (clock resumed)")

    step = models.ForeignKey(WorkStep, on_delete=models.CASCADE, related_name="special_orders")
    reason = models.TextField(_("obstruction"))
    state = FSMField(_("state"), default=State.REQUESTED, choices=State.choices, protected=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    OPEN_STATES = (State.REQUESTED, State.APPROVED)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("special order")
        verbose_name_plural = _("special orders")
        constraints = [
            # Issue 11: one open (requested or approved) special order per step (R1.10).
            models.UniqueConstraint(
                fields=["step"],
                condition=models.Q(state__in=["requested", "approved"]),
                name="special_one_open_per_step",
            )
        ]

    def __str__(self):
        return f"SO-{self.pk} {self.step}"

    @transition(field=state, source=State.REQUESTED, target=State.APPROVED, permission=rules.is_dispatcher)
    def approve(self, *, at):
        self.decided_at = at

    @transition(field=state, source=State.REQUESTED, target=State.REJECTED, permission=rules.is_dispatcher)
    def reject(self, *, at):
        self.decided_at = at

    @transition(field=state, source=State.APPROVED, target=State.CLOSED, permission=rules.is_dispatcher)
    def close(self, *, at):
        self.closed_at = at


class PhoneDispatch(models.Model):
    """A night / rest-day dispatch by phone (R1.11); backfilled into an order."""

    department = models.ForeignKey(
        "org.Department", verbose_name=_("calling department"), on_delete=models.PROTECT, related_name="+"
    )
    phoned_at = models.DateTimeField(_("phone time"))
    caller = models.CharField(_("caller"), max_length=60)
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    order = models.OneToOneField(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="phone_dispatch")

    class Meta:
        ordering = ["-phoned_at"]
        verbose_name = _("phone dispatch")
        verbose_name_plural = _("phone dispatches")

    def __str__(self):
        return f"{self.phoned_at:%Y-%m-%d %H:%M} {self.caller}"


class ContactOrder(ConcurrentTransitionMixin, models.Model):
    """Work contact order (工作联系单, R1.13): no level; due at the requested feedback time."""

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("responses", "Awaiting feedback")
        ANSWERED = "answered", pgettext_lazy("responses", "Answered")
        CANCELLED = "cancelled", pgettext_lazy("responses", "Cancelled")

    from_department = models.ForeignKey(
        "org.Department", verbose_name=_("from department"), on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", verbose_name=_("to department"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"))
    feedback_due_at = models.DateTimeField(_("requested feedback time"))
    reply = models.TextField(_("reply"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["feedback_due_at", "id"]
        verbose_name = _("work contact order")
        verbose_name_plural = _("work contact orders")

    def __str__(self):
        return self.subject

    @property
    def is_late(self) -> bool:
        if self.state == self.State.CANCELLED:
            return False
        end = self.answered_at or timezone.now()
        return end > self.feedback_due_at

    @transition(field=state, source=State.OPEN, target=State.ANSWERED, permission=rules.is_member_of_target)
    def answer(self, *, reply, at):
        self.reply, self.answered_at = reply, at

    @transition(field=state, source=State.OPEN, target=State.CANCELLED, permission=rules.is_member_of_sender)
    def cancel(self):
        pass


class EquipmentNeed(models.Model):
    """Equipment an order needs (R1.14)."""

    class Item(models.TextChoices):
        SFP = "sfp", pgettext_lazy("responses", "Small optical transceiver")
        MODEM = "modem", pgettext_lazy("responses", "Optical modem")
        SWITCH = "switch", pgettext_lazy("responses", "Switch")
        CONVERTER = "converter", pgettext_lazy("responses", "Protocol converter")
        OTHER = "other", pgettext_lazy("responses", "Other")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="equipment_needs")
    item = models.CharField(_("item"), max_length=20, choices=Item.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    note = models.CharField(_("model / specification"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent to 网络建设部 at"), null=True, blank=True)
    report = models.ForeignKey(
        "EquipmentReport",
        verbose_name=_("sent in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    # R1.14: 网络建设部 records when the purchased equipment was handed over (late: its overtime).
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("equipment need")
        verbose_name_plural = _("equipment needs")

    def __str__(self):
        return f"{self.get_item_display()} × {self.quantity}"


class EquipmentReport(models.Model):
    """A half-monthly (or immediate, for an emergency) equipment total sent to 网络建设部 (R1.14); or
    增值业务中心's purchase list of a system-integration order."""

    class Kind(models.TextChoices):
        HALF_MONTH = "half_month", pgettext_lazy("responses", "Half-monthly totals")
        EMERGENCY = "emergency", pgettext_lazy("responses", "Emergency order")
        PURCHASE_LIST = "purchase_list", pgettext_lazy("responses", "Purchase list (system integration)")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.HALF_MONTH)
    from_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("to"))
    emergency_order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    totals = models.JSONField(_("totals"), default=dict)
    sent_to = models.ForeignKey("org.Department", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("equipment report")
        verbose_name_plural = _("equipment reports")

    def __str__(self):
        return f"{self.period_start:%Y-%m-%d}–{self.period_end:%Y-%m-%d}"


class ExpansionRequest(ConcurrentTransitionMixin, models.Model):
    """Expansion request from 网络监控中心 to 网络管理部 when it cannot allocate (R1.15)."""

    class State(models.TextChoices):
        RAISED = "raised", pgettext_lazy("responses", "Raised")
        PLANNED = "planned", pgettext_lazy("responses", "Planned by 网络管理部")
        FILED = "filed", pgettext_lazy("responses", "Filed with the Center")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="expansion_requests")
    reason = models.TextField(_("why it cannot be allocated"))
    plan = models.TextField(_("plan"), blank=True)
    state = FSMField(_("state"), default=State.RAISED, choices=State.choices, protected=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("expansion request")
        verbose_name_plural = _("expansion requests")

    def __str__(self):
        return f"EXP-{self.pk} {self.order}"

    @transition(field=state, source=State.RAISED, target=State.PLANNED)
    def plan_it(self, *, plan):
        self.plan = plan

    @transition(field=state, source=State.PLANNED, target=State.FILED)
    def file(self):
        pass


class RecoveryEntry(models.Model):
    """Recovery ledger of a decommission (R1.16); checked quarterly by the Center."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="recovered")
    recovered_at = models.DateTimeField(_("time"))
    person = models.CharField(_("person"), max_length=60)
    equipment_name = models.CharField(_("equipment name"), max_length=100)
    model = models.CharField(_("model"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    condition = models.CharField(_("condition"), max_length=100)
    intended_use = models.CharField(_("intended use"), max_length=200)
    checked_at = models.DateTimeField(_("checked by the Center at"), null=True, blank=True)

    class Meta:
        ordering = ["recovered_at"]
        verbose_name = _("recovery ledger entry")
        verbose_name_plural = _("recovery ledger")

    def __str__(self):
        return f"{self.equipment_name} {self.model} × {self.quantity}"


class BuildDecision(ConcurrentTransitionMixin, models.Model):
    """LAN-community or DSLAM move-down build needing a business decision (R1.18)."""

    class Kind(models.TextChoices):
        LAN = "lan", pgettext_lazy("responses", "New LAN community")
        DSLAM = "dslam", pgettext_lazy("responses", "DSLAM move-down")

    class State(models.TextChoices):
        RAISED = "raised", pgettext_lazy("responses", "Raised")
        ESTIMATED = "estimated", pgettext_lazy("responses", "Cost estimated")
        APPROVED = "approved", pgettext_lazy("responses", "Approved")
        REJECTED = "rejected", pgettext_lazy("responses", "Rejected")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    site = models.CharField(_("site"), max_length=200)
    expected_demand = models.PositiveIntegerField(_("expected demand"))
    buildings = models.PositiveIntegerField(_("buildings"))
    competition = models.TextField(_("competition"))
    cost_estimate = models.DecimalField(_("cost estimate (CNY)"), max_digits=14, decimal_places=2, null=True)
    state = FSMField(_("state"), default=State.RAISED, choices=State.choices, protected=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("build decision")
        verbose_name_plural = _("build decisions")

    def __str__(self):
        return f"{self.get_kind_display()} {self.site}"

    @transition(
        field=state,
        source=State.RAISED,
        target=State.ESTIMATED,
        permission=rules.may_estimate_build,
    )
    def estimate(self, *, cost):
        self.cost_estimate = cost

    @transition(
        field=state,
        source=State.ESTIMATED,
        target=State.APPROVED,
        permission=rules.may_decide_build,
    )
    def approve(self, *, actor):
        self.decided_by = actor

    @transition(
        field=state,
        source=State.ESTIMATED,
        target=State.REJECTED,
        permission=rules.may_decide_build,
    )
    def reject(self, *, actor):
        self.decided_by = actor
