from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Business-response orders")

    def ready(self):
        from sla.subjects import register_subject

        from . import handlers, pause_subjects, selectors  # noqa: F401 - handlers registers the deadline-event handlers

        # Who sees the deadlines of orders and the work around them (the deadlines API, issue 13 §6).
        register_subject("order", "responses.Order", selectors.orders_visible_to)
        register_subject("step", "responses.WorkStep", selectors.steps_visible_to)
        register_subject("requisition", "responses.Requisition", selectors.requisitions_visible_to)
        register_subject("contact-order", "responses.ContactOrder", selectors.contact_orders_visible_to)
        register_subject("special-order", "responses.SpecialOrder", selectors.special_orders_visible_to)
        register_subject("phone-dispatch", "responses.PhoneDispatch", selectors.phone_dispatches_visible_to)
        pause_subjects.register()  # orders and steps may be paused (S5.3)
