"""The organisation of SPEC §0: departments and the people who work in them.

The tables keep the names they had when these models lived in ``accounts`` (``accounts_department``,
``accounts_user`` and its group tables), so moving them to this ground-floor app (issue 12 §3) moved
no row; see migrations 0001 (which replaces ``accounts.0001_initial``) and 0002.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from .roles import Role


class Department(models.Model):
    """A department of the operator (SPEC §0)."""

    class Side(models.TextChoices):
        FRONT = "front", _("Front office")
        CENTER = "center", _("Customer Response Center")
        BACK = "back", _("Back office")
        SUPPORT = "support", _("Support")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("English name"), max_length=100)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        db_table = "accounts_department"  # the table it had before the move (issue 12 §3)
        ordering = ["side", "code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name_zh


class User(AbstractUser):
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        db_table = "accounts_user"  # the table it had before the move (issue 12 §3)

    def __str__(self):
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    def has_role(self, *roles: Role | str) -> bool:
        """True when the user holds any of ``roles`` (cached per instance)."""
        if not self.is_active:
            return False
        return any(str(role) in self.role_codes for role in roles)

    @property
    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_codes"):
            self._role_codes = set(self.groups.values_list("name", flat=True))
        return self._role_codes


class DutyContact(models.Model):
    """A department's 24-hour contact person (接口人, seed 003 第八条): the phone that must stay on,
    called after each quality-event report and publication. No period: on duty at all times."""

    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.CASCADE, related_name="duty_contacts"
    )
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("contact name"), max_length=60)
    phone = models.CharField(_("mobile phone"), max_length=20)
    on_duty_from = models.DateTimeField(_("on duty from"), null=True, blank=True)
    on_duty_until = models.DateTimeField(_("on duty until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["department_id", "on_duty_from", "name"]
        verbose_name = _("24-hour contact person")
        verbose_name_plural = _("24-hour contact persons")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(on_duty_from__isnull=True)
                | models.Q(on_duty_until__isnull=True)
                | models.Q(on_duty_until__gt=models.F("on_duty_from")),
                name="duty_contact_period_ordered",
            )
        ]

    def __str__(self):
        return f"{self.department} {self.name} {self.phone}"

    def on_duty(self, at) -> bool:
        return (self.on_duty_from is None or self.on_duty_from <= at) and (
            self.on_duty_until is None or at < self.on_duty_until
        )
