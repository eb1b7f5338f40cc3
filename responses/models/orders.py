"""Orders, their attachments and work steps, and the resource requisition before them (R1.1–R1.12)."""

from decimal import Decimal

from django.conf import settings
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

from .. import rules
from .catalogue import BusinessType

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = ["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip"]


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
    # Issue 14 §1 (B4.1): a change order's new tariff; empty, the circuit keeps its product and fees.
    new_product = models.ForeignKey(
        "billing.Product",
        verbose_name=_("new product (tariff)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A change order: the tariff from the confirmation day; empty keeps the current one."),
    )

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
