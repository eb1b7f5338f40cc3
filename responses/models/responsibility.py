"""Responsibility for any department (issue 13 §4): non-cooperation, lost equipment, unreachable order admins."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import FileExtensionValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .orders import ATTACHMENT_EXTENSIONS, Order, WorkStep


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
