from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    name = "responses"
    verbose_name = _("Business-response orders")

    def ready(self):
        from . import (
            handlers,  # noqa: F401 - registers the deadline-event handlers
            pause_subjects,
        )

        pause_subjects.register()  # orders and steps may be paused (S5.3)
