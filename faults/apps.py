from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaultsConfig(AppConfig):
    name = "faults"
    verbose_name = _("Faults, quality events and complaints")

    def ready(self):
        from sla.subjects import register_subject

        from . import handlers, pause_subjects, selectors  # noqa: F401 - handlers registers the deadline hooks

        # Who sees the deadlines of tickets, events, complaints and rectification notices (the deadlines
        # API, issue 13 §6).
        register_subject("fault-ticket", "faults.FaultTicket", selectors.tickets_visible_to)
        register_subject("quality-event", "faults.QualityEvent", selectors.events_visible_to)
        register_subject("complaint", "faults.Complaint", selectors.complaints_visible_to)
        register_subject("rectification", "faults.RectificationNotice", selectors.rectifications_visible_to)
        pause_subjects.register()  # fault tickets may be paused (S5.3)
