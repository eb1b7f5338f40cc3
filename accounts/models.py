from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from org.models import Department
from org.roles import Role

from . import rules
from .rules import concerns  # noqa: F401 - accounts.services reads it from here

# --- A3.1 account requests -------------------------------------------------------------


class AccountRequest(ConcurrentTransitionMixin, models.Model):
    """A request for a system account (系统帐号申请, SPEC A3.1).

    Approved by the requester's department manager, then by the manager of the
    business department owning the permission scope; IT may escalate to that
    department's leader in charge; IT completes within 1 working day of the
    last approval (deadline kind ``account-request``).
    """

    PLATFORM = ""  # ``system`` value of a request for this platform

    class Kind(models.TextChoices):
        NEW_ACCOUNT = "new_account", _("New account")
        PERMISSION_CHANGE = "permission_change", _("Permission change")
        DEACTIVATION = "deactivation", _("Deactivation")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Awaiting department manager")
        MANAGER_APPROVED = "manager_approved", _("Awaiting business department")
        ESCALATED = "escalated", _("Awaiting leader in charge")
        APPROVED = "approved", _("Awaiting IT")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = FSMField(_("state"), default=State.SUBMITTED, choices=State.choices, protected=True)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requester"), on_delete=models.PROTECT, related_name="+"
    )
    requester_department = models.ForeignKey(
        Department, verbose_name=_("requester's department"), on_delete=models.PROTECT, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="account_requests",
    )
    # A new person's details (kind new_account).
    new_username = models.CharField(_("new user name"), max_length=150, blank=True)
    new_full_name = models.CharField(_("new person's name"), max_length=100, blank=True)
    new_email = models.EmailField(_("new person's email"), blank=True)
    new_phone = models.CharField(_("new person's mobile phone"), max_length=20, blank=True)
    system = models.CharField(_("external system"), max_length=100, blank=True, help_text=_("Empty: this platform"))
    requested_roles = models.JSONField(_("requested roles"), default=list, blank=True)
    requested_department = models.ForeignKey(
        Department,
        verbose_name=_("department on this platform"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    permission_text = models.TextField(_("permissions requested"), blank=True)
    scope_department = models.ForeignKey(
        Department,
        verbose_name=_("business department owning the scope"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    manager_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    manager_approved_at = models.DateTimeField(null=True, blank=True)
    business_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    business_approved_at = models.DateTimeField(null=True, blank=True)
    escalation_reason = models.TextField(_("escalation reason"), blank=True)
    leader_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    leader_approved_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejected_at = models.DateTimeField(null=True, blank=True)
    reject_reason = models.TextField(_("rejection reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("account request")
        verbose_name_plural = _("account requests")

    def __str__(self):
        return f"#{self.pk} {self.get_kind_display()} · {self.holder_name}"

    @property
    def holder_name(self) -> str:
        return str(self.target_user) if self.target_user_id else (self.new_full_name or self.new_username)

    @property
    def requested_role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(code, code)) for code in self.requested_roles]

    @property
    def for_platform(self) -> bool:
        return self.system == self.PLATFORM

    @property
    def system_label(self) -> str:
        return self.system or str(_("This platform"))

    # The service layer (accounts.services) sets who/when and the side effects;
    # these methods only move the state; who may take each is accounts.rules.
    @transition(
        field=state, source=State.SUBMITTED, target=State.MANAGER_APPROVED, permission=rules.may_approve_as_manager
    )
    def manager_approve(self):
        pass

    @transition(
        field=state, source=State.MANAGER_APPROVED, target=State.APPROVED, permission=rules.may_approve_as_business
    )
    def business_approve(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.ESCALATED, permission=rules.may_act_as_it)
    def escalate(self):
        pass

    @transition(field=state, source=State.ESCALATED, target=State.APPROVED, permission=rules.may_approve_as_leader)
    def leader_approve(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.COMPLETED, permission=rules.may_act_as_it)
    def complete(self):
        pass

    @transition(
        field=state,
        source=[State.SUBMITTED, State.MANAGER_APPROVED, State.ESCALATED, State.APPROVED],
        target=State.REJECTED,
        permission=rules.may_reject,
    )
    def reject(self):
        pass


class Grant(models.Model):
    """The grants register: who holds what, in this platform or another system (A3.1, A3.2)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="grants"
    )
    system = models.CharField(_("system"), max_length=100, blank=True, help_text=_("Empty: this platform"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, blank=True)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    permission_text = models.TextField(_("permissions"), blank=True)
    request = models.ForeignKey(
        AccountRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="grants",
    )
    granted_at = models.DateTimeField(_("granted at"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("granted by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    active = models.BooleanField(_("active"), default=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoke_reason = models.CharField(_("revocation reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["-granted_at", "-id"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [models.Index(fields=["user", "active"])]

    def __str__(self):
        what = self.get_role_display() if self.role else self.permission_text[:40]
        return f"{self.user} · {self.system or _('This platform')} · {what}"


class HrEvent(models.Model):
    """A job change or departure record from HR (A3.2). Recording it applies it when it is effective
    today or earlier; a later one waits (``applied_at`` empty) for the hourly task on its day."""

    class Kind(models.TextChoices):
        JOB_CHANGE = "job_change", _("Job change")
        DEPARTURE = "departure", _("Departure")

    class Source(models.TextChoices):
        PAGE = "page", _("Page")
        API = "api", _("API")
        CSV = "csv", _("CSV import")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT, related_name="hr_events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    effective_on = models.DateField(_("effective on"))
    old_department = models.ForeignKey(
        Department, verbose_name=_("old department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    new_department = models.ForeignKey(
        Department, verbose_name=_("new department"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.PAGE)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    grants_revoked = models.PositiveIntegerField(_("grants revoked"), default=0)
    roles_removed = models.JSONField(_("roles removed"), default=list, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("HR record")
        verbose_name_plural = _("HR records")
        indexes = [
            models.Index(fields=["effective_on"], name="hr_event_pending_idx", condition=models.Q(applied_at=None))
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.effective_on}"


class ApiToken(models.Model):
    """An API key (``Authorization: Token <key>``), kept only as its SHA-256 digest (issue 11.6).

    The key is shown once, when issued (``accounts.services.api_token_issue``); ``prefix`` (its first
    characters) tells keys apart in lists without revealing them. A key has 256 random bits, so a
    plain digest cannot be reversed by guessing; the lookup is by digest, never by key.
    """

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, blank=True, help_text=_("What the token is for"))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.prefix}… · {self.user}"

    @staticmethod
    def digest_of(key: str) -> str:
        import hashlib

        return hashlib.sha256(key.encode()).hexdigest()
