"""The frozen monthly response report (R1.22)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
