"""Background work of the accounts app (thin: the rules are in ``accounts.services``)."""

from celery import shared_task

from . import services


@shared_task
def apply_due_hr_events() -> int:
    """A3.2: job changes and departures recorded ahead of their day take effect on it."""
    return services.hr_events_apply_due()
