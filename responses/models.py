"""Business-response orders (SPEC §1).

Workflows (django-fsm, protected state fields, optimistic concurrency):

* ``Order``: draft → submitted (→ awaiting sign-off for A) → accepted → in progress → completed →
  confirmed / auto-confirmed → archived; returned for clarification; cancelled.
* ``WorkStep``: pending → dispatched → accepted (⇄ paused by a special order) → done → returned.
* ``SpecialOrder`` (R1.10), ``Requisition`` (R1.7), ``ContactOrder`` (R1.13), ``ExpansionRequest``
  (R1.15), ``BuildDecision`` (R1.18), ``PhoneDispatch`` (R1.11).

Transitions only change state in memory; ``responses.services`` runs them through
``sla.workflow.apply_transition`` (row lock, permission, audit entry).
"""

from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from org.roles import Dept
from sla.models import Level

from . import rules

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip"]


class BusinessType(models.Model):
    """The catalogue of business types (R1.1, R1.21)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    is_key = models.BooleanField(_("key business"), default=False)
    needs_attachment = models.BooleanField(_("needs an attachment"), default=False, help_text=_("Complex types"))
    needs_agreement = models.BooleanField(_("needs the signed agreement"), default=False)
    is_expansion = models.BooleanField(_("capacity expansion"), default=False)
    is_residential_wiring = models.BooleanField(_("residential wiring"), default=False)
    is_decommission = models.BooleanField(_("decommission"), default=False)
    is_system_integration = models.BooleanField(_("system integration"), default=False)
    # R1.20: a fibre lease (光纤出租 …): 线路维护中心 keeps a fibre test report.
    is_fibre_lease = models.BooleanField(_("fibre lease"), default=False, db_default=False)
    # R1.1 / seed §三.4: a switching/transmission interconnection need hands in the interconnection notice.
    needs_interconnection_notice = models.BooleanField(
        _("needs the interconnection notice"), default=False, db_default=False
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("business type")
        verbose_name_plural = _("business types")

    def __str__(self):
        return self.name


class KeyArea(models.Model):
    """A key area (R1.21): an order whose location contains the name is flagged."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    CACHE_KEY = "responses:key-area-names"

    class Meta:
        ordering = ["name"]
        verbose_name = _("key area")
        verbose_name_plural = _("key areas")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        return result

    @classmethod
    def names(cls) -> list[str]:
        """Every key area's name; read on each order submission, so cached for a minute (a change in
        the admin clears this process's copy at once; other processes see it within the minute)."""
        names = cache.get(cls.CACHE_KEY)
        if names is None:
            names = list(cls.objects.values_list("name", flat=True))
            cache.set(cls.CACHE_KEY, names, 60)
        return names


class Requisition(ConcurrentTransitionMixin, models.Model):
    """Resource-confirmation requisition (需求单, R1.7): at most 3 days."""

    class State(models.TextChoices):
        RAISED = "raised", pgettext_lazy("responses", "Raised")
        DISPATCHED = "dispatched", pgettext_lazy("responses", "Dispatched to a department")
        CONFIRMED = "confirmed", pgettext_lazy("responses", "Resources confirmed")
        NO_RESOURCES = "no_resources", pgettext_lazy("responses", "No resources")

    class ResourceType(models.TextChoices):
        LINE = "line", pgettext_lazy("responses", "Lines and ducts")
        PORT = "port", pgettext_lazy("responses", "Transmission / switching / data / power ports")
        WIRELESS = "wireless", pgettext_lazy("responses", "Wireless")

    # R1.7: dispatch by resource type.
    DEPARTMENT_OF = {ResourceType.LINE: Dept.LINE, ResourceType.PORT: Dept.NMC, ResourceType.WIRELESS: Dept.WIRELESS}

    front_department = models.ForeignKey(
        "org.Department", verbose_name=_("front department"), on_delete=models.PROTECT, related_name="+"
    )
    customer = models.ForeignKey("billing.Customer", verbose_name=_("customer"), on_delete=models.PROTECT)
    resource_type = models.CharField(_("resource type"), max_length=10, choices=ResourceType.choices)
    description = models.TextField(_("description"))
    assigned_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("assigned department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    on_site = models.BooleanField(_("confirmed on site"), default=False)
    answer = models.TextField(_("answer"), blank=True)
    state = FSMField(_("state"), default=State.RAISED, choices=State.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("resource-confirmation requisition")
        verbose_name_plural = _("resource-confirmation requisitions")

    def __str__(self):
        return f"REQ-{self.pk} {self.customer}"

    @transition(field=state, source=State.RAISED, target=State.DISPATCHED, permission=rules.is_dispatcher)
    def dispatch(self, *, department):
        self.assigned_department = department

    @transition(
        field=state,
        source=[State.RAISED, State.DISPATCHED],
        target=State.CONFIRMED,
        permission=rules.dispatcher_or_assigned,
    )
    def confirm(self, *, answer="", on_site=False):
        self.answer, self.on_site = answer, on_site

    @transition(
        field=state,
        source=[State.RAISED, State.DISPATCHED],
        target=State.NO_RESOURCES,
        permission=rules.dispatcher_or_assigned,
    )
    def refuse(self, *, answer=""):
        self.answer = answer


class Order(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("responses", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("responses", "Submitted")
        AWAITING_SIGNOFF = "awaiting_signoff", pgettext_lazy("responses", "Awaiting sign-off")
        ACCEPTED = "accepted", pgettext_lazy("responses", "Accepted by the Center")
        IN_PROGRESS = "in_progress", pgettext_lazy("responses", "In progress")
        COMPLETED = "completed", pgettext_lazy("responses", "Completed")
        CONFIRMED = "confirmed", pgettext_lazy("responses", "Confirmed")
        AUTO_CONFIRMED = "auto_confirmed", pgettext_lazy("responses", "Confirmed automatically")
        ARCHIVED = "archived", pgettext_lazy("responses", "Archived")
        RETURNED = "returned", pgettext_lazy("responses", "Returned for clarification")
        CANCELLED = "cancelled", pgettext_lazy("responses", "Cancelled")

    OPEN_STATES = (State.SUBMITTED, State.AWAITING_SIGNOFF, State.ACCEPTED, State.IN_PROGRESS)

    number = models.CharField(_("order number"), max_length=30, unique=True, null=True, blank=True)
    front_department = models.ForeignKey(
        "org.Department", verbose_name=_("front department"), on_delete=models.PROTECT, related_name="orders"
    )
    customer = models.ForeignKey("billing.Customer", verbose_name=_("customer"), on_delete=models.PROTECT)
    business_type = models.ForeignKey(BusinessType, verbose_name=_("business type"), on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    interface_requirements = models.CharField(_("circuit interface requirements"), max_length=200, blank=True)
    level = models.CharField(_("service level"), max_length=1, choices=Level.choices[:3], default=Level.C)
    location = models.CharField(_("customer location"), max_length=200)
    contact_person = models.CharField(_("contact person"), max_length=60)
    contact_phone = models.CharField(_("contact phone"), max_length=30)
    requested_completion_at = models.DateTimeField(_("requested completion time"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    agreement_ref = models.CharField(
        _("agreement reference"), max_length=100, blank=True, help_text=_("Signed agreement or one-stop system number")
    )
    # R1.1 / seed §三.5: what the signed agreement states (checked by the front department).
    agreement_states_ownership = models.BooleanField(
        _("agreement states equipment and line ownership"), default=False, db_default=False
    )
    agreement_states_interface = models.BooleanField(
        _("agreement states the customer-side interface"), default=False, db_default=False
    )
    agreement_states_usage = models.BooleanField(_("agreement states the usage"), default=False, db_default=False)
    agreement_states_fees = models.BooleanField(
        _("agreement states the fee settlement"), default=False, db_default=False
    )
    agreement_states_after_sales = models.BooleanField(
        _("agreement states the after-sales terms"), default=False, db_default=False
    )
    agreement_states_term = models.BooleanField(_("agreement states its term"), default=False, db_default=False)
    # R1.1 / seed §三.4: the interconnection notice, two copies (the Center's, the works department's).
    interconnection_notice = models.BooleanField(
        _("interconnection notice handed in (two copies)"), default=False, db_default=False
    )
    fill_rate = models.DecimalField(
        _("current fill rate (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    quantity_to_add = models.PositiveIntegerField(_("quantity to add"), null=True, blank=True)
    is_important = models.BooleanField(_("important order"), default=False)
    is_emergency = models.BooleanField(_("emergency"), default=False)
    is_restricted_site = models.BooleanField(_("restricted site (bank, police…)"), default=False)
    worker_names = models.TextField(_("names of the workers sent"), blank=True)
    worker_names_sent_at = models.DateTimeField(_("worker names sent at"), null=True, blank=True)
    requisition = models.ForeignKey(
        Requisition, verbose_name=_("prior requisition"), null=True, blank=True, on_delete=models.SET_NULL
    )
    no_resources = models.BooleanField(_("no resources, new build"), default=False)
    phoned_at = models.DateTimeField(_("phone dispatch time"), null=True, blank=True)
    # R1.21 flags, copied at submission so queues can sort on them.
    is_key_customer = models.BooleanField(_("key customer"), default=False)
    is_key_business = models.BooleanField(_("key business"), default=False)
    is_key_area = models.BooleanField(_("key area"), default=False)
    key_rank = models.PositiveSmallIntegerField(_("key flags"), default=0, db_index=True)

    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True, db_index=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    clarification = models.TextField(_("clarification requested"), blank=True)
    mediation_notes = models.TextField(_("mediation notes"), blank=True)
    # R1.4/R1.5/R1.7: the level the order is assessed on, and why it differs from the served level.
    assessed_level = models.CharField(_("assessed level"), max_length=1, choices=Level.choices[:3], blank=True)
    assessment_reason = models.CharField(_("why assessed differently"), max_length=200, blank=True)
    over_quota = models.BooleanField(_("over quota"), default=False)
    quota_decided = models.BooleanField(_("quota decided at month close"), default=False)
    responsible_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("responsible for delay"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # R1.17: the circuit the order opened and when it was first used.
    service = models.ForeignKey("billing.Service", null=True, blank=True, on_delete=models.SET_NULL)
    circuit_first_used_on = models.DateField(_("circuit first used on"), null=True, blank=True)

    class Meta:
        ordering = ["-key_rank", "due_at", "id"]
        indexes = [
            # Lists: key orders first, then by time left (R1.21), per department or for everyone.
            models.Index(fields=["front_department", "-key_rank", "due_at", "id"], name="order_dept_list_idx"),
            models.Index(
                fields=["front_department", "state", "-key_rank", "due_at", "id"], name="order_dept_state_list_idx"
            ),
            models.Index(fields=["-key_rank", "due_at", "id"], name="order_list_idx"),
            models.Index(fields=["state", "level", "due_at"], name="order_state_level_idx"),
            # Open orders (the working lists, "overdue"): small partial indexes in list order.
            models.Index(
                fields=["-key_rank", "due_at", "id"],
                name="order_open_list_idx",
                condition=models.Q(state__in=["submitted", "awaiting_signoff", "accepted", "in_progress"]),
            ),
            models.Index(
                fields=["front_department", "-key_rank", "due_at", "id"],
                name="order_open_dept_idx",
                condition=models.Q(state__in=["submitted", "awaiting_signoff", "accepted", "in_progress"]),
            ),
        ]
        verbose_name = _("business-response order")
        verbose_name_plural = _("business-response orders")

    def __str__(self):
        return self.number or f"#{self.pk}"

    def get_absolute_url(self):
        return reverse("responses:detail", args=[self.pk])

    @property
    def is_key(self) -> bool:
        return bool(self.key_rank)

    @property
    def effective_assessed_level(self) -> str:
        return self.assessed_level or self.level

    # --- transitions ---------------------------------------------------------
    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.SUBMITTED,
        permission=rules.is_front_admin_of_order,
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED],
        target=State.AWAITING_SIGNOFF,
        permission=rules.is_front_admin_of_order,
    )
    def submit_for_signoff(self):
        pass

    @transition(field=state, source=State.AWAITING_SIGNOFF, target=State.SUBMITTED, permission=rules.is_leader_of_order)
    def sign(self, *, actor, at):
        self.signed_by, self.signed_at = actor, at

    @transition(
        field=state,
        source=[State.SUBMITTED, State.AWAITING_SIGNOFF],
        target=State.ACCEPTED,
        permission=rules.is_dispatcher,
    )
    def accept(self, *, at):
        self.accepted_at = at

    @transition(
        field=state,
        source=[State.SUBMITTED, State.AWAITING_SIGNOFF, State.ACCEPTED],
        target=State.RETURNED,
        permission=rules.is_dispatcher,
    )
    def return_for_clarification(self, *, reason):
        self.clarification = reason

    @transition(field=state, source=State.ACCEPTED, target=State.IN_PROGRESS, permission=rules.is_dispatcher)
    def dispatch(self):
        pass

    @transition(field=state, source=State.IN_PROGRESS, target=State.COMPLETED)
    def complete(self, *, at):
        self.completed_at = at

    @transition(field=state, source=State.COMPLETED, target=State.CONFIRMED, permission=rules.is_front_admin_of_order)
    def confirm(self, *, at):
        self.confirmed_at = at

    @transition(field=state, source=State.COMPLETED, target=State.AUTO_CONFIRMED)
    def auto_confirm(self, *, at):
        self.confirmed_at = at

    @transition(
        field=state,
        source=[State.CONFIRMED, State.AUTO_CONFIRMED],
        target=State.ARCHIVED,
        permission=rules.is_dispatcher,
    )
    def archive(self):
        pass

    @transition(
        field=state,
        source=[State.DRAFT, State.RETURNED, State.SUBMITTED, State.AWAITING_SIGNOFF],
        target=State.CANCELLED,
        permission=rules.is_front_admin_of_order,
    )
    def cancel(self):
        pass


class Attachment(models.Model):
    """A file on an order (R1.1 complex types, R1.20 hand-over evidence)."""

    class Kind(models.TextChoices):
        GENERAL = "general", pgettext_lazy("responses", "General")
        AGREEMENT = "agreement", pgettext_lazy("responses", "Signed agreement")
        CIRCUIT_TEST = "circuit_test", pgettext_lazy("responses", "Circuit test report")
        CUSTOMER_SIGNOFF = "customer_signoff", pgettext_lazy("responses", "Completion sign-off by the customer")
        FIBRE_TEST = "fibre_test", pgettext_lazy("responses", "Fibre test report")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    file = models.FileField(
        _("file"), upload_to="orders/%Y/%m/", validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)]
    )
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name

    def clean(self):
        if self.file and self.file.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError({"file": _("The file is larger than 10 MB.")})


class WorkStep(ConcurrentTransitionMixin, models.Model):
    """One ordered work step (工序) of an order, done by one back-office department (R1.8)."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("responses", "Pending dispatch")
        DISPATCHED = "dispatched", pgettext_lazy("responses", "Dispatched")
        ACCEPTED = "accepted", pgettext_lazy("responses", "Accepted")
        PAUSED = "paused", pgettext_lazy("responses", "Paused (clock stopped)")
        DONE = "done", pgettext_lazy("responses", "Done, to be returned")
        RETURNED = "returned", pgettext_lazy("responses", "Returned")
        CANCELLED = "cancelled", pgettext_lazy("responses", "Cancelled")

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="order_steps"
    )
    title = models.CharField(_("work"), max_length=200)
    # R1.21: the order's key flags, copied so the queue sorts on one table.
    key_rank = models.PositiveSmallIntegerField(_("key flags"), default=0)
    state = FSMField(_("state"), default=State.PENDING, choices=State.choices, protected=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True, db_index=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("actual completion time"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    unfinished = models.BooleanField(_("returned unfinished"), default=False)
    obstruction = models.BooleanField(_("returned for obstruction"), default=False)
    overtime = models.BooleanField(_("overtime"), default=False)
    overtime_reason = models.CharField(_("overtime reason"), max_length=200, blank=True)
    # R1.4/R1.5/R1.7: the due time of the order's assessed level (null: assessed as served) and the return
    # judged against it; the monthly report counts on these, the served figures are shown beside them.
    assessed_due_at = models.DateTimeField(_("assessed due at"), null=True, blank=True)
    assessed_overtime = models.BooleanField(_("overtime on the assessed limit"), default=False)
    # R1.14: overtime caused by late equipment procurement is 网络建设部's (null: the step's department's).
    overtime_charged_to = models.ForeignKey(
        "org.Department",
        verbose_name=_("overtime charged to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["order_id", "position"]
        constraints = [models.UniqueConstraint(fields=["order", "position"], name="step_unique_position")]
        indexes = [
            models.Index(fields=["department", "state", "due_at"], name="step_queue_idx"),
            # The back-office queue: open steps of a department, key orders first, then by time left.
            models.Index(
                fields=["department", "-key_rank", "due_at", "id"],
                name="step_open_queue_idx",
                condition=models.Q(state__in=["dispatched", "accepted", "paused", "done"]),
            ),
            models.Index(fields=["order", "department"], name="step_order_dept_idx"),
        ]
        verbose_name = _("work step")
        verbose_name_plural = _("work steps")

    def __str__(self):
        return f"{self.order} / {self.position}. {self.title}"

    @transition(field=state, source=State.PENDING, target=State.DISPATCHED, permission=rules.is_dispatcher)
    def dispatch(self, *, at, due_at):
        self.dispatched_at, self.due_at = at, due_at

    @transition(field=state, source=State.DISPATCHED, target=State.ACCEPTED, permission=rules.is_member_of_step)
    def accept(self, *, actor, at):
        self.accepted_by, self.accepted_at = actor, at

    @transition(field=state, source=State.ACCEPTED, target=State.PAUSED)
    def pause(self):
        pass

    @transition(field=state, source=State.PAUSED, target=State.ACCEPTED)
    def resume(self):
        pass

    @transition(
        field=state, source=[State.ACCEPTED, State.PAUSED], target=State.DONE, permission=rules.is_member_of_step
    )
    def finish(self, *, at):
        self.finished_at = at

    @transition(
        field=state,
        source=[State.ACCEPTED, State.PAUSED, State.DONE],
        target=State.RETURNED,
        permission=rules.is_member_of_step,
    )
    def return_(self, *, at, finished_at, unfinished, obstruction, overtime, overtime_reason, note, assessed_overtime):
        self.returned_at, self.finished_at = at, finished_at
        self.unfinished, self.obstruction, self.comment = unfinished, obstruction, note
        self.overtime, self.overtime_reason = overtime, overtime_reason
        self.assessed_overtime = assessed_overtime

    @transition(field=state, source=[State.PENDING, State.DISPATCHED], target=State.CANCELLED)
    def cancel(self):
        pass


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


class MonthReport(models.Model):
    """The frozen monthly response report (月响应通报, R1.22) of a closed month.

    Written at month close (``responses.handlers.freeze_month_report``, after the quota decision);
    re-closing a month replaces it. Decimals are kept as strings in ``data``."""

    month = models.DateField(_("month"), unique=True)
    data = models.JSONField(_("figures"), default=dict)
    frozen_at = models.DateTimeField(_("frozen at"), default=timezone.now)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly response report")
        verbose_name_plural = _("monthly response reports")

    def __str__(self):
        return f"{self.month:%Y-%m}"


# --- responsibility for any department (issue 13 §4; seed 000 §三.6, §三.14, §四.2, §四.16) --------


class _RecordedByCenter(models.Model):
    """Who of the Center recorded it and when (``responses.services.responsibility``)."""

    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now, db_index=True)

    class Meta:
        abstract = True


class NonCooperation(_RecordedByCenter):
    """The Center records that a department, front or back, did not cooperate on an order or one of
    its steps (§三.14, §四.2): the overtime it caused is that department's. Named in the monthly report."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="non_cooperation")
    step = models.ForeignKey(
        WorkStep, verbose_name=_("work step"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    department = models.ForeignKey(
        "org.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    evidence = models.TextField(_("evidence"), blank=True)
    attachment = models.FileField(
        _("evidence file"),
        upload_to="responsibility/%Y/%m/",
        blank=True,
        validators=[FileExtensionValidator(ATTACHMENT_EXTENSIONS)],
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("non-cooperation record")
        verbose_name_plural = _("non-cooperation records")

    def __str__(self):
        return f"{self.order} · {self.department}"


class LostEquipment(_RecordedByCenter):
    """Equipment of ours lost at the customer and re-bought at the raising department's cost (§三.6)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lost_equipment")
    item = models.CharField(_("item"), max_length=100)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    amount = models.DecimalField(
        _("re-purchase cost (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    charged_department = models.ForeignKey(
        "org.Department", verbose_name=_("charged to"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("lost equipment charge")
        verbose_name_plural = _("lost equipment charges")

    def __str__(self):
        return f"{self.item} × {self.quantity}"


class AdminUnreachable(_RecordedByCenter):
    """A department's order admin could not be reached at a recorded time (§四.16): overtime it
    caused is that department's."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="unreachable")
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("order admin"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    tried_at = models.DateTimeField(_("could not be reached at"), db_index=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["tried_at", "id"]
        verbose_name = _("order admin unreachable")
        verbose_name_plural = _("order admins unreachable")

    def __str__(self):
        return f"{self.department} {self.tried_at:%Y-%m-%d %H:%M}"
