"""The deadline engine's data (SPEC §5).

Every timed obligation is a ``Deadline`` row attached to its subject. The
sweeper (``sla.services.sweep_due_deadlines``) finds rows whose
``next_fire_at`` has passed, records what fires as ``DeadlineEvent`` rows
(unique per deadline and key: a rung can fire once, whatever the workers do)
and the ``Notification`` rows it decides, then delivers those after commit.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import RETURN_VALUE, FSMField, transition

from org.roles import Role


class Level(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"
    NONE = "-", _("no level")


class Clock(models.TextChoices):
    CALENDAR = "calendar", _("Calendar time (rest days count)")
    WORKING_DAYS = "working_days", _("Working days (Chinese public-holiday calendar)")


class HolidayOverride(models.Model):
    """A correction to the packaged holiday calendar (A3.3), e.g. next year's
    schedule entered before the package knows it. Wins over the package."""

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(_("is a working day"))
    name = models.CharField(_("name"), max_length=60, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")

    def __str__(self):
        return f"{self.date} {'workday' if self.is_workday else 'rest day'} {self.name}"


class EscalationLadder(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("escalation ladder")
        verbose_name_plural = _("escalation ladders")

    def __str__(self):
        return self.name


class EscalationRung(models.Model):
    """One step of a ladder: ``offset`` after the deadline starts (paused time
    excluded), notify ``notify_role`` within ``scope``, optionally hand the
    subject to ``reassign_to_role``."""

    class Scope(models.TextChoices):
        ASSESSED = "assessed", _("The assessed department")
        CENTER = "center", _("The Customer Response Center")
        FRONT = "front", _("All business (front-office) departments")
        ANY = "any", _("Every department")

    ladder = models.ForeignKey(EscalationLadder, on_delete=models.CASCADE, related_name="rungs")
    position = models.PositiveSmallIntegerField(_("position"))
    offset = models.DurationField(_("offset from start"))
    label = models.CharField(_("label"), max_length=100)
    notify_role = models.CharField(_("notify role"), max_length=30, choices=Role.choices)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.ASSESSED)
    channels = models.JSONField(_("channels"), default=list, help_text=_("Any of inapp, email, sms"))
    reassign_to_role = models.CharField(_("reassign to role"), max_length=30, choices=Role.choices, blank=True)

    class Meta:
        ordering = ["ladder", "position"]
        constraints = [models.UniqueConstraint(fields=["ladder", "position"], name="rung_unique_position")]
        verbose_name = _("escalation rung")
        verbose_name_plural = _("escalation rungs")

    def __str__(self):
        return f"{self.ladder.code}#{self.position} +{self.offset} {self.label}"

    def clean(self):
        unknown = set(self.channels or []) - set(Notification.Channel.values)
        if unknown:
            raise ValidationError({"channels": _("Unknown channels: %s") % ", ".join(sorted(unknown))})


class SlaPolicy(models.Model):
    """A limit: kind × level → duration on a clock (R1.3, S5.2). Configurable data."""

    kind = models.SlugField(_("kind"), max_length=60)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.NONE)
    duration = models.DurationField(_("duration"))
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices, default=Clock.CALENDAR)
    warn_before = models.DurationField(_("warn before due"), default=timedelta(0))
    notify_roles = models.JSONField(
        _("roles told of warning and breach"),
        default=list,
        blank=True,
        help_text=_("Role codes in the assessed department notified in-app and by email"),
    )
    ladder = models.ForeignKey(
        EscalationLadder, verbose_name=_("escalation ladder"), null=True, blank=True, on_delete=models.PROTECT
    )
    description = models.CharField(_("description"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "level"]
        constraints = [models.UniqueConstraint(fields=["kind", "level"], name="sla_policy_unique_kind_level")]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self):
        return f"{self.kind}/{self.level}: {self.duration} ({self.clock})"


class Deadline(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        WARNED = "warned", _("Warned")
        BREACHED = "breached", _("Breached")
        MET = "met", _("Met")
        CANCELLED = "cancelled", _("Cancelled")
        PAUSED = "paused", _("Paused")

    ACTIVE_STATES = (State.PENDING, State.WARNED, State.BREACHED)
    OPEN_STATES = (*ACTIVE_STATES, State.PAUSED)

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("title"), max_length=200, help_text=_("What the deadline is for, shown in notices"))

    kind = models.SlugField(_("kind"), max_length=60)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices, default=Level.NONE)
    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices, default=Clock.CALENDAR)
    assessed_department = models.ForeignKey(
        "org.Department",
        verbose_name=_("assessed department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deadlines",
    )
    ladder = models.ForeignKey(EscalationLadder, null=True, blank=True, on_delete=models.PROTECT)
    notify_roles = models.JSONField(default=list, blank=True)

    started_at = models.DateTimeField(_("started at"))
    due_at = models.DateTimeField(_("due at"))
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    # R1.4/R1.5/R1.7: the level the subject is assessed on when it differs from the served level, and the
    # due time of that level's limit. Blank/null: assessed as served. Notices follow ``due_at`` (the
    # work is done to the served level); on-time and overtime figures follow ``assessed_due``.
    assessed_level = models.CharField(_("assessed level"), max_length=1, choices=Level.choices, blank=True)
    assessed_due_at = models.DateTimeField(_("assessed due at"), null=True, blank=True)
    state = FSMField(_("state"), default=State.PENDING, choices=State.choices)
    state_before_pause = models.CharField(max_length=10, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    paused_total = models.DurationField(_("paused in total"), default=timedelta(0))
    rungs_fired = models.PositiveSmallIntegerField(_("rungs fired"), default=0)
    escalated_to_role = models.CharField(_("escalated to"), max_length=30, choices=Role.choices, blank=True)
    next_fire_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [
            # What the sweeper asks for: active rows whose next event is due.
            models.Index(
                fields=["next_fire_at"],
                name="deadline_sweep_idx",
                condition=Q(state__in=["pending", "warned", "breached"], next_fire_at__isnull=False),
            ),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject_idx"),
            models.Index(fields=["assessed_department", "state", "due_at"], name="deadline_dept_idx"),
            # The overdue dashboard reads open deadlines by due time.
            # (covering: the board reads its grouping columns from the index alone, an index-only scan)
            models.Index(
                fields=["due_at"],
                name="deadline_open_due_idx",
                include=["kind", "assessed_department", "level", "assessed_due_at", "id"],
                condition=Q(state__in=["pending", "warned", "breached"]),
            ),
            # Month close and the current month's on-time figures read met deadlines by closing time.
            models.Index(
                fields=["closed_at"],
                name="deadline_closed_idx",
                include=["assessed_department", "due_at", "assessed_due_at", "kind", "level", "id"],
                condition=Q(state="met"),
            ),
        ]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self):
        return f"{self.title} [{self.kind}] due {self.due_at:%Y-%m-%d %H:%M}"

    # --- transitions (called by sla.services only) ---------------------------
    @transition(field=state, source=State.PENDING, target=State.WARNED)
    def warn(self):
        pass

    @transition(field=state, source=[State.PENDING, State.WARNED], target=State.BREACHED)
    def breach(self):
        pass

    @transition(field=state, source=ACTIVE_STATES, target=State.PAUSED)
    def pause(self, *, at):
        self.state_before_pause = self.state
        self.paused_at = at
        self.next_fire_at = None

    @transition(field=state, source=State.PAUSED, target=RETURN_VALUE(*ACTIVE_STATES))
    def resume(self, *, at, calendar=None):
        """Move every future time by the pause (S5.3) and return to the state held before.

        Ladder rungs move by the paused calendar time (``paused_total``, read by ``rung_time``). Due,
        warning and assessed-due times move on the deadline's clock: by the paused calendar time on a
        calendar clock, by the paused *working* time on a working-day clock (rest days in the pause do
        not count, and the move skips rest days as the limit does). ``calendar`` (a
        ``sla.calendars.WorkingCalendar``) is what ``sla.services.deadline_resume`` passes for that.
        """
        paused_for = max(at - self.paused_at, timedelta(0))
        self.paused_total += paused_for
        if self.clock == Clock.WORKING_DAYS and calendar is not None:
            worked = calendar.working_time_between(self.paused_at, at)

            def move(moment):
                return calendar.add_working_time(moment, worked)
        else:

            def move(moment):
                return moment + paused_for

        self.due_at = move(self.due_at)
        if self.warn_at:
            self.warn_at = move(self.warn_at)
        if self.assessed_due_at:
            self.assessed_due_at = move(self.assessed_due_at)
        self.paused_at = None
        previous, self.state_before_pause = self.state_before_pause, ""
        return previous

    @transition(field=state, source=[*ACTIVE_STATES, State.PAUSED], target=State.MET)
    def meet(self, *, at):
        self.closed_at = at
        self.next_fire_at = None

    @transition(field=state, source=[*ACTIVE_STATES, State.PAUSED], target=State.CANCELLED)
    def cancel(self, *, at):
        self.closed_at = at
        self.next_fire_at = None

    # --- derived values -------------------------------------------------------
    def rung_time(self, rung: EscalationRung):
        return self.started_at + self.paused_total + rung.offset

    @property
    def assessed_due(self):
        """The due time on- and overtime are counted against (the assessed level's limit)."""
        return self.assessed_due_at or self.due_at

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def lateness(self) -> timedelta | None:
        """How late the deadline was met (or is, while open); None when on time."""
        from django.utils import timezone

        end = self.closed_at or timezone.now()
        if self.state == self.State.CANCELLED or end <= self.due_at:
            return None
        return end - self.due_at


class DeadlineEvent(models.Model):
    """Something that fired for a deadline: a warning, the breach, a ladder rung.

    The unique (deadline, key) constraint is what makes "exactly once" hold
    whatever the workers, beats or restarts do.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")
        ESCALATION = "escalation", _("Escalation")

    deadline = models.ForeignKey(Deadline, on_delete=models.CASCADE, related_name="events")
    key = models.CharField(max_length=20)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    rung = models.ForeignKey(EscalationRung, null=True, blank=True, on_delete=models.SET_NULL)
    label = models.CharField(_("label"), max_length=100, blank=True)
    due_at = models.DateTimeField(_("due at"))
    fired_at = models.DateTimeField(_("fired at"))
    # Set when the app handlers registered for the deadline's kind have run (sla.hooks).
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handle_attempts = models.PositiveSmallIntegerField(default=0)
    handle_error = models.TextField(blank=True)

    class Meta:
        ordering = ["fired_at", "id"]
        constraints = [models.UniqueConstraint(fields=["deadline", "key"], name="deadline_event_once")]
        indexes = [
            models.Index(fields=["fired_at"], name="deadline_event_unhandled_idx", condition=Q(handled_at__isnull=True))
        ]
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")

    def __str__(self):
        return f"{self.deadline_id}:{self.key} at {self.fired_at:%H:%M:%S}"

    @property
    def delay(self) -> timedelta:
        return self.fired_at - self.due_at


class Notification(models.Model):
    """A notice to one recipient on one channel (S5.4): a row first, marked sent when sent."""

    class Channel(models.TextChoices):
        INAPP = "inapp", _("In-app")
        EMAIL = "email", _("Email")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("notification status", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    address = models.CharField(_("address"), max_length=254, blank=True, help_text=_("Email or phone at the time"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("body"), blank=True)
    event = models.ForeignKey(
        DeadlineEvent, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # A secret for the e-mail/SMS only (a first-password link), sealed by sla.secrets; the body shows
    # sla.secrets.PLACEHOLDER in its place. Wiped once the notice is sent or has failed for good.
    sealed_secret = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "recipient", "channel"],
                name="notification_once_per_event",
                condition=Q(event__isnull=False),
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="notification_undelivered_idx",
                condition=Q(status__in=["pending", "sending"]),
            ),
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox_idx"),
        ]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self):
        return f"{self.channel} → {self.address or self.recipient_id}: {self.subject}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit trail is append-only")

    def delete(self):
        raise TypeError("The audit trail is append-only")


class AuditEntry(models.Model):
    """One state change of anything (S5.5). Append-only: the model refuses
    updates and deletes, and on PostgreSQL a trigger refuses them too."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    at = models.DateTimeField(_("time"))
    transition = models.CharField(_("action"), max_length=60)
    from_state = models.CharField(_("from"), max_length=30, blank=True)
    to_state = models.CharField(_("to"), max_length=30, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="audit_subject_idx")]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.transition} {self.from_state}→{self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise TypeError("The audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit trail is append-only")


class DeadlineMonthStat(models.Model):
    """A month's frozen assessment figures per department, category and level (R1.22, month close).

    Written by ``sla.services.month_stats_freeze`` when a month is closed; the dashboard and
    the monthly report read these instead of scanning every deadline of past months.
    """

    month = models.DateField(_("month"))
    department = models.ForeignKey("org.Department", null=True, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(_("category"), max_length=20)
    level = models.CharField(_("level"), max_length=1, choices=Level.choices)
    handled = models.PositiveIntegerField(_("handled"))
    on_time = models.PositiveIntegerField(_("on time"))  # on the assessed limit (R1.4/R1.5/R1.7)
    served_on_time = models.PositiveIntegerField(_("on time on the served limit"), default=0)
    late_seconds_total = models.BigIntegerField(default=0)
    late_seconds_max = models.BigIntegerField(default=0)
    frozen_at = models.DateTimeField(_("frozen at"))

    class Meta:
        ordering = ["month", "department_id", "category", "level"]
        constraints = [
            models.UniqueConstraint(fields=["month", "department", "category", "level"], name="month_stat_unique")
        ]
        verbose_name = _("monthly deadline figures")
        verbose_name_plural = _("monthly deadline figures")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.department_id} {self.category}/{self.level}: {self.on_time}/{self.handled}"


# The pause models live in a module of their own; imported here so Django finds them.
from .pause_models import Pause, PauseReason  # noqa: E402, F401
