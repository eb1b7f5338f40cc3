"""The business-type catalogue and the key areas (R1.1, R1.21)."""

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


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
    # Issue 14 §1 (B4.1): a change of an existing circuit (its level or tariff), named on the order.
    is_change = models.BooleanField(_("circuit change"), default=False, db_default=False)
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
