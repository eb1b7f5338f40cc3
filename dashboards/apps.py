from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Managers' overdue dashboard (issue 7), moved out of the deadline engine (issue 12 §3): it reads
    the engine's reports (``sla.selectors``) and the organisation; nothing imports it."""

    name = "dashboards"
    verbose_name = _("Dashboards")
