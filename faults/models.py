"""Fault tickets, problems, major service-quality events and complaints (SPEC §2).

Every timed obligation (repair, recovery notice, event reports, complaint
replies) is a deadline of the shared engine (``sla``); these models hold the
business facts and the workflow state only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from sla.models import Level

from . import rules
from .rules import HANDLER_ROLES, LEAD_ROLES, WRITER_ROLES  # noqa: F401 - the services import them from here


class InternalSystem(models.Model):
    """An internal IT system a fault ticket may name instead of a circuit (F2.1)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.B)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("internal system")
        verbose_name_plural = _("internal systems")

    def __str__(self):
        return self.name


class FaultCategory(models.TextChoices):
    # F2.1 systems
    OS = "os", _("Operating system")
    NETWORK = "network", _("Network")
    APPLICATION = "application", _("Application")
    DATABASE = "database", _("Database")
    # F2.1 circuits
    LINE = "line", _("Line")
    EQUIPMENT = "equipment", _("Equipment")
    POWER = "power", _("Power")
    OTHER = "other", _("Other")


SYSTEM_CATEGORIES = {FaultCategory.OS, FaultCategory.NETWORK, FaultCategory.APPLICATION, FaultCategory.DATABASE}
CIRCUIT_CATEGORIES = {FaultCategory.LINE, FaultCategory.EQUIPMENT, FaultCategory.POWER, FaultCategory.OTHER}


class FaultTicket(ConcurrentTransitionMixin, models.Model):
    """A fault ticket (故障单), F2.1–F2.4."""

    class State(models.TextChoices):
        REPORTED = "reported", _("Reported")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    OPEN_STATES = (State.REPORTED, State.ACKNOWLEDGED, State.IN_PROGRESS)

    title = models.CharField(_("title"), max_length=200)
    service = models.ForeignKey(
        "billing.Service",
        verbose_name=_("affected circuit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fault_tickets",
    )
    system = models.ForeignKey(
        InternalSystem,
        verbose_name=_("affected system"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fault_tickets",
    )
    category = models.CharField(_("category"), max_length=12, choices=FaultCategory.choices)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices)
    handling_department = models.ForeignKey(
        "org.Department", verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_faults",
    )
    reporter_name = models.CharField(_("reporter name"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    description = models.TextField(_("description"))
    workaround = models.TextField(_("temporary workaround"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    reported_at = models.DateTimeField(
        _("reported at"), help_text=_("The time of the phone call for backfilled tickets; the clock starts here")
    )
    phone_reported = models.BooleanField(_("reported by phone (backfilled)"), default=False)
    state = FSMField(_("state"), default=State.REPORTED, choices=State.choices, protected=True)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    workaround_at = models.DateTimeField(_("workaround applied at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    helper_departments = models.ManyToManyField(
        "org.Department", verbose_name=_("helper departments"), blank=True, related_name="+"
    )
    helper_vendors = models.CharField(_("helper vendors"), max_length=200, blank=True)
    broadcast_at = models.DateTimeField(_("business departments notified at"), null=True, blank=True)
    repeat_reported_at = models.DateTimeField(_("repeat reported to the supervisor at"), null=True, blank=True)
    problem = models.ForeignKey(
        "Problem",
        verbose_name=_("problem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(service__isnull=False, system__isnull=True) | Q(service__isnull=True, system__isnull=False)
                ),
                name="fault_names_circuit_or_system",
            )
        ]
        indexes = [
            models.Index(fields=["handling_department", "state"], name="fault_queue_idx"),
            models.Index(fields=["service", "category", "reported_at"], name="fault_repeat_service_idx"),
            models.Index(fields=["system", "category", "reported_at"], name="fault_repeat_system_idx"),
        ]
        verbose_name = _("fault ticket")
        verbose_name_plural = _("fault tickets")

    def __str__(self):
        return f"GZ{self.pk:06d} {self.title}" if self.pk else self.title

    def get_absolute_url(self):
        return reverse("faults:detail", args=[self.pk])

    @property
    def number(self) -> str:
        return f"GZ{self.pk:06d}"

    @property
    def target(self):
        return self.service or self.system

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    # --- F2.2 life cycle --------------------------------------------------------------
    @transition(field=state, source=State.REPORTED, target=State.ACKNOWLEDGED, permission=rules.is_handler)
    def acknowledge(self, *, handler, at):
        self.acknowledged_at = at
        self.handler = handler

    @transition(
        field=state, source=[State.REPORTED, State.ACKNOWLEDGED], target=State.IN_PROGRESS, permission=rules.is_handler
    )
    def start_work(self, *, handler, at, workaround=""):
        self.handler = self.handler or handler
        self.acknowledged_at = self.acknowledged_at or at
        if workaround:
            self.workaround = workaround
            self.workaround_at = at

    @transition(field=state, source=OPEN_STATES, target=State.RESOLVED, permission=rules.is_handler)
    def resolve(self, *, at, resolution=""):
        self.resolution = resolution or self.resolution
        self.resolved_at = at

    @transition(field=state, source=State.RESOLVED, target=State.CLOSED, permission=rules.may_verify)
    def close(self, *, at):
        self.closed_at = at

    @transition(
        field=state, source=[State.RESOLVED, State.CLOSED], target=State.IN_PROGRESS, permission=rules.may_verify
    )
    def reopen(self, *, at):
        self.resolved_at = None
        self.closed_at = None
        self.reopen_count += 1


class FaultNotice(models.Model):
    """A notice sent or published about a ticket (F2.4): broadcast, recovery, explanation."""

    class Kind(models.TextChoices):
        BROADCAST = "broadcast", _("30-minute broadcast to business departments")
        RECOVERY = "recovery", _("Recovery notice to affected customers and users")
        EXPLANATION = "explanation", _("Fault explanation notice")
        REPEAT = "repeat", _("Repeat report to the supervisor")
        HELPERS = "helpers", _("Request for help")

    ticket = models.ForeignKey(FaultTicket, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("fault notice")
        verbose_name_plural = _("fault notices")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.subject}"


class Problem(ConcurrentTransitionMixin, models.Model):
    """A system problem (系统问题, F2.5): a fault needing an upgrade to remove for good."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("Upgrade in progress")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("owning department"), on_delete=models.PROTECT, related_name="+"
    )
    plan = models.TextField(_("upgrade plan"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    fix = models.TextField(_("fix"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    state = FSMField(_("state"), default=State.OPEN, choices=State.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("faults:problem", args=[self.pk])

    @property
    def number(self) -> str:
        return f"WT{self.pk:06d}"

    @transition(field=state, source=State.OPEN, target=State.IN_PROGRESS, permission=rules.may_manage_problem)
    def start(self, *, plan=""):
        self.plan = plan or self.plan

    @transition(
        field=state, source=[State.OPEN, State.IN_PROGRESS], target=State.CLOSED, permission=rules.may_manage_problem
    )
    def close(self, *, at, root_cause="", fix="", conclusion=""):
        self.root_cause = root_cause or self.root_cause
        self.fix = fix or self.fix
        self.conclusion = conclusion or self.conclusion
        self.closed_at = at


# --- F2.6–F2.8 major service-quality events -----------------------------------------


class EventCategory(models.TextChoices):
    NETWORK = "network", _("Network quality")
    SUPPORT = "support", _("Business support")
    VAS = "vas", _("Value-added services")
    GROUP = "group", _("Group products")
    TERMINAL = "terminal", _("Terminals")
    BILLING = "billing", _("Billing disputes")
    SERVICE = "service", _("Service quality")
    SECURITY = "security", _("Information security")


# F2.7: "customers affected" thresholds differ for network or support problems.
NETWORK_OR_SUPPORT = {EventCategory.NETWORK, EventCategory.SUPPORT}


class WarningLevel(models.TextChoices):
    NONE = "", _("No warning")
    YELLOW = "yellow", _("Yellow (needs attention)")
    ORANGE = "orange", _("Orange (major)")
    RED = "red", _("Red (especially major)")


LEVEL_RANK = {WarningLevel.NONE: 0, WarningLevel.YELLOW: 1, WarningLevel.ORANGE: 2, WarningLevel.RED: 3}


class EventSource(models.TextChoices):
    HQ = "hq", _("Issued by headquarters")
    PUBLIC_OPINION = "public_opinion", _("Province: public opinion (General Office)")
    LAWSUIT = "lawsuit", _("Province: lawsuits (Legal & Security)")
    COMPLAINTS = "complaints", _("Province: major complaints (branches, customer service center)")
    BUSINESS = "business", _("Province: business risks and faults (business departments)")


class HqLevel(models.TextChoices):
    NONE = "", _("None")
    LEVEL1 = "level1", _("HQ level-1 warning")
    LEVEL2 = "level2", _("HQ level-2 warning")
    SENSITIVE = "sensitive", _("HQ sensitive information")


class Publicity(models.TextChoices):
    NONE = "", _("None")
    MAY_DRAW = "may_draw", _("May draw attention")
    RECURRING = "recurring", _("Recurring, drawing media attention")
    NATIONAL = "national", _("National media exposure")


class QualityEvent(ConcurrentTransitionMixin, models.Model):
    """A major service-quality event (重大业务服务质量事件), F2.6–F2.8."""

    class State(models.TextChoices):
        DETECTED = "detected", _("Detected")
        REPORTED = "reported", _("Reported to Customer Service")
        PUBLISHED = "published", _("Warning published")
        RECTIFYING = "rectifying", _("Rectification under way")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=10, choices=EventCategory.choices)
    source = models.CharField(_("source"), max_length=16, choices=EventSource.choices)
    business_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("owning business department"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    detected_at = models.DateTimeField(_("detected at"))
    # F2.7 figures
    cities = models.PositiveIntegerField(_("cities affected"), default=0)
    customers = models.PositiveIntegerField(_("customers affected"), default=0)
    complaints_per_day = models.PositiveIntegerField(_("complaints per day"), default=0)
    escalated_per_day = models.PositiveIntegerField(_("escalated complaints per day"), default=0)
    escalated_per_week = models.PositiveIntegerField(_("escalated complaints per week"), default=0)
    hq_level = models.CharField(_("headquarters level"), max_length=10, choices=HqLevel.choices, blank=True)
    publicity = models.CharField(_("negative publicity"), max_length=10, choices=Publicity.choices, blank=True)
    computed_level = models.CharField(_("computed level"), max_length=6, choices=WarningLevel.choices, blank=True)
    override_level = models.CharField(_("level set by hand"), max_length=6, choices=WarningLevel.choices, blank=True)
    override_reason = models.CharField(_("reason for the level set by hand"), max_length=300, blank=True)
    state = FSMField(_("state"), default=State.DETECTED, choices=State.choices, protected=True)
    reported_at = models.DateTimeField(_("reported to Customer Service at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    script = models.TextField(_("explanation script"), blank=True)
    script_sent_at = models.DateTimeField(_("script sent at"), null=True, blank=True)
    cause_and_plan = models.TextField(_("root cause and complaint-handling plan"), blank=True)
    cause_plan_at = models.DateTimeField(_("cause and plan submitted at"), null=True, blank=True)
    hq_feedback_at = models.DateTimeField(_("first feedback to HQ at"), null=True, blank=True)
    hq_plan_at = models.DateTimeField(_("written plan to HQ at"), null=True, blank=True)
    rectification_plan = models.TextField(_("rectification plan"), blank=True)
    rectification_result = models.TextField(_("rectification result"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        verbose_name = _("quality event")
        verbose_name_plural = _("quality events")

    def __str__(self):
        return self.title

    @property
    def level(self) -> str:
        """The effective warning level: the override when set, else the computed one."""
        return self.override_level or self.computed_level

    def get_level_display(self) -> str:
        return str(WarningLevel(self.level).label)

    @property
    def problem_kind_is_network_or_support(self) -> bool:
        return self.category in NETWORK_OR_SUPPORT

    @transition(field=state, source=State.DETECTED, target=State.REPORTED, permission=rules.may_report_event)
    def report(self, *, at):
        self.reported_at = at

    @transition(field=state, source=State.REPORTED, target=State.PUBLISHED, permission=rules.may_publish_event)
    def publish(self, *, at):
        self.published_at = at

    @transition(field=state, source=State.PUBLISHED, target=State.RECTIFYING, permission=rules.may_rectify)
    def start_rectification(self, *, plan):
        self.rectification_plan = plan

    @transition(field=state, source=State.RECTIFYING, target=State.CLOSED, permission=rules.may_publish_event)
    def close(self, *, at, result=""):
        self.rectification_result = result or self.rectification_result
        self.closed_at = at


# --- F2.9 complaints --------------------------------------------------------------


class ComplaintChannel(models.TextChoices):
    """How a complaint came in (issue 15 §4)."""

    HOTLINE = "hotline", _("Phone / 10000 hotline")
    TRANSFER_12300 = "12300", _("Transferred by 12300")
    LETTER = "letter", _("Letter")
    WALK_IN = "walk_in", _("Walk-in")
    ONLINE = "online", _("Online")


class AppealStage(models.TextChoices):
    """Seed 004: the provincial appeal centre, else the ministry's centre (12300); mediation failed:
    arbitration or a court. In this order: an appeal moves only forward."""

    PROVINCIAL = "provincial", _("Provincial appeal centre")
    MINISTRY = "ministry", _("MIIT telecom user appeal centre (12300)")
    ARBITRATION = "arbitration", _("Arbitration")
    COURT = "court", _("Court")


class Complaint(ConcurrentTransitionMixin, models.Model):
    """A customer complaint (F2.9): answered within 15 days, else the customer may appeal to 12300."""

    class State(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")
        APPEALED = "appealed", _("Appealed to 12300")
        CLOSED = "closed", _("Closed")

    class Satisfaction(models.TextChoices):
        UNKNOWN = "", _("Not asked yet")
        SATISFIED = "satisfied", _("Satisfied")
        UNSATISFIED = "unsatisfied", _("Not satisfied")

    customer_name = models.CharField(_("customer"), max_length=100)
    customer_phone = models.CharField(_("customer phone"), max_length=30, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=EventCategory.choices)
    escalated = models.BooleanField(_("escalated complaint"), default=False)
    content = models.TextField(_("content"))
    department = models.ForeignKey(
        "org.Department", verbose_name=_("handling department"), on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(_("received at"))
    state = FSMField(_("state"), default=State.RECEIVED, choices=State.choices, protected=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    satisfaction = models.CharField(_("satisfaction"), max_length=12, choices=Satisfaction.choices, blank=True)
    appeal_reference = models.CharField(_("12300 reference"), max_length=60, blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    appeal_outcome = models.TextField(_("12300 outcome"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    quality_event = models.ForeignKey(
        QualityEvent,
        verbose_name=_("quality event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    # Issue 15 §4: intake (channel, customer, linked records), the follow-up visit (回访) and the 12300 route.
    channel = models.CharField(
        _("channel"), max_length=10, choices=ComplaintChannel.choices, default=ComplaintChannel.HOTLINE
    )
    customer = models.ForeignKey(
        "billing.Customer",
        verbose_name=_("billing customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    order_number = models.CharField(_("order number"), max_length=30, blank=True)
    fault_ticket = models.ForeignKey(
        FaultTicket,
        verbose_name=_("fault ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    followed_up_at = models.DateTimeField(_("follow-up visit at"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    follow_up_outcome = models.TextField(_("follow-up visit outcome"), blank=True)
    appeal_stage = models.CharField(_("appeal stage"), max_length=12, choices=AppealStage.choices, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["category", "received_at"], name="complaint_daily_idx")]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self):
        return f"{self.customer_name}: {self.content[:30]}"

    @transition(field=state, source=State.RECEIVED, target=State.ANSWERED, permission=rules.may_answer)
    def answer_complaint(self, *, at, answer):
        self.answer = answer
        self.answered_at = at

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED, permission=rules.may_answer)
    def record_satisfaction(self, *, at, satisfied: bool, visitor=None, outcome: str = ""):
        """The follow-up visit (回访): who called, when, what the customer said, satisfied or not."""
        self.satisfaction = self.Satisfaction.SATISFIED if satisfied else self.Satisfaction.UNSATISFIED
        self.closed_at = at
        self.followed_up_at, self.followed_up_by, self.follow_up_outcome = at, visitor, outcome

    @transition(
        field=state,
        source=[State.RECEIVED, State.ANSWERED, State.CLOSED],
        target=State.APPEALED,
        permission=rules.may_answer,
    )
    def appeal(self, *, at, reference, stage=AppealStage.PROVINCIAL):
        self.appeal_reference = reference
        self.appealed_at = at
        self.appeal_stage = stage

    @transition(field=state, source=State.APPEALED, target=State.CLOSED, permission=rules.may_answer)
    def close_appeal(self, *, at, outcome):
        self.appeal_outcome = outcome
        self.closed_at = self.closed_at or at


# --- seed 002 rectification notices (整改通知) ---------------------------------------------


class RectificationNotice(ConcurrentTransitionMixin, models.Model):
    """A rectification notice (整改通知, seed 002 监督与检查): a problem found in a check is sent to the
    responsible department with a deadline (限期整改); its admins answer with evidence; the issuer
    closes it, or rejects the answer and the notice is issued again (跟踪整改落实情况)."""

    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        ANSWERED = "answered", _("Answered")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issuing_department = models.ForeignKey(
        "org.Department", verbose_name=_("issuing department"), on_delete=models.PROTECT, related_name="+"
    )
    to_department = models.ForeignKey(
        "org.Department", verbose_name=_("responsible department"), on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    due_at = models.DateTimeField(_("rectify by"))
    ticket = models.ForeignKey(
        FaultTicket, verbose_name=_("fault ticket"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.ForeignKey(
        Problem, verbose_name=_("problem"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    quality_event = models.ForeignKey(
        QualityEvent,
        verbose_name=_("quality event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = FSMField(_("state"), default=State.ISSUED, choices=State.choices, protected=True)
    answer = models.TextField(_("answer"), blank=True)
    evidence_file = models.FileField(_("evidence file"), upload_to="rectifications/%Y/%m/", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    rejections = models.PositiveSmallIntegerField(_("answers rejected"), default=0)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["to_department", "state"], name="rectification_queue_idx")]
        verbose_name = _("rectification notice")
        verbose_name_plural = _("rectification notices")

    def __str__(self):
        return f"ZG{self.pk:06d} {self.title}" if self.pk else self.title

    def get_absolute_url(self):
        return reverse("faults:rectification", args=[self.pk])

    @property
    def number(self) -> str:
        return f"ZG{self.pk:06d}"

    @transition(field=state, source=State.ISSUED, target=State.ANSWERED, permission=rules.may_answer_rectification)
    def answer_notice(self, *, answerer, at, answer, evidence_file=None):
        self.answer = answer
        if evidence_file:
            self.evidence_file = evidence_file
        self.answered_by = answerer
        self.answered_at = at

    @transition(field=state, source=State.ANSWERED, target=State.CLOSED, permission=rules.may_close_rectification)
    def close(self, *, at):
        self.closed_at = at

    @transition(field=state, source=State.ANSWERED, target=State.ISSUED, permission=rules.may_close_rectification)
    def reject(self, *, due_at):
        self.rejections += 1
        self.due_at = due_at


class EventCall(models.Model):
    """A phone follow-up after a quality event's report or publication (seed 003 第八条: "并进行电话通知"):
    who was called, when and with what outcome. The ``event-call-<stage>`` deadline is met once every
    department of the stage has been reached."""

    class Stage(models.TextChoices):
        REPORT = "report", _("After the report")
        PUBLISH = "publish", _("After the publication")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        MESSAGE = "message", _("Message left")

    event = models.ForeignKey(
        QualityEvent, verbose_name=_("quality event"), on_delete=models.CASCADE, related_name="calls"
    )
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    department = models.ForeignKey(
        "org.Department", verbose_name=_("department called"), on_delete=models.PROTECT, related_name="+"
    )
    contact = models.ForeignKey(
        "org.DutyContact",
        verbose_name=_("contact on duty"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    called_name = models.CharField(_("person called"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20)
    called_at = models.DateTimeField(_("called at"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["called_at", "id"]
        verbose_name = _("phone follow-up")
        verbose_name_plural = _("phone follow-ups")

    def __str__(self):
        return f"{self.called_name} {self.get_outcome_display()}"


class ComplaintAppealStep(models.Model):
    """The outcome of one stage of a complaint's 12300 route (seed 004), in the order recorded."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="appeal_steps")
    stage = models.CharField(_("appeal stage"), max_length=12, choices=AppealStage.choices)
    outcome = models.TextField(_("outcome"))
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("appeal stage outcome")
        verbose_name_plural = _("appeal stage outcomes")

    def __str__(self):
        return f"{self.get_stage_display()}: {self.outcome[:30]}"


class EventLevelSuggestion(models.Model):
    """F2.9 → F2.7: what the day's complaint counts suggest for an open event (recorded by the beat task
    ``faults.tasks.suggest_event_levels``); applied on confirmation through the figures of the event."""

    event = models.ForeignKey(QualityEvent, on_delete=models.CASCADE, related_name="level_suggestions")
    day = models.DateField(_("day"))
    suggested_level = models.CharField(_("suggested level"), max_length=10, choices=WarningLevel.choices)
    reason = models.CharField(_("reason"), max_length=200)
    created_at = models.DateTimeField(_("suggested at"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "day"], name="event_suggestion_per_day")]
        verbose_name = _("level suggestion")
        verbose_name_plural = _("level suggestions")

    def __str__(self):
        return f"{self.event_id}: {self.suggested_level} ({self.day})"
