"""Customers and their services (circuits), shared by orders, faults and billing (B4.1).

Orders name a customer; fault tickets name the affected service; bill runs
invoice the active services. The bill-run, invoice and arrears models are
added by the billing issue.
"""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from sla.models import Level


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

    class Meta:
        ordering = ["code"]
        indexes = [models.Index(fields=["state", "activated_on"], name="service_state_idx")]
        verbose_name = _("customer service (circuit)")
        verbose_name_plural = _("customer services (circuits)")

    def __str__(self):
        return f"{self.code} {self.product}"
