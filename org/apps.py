from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    """The ground floor (issue 12 §3): departments, people, roles and the access checks every
    other app asks. It imports nothing of ours; the deadline engine and the workflow apps sit on it."""

    name = "org"
    verbose_name = _("Organisation")
