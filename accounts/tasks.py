"""Background work of the accounts app (thin: the rules are in ``accounts.services``)."""

from celery import shared_task

from . import services


@shared_task
def apply_due_hr_events() -> int:
    """A3.2: job changes and departures recorded ahead of their day take effect on it."""
    return services.hr_events_apply_due()


@shared_task
def clear_expired_sessions() -> None:
    """Expired sessions are deleted daily, so the live ones stay few (a departure scans them)."""
    services.sessions_clear_expired()
