from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = _("Billing")

    def ready(self):
        from sla.subjects import register_subject

        from . import handlers, selectors  # noqa: F401 - handlers registers the deadline-event handlers

        register_subject("bill-run", "billing.BillRun", selectors.bill_runs_for)  # the deadlines API
