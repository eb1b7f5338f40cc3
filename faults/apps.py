from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FaultsConfig(AppConfig):
    name = "faults"
    verbose_name = _("Faults, quality events and complaints")

    def ready(self):
        from . import (
            handlers,  # noqa: F401 - registers the deadline hooks
            pause_subjects,
        )

        pause_subjects.register()  # fault tickets may be paused (S5.3)
