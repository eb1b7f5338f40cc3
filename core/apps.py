from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor (issue 12): what every app shares. It imports none of our apps."""

    name = "core"
    verbose_name = "Core"
