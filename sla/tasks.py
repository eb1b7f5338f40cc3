"""Thin Celery tasks: each calls one service."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def sweep_deadlines():
    """Run by beat every SLA_SWEEP_INTERVAL seconds; safe to run in several workers at once."""
    result = services.sweep_due_deadlines()
    return {"deadlines": result.deadlines, "events": result.events}


@shared_task(ignore_result=True)
def deliver_notifications(ids):
    return services.notifications_deliver(ids=ids)


@shared_task(ignore_result=True)
def handle_deadline_events(ids):
    return services.deadline_events_handle(ids=ids)


@shared_task(ignore_result=True)
def retry_stale():
    """Picks up notices and event handlers decided but never carried out (a crash between
    commit and publish, a dead worker, a failing gateway or handler)."""
    return {
        "notifications": services.notifications_deliver(stale=True),
        "events": services.deadline_events_handle(stale=True),
    }


@shared_task(ignore_result=True)
def close_previous_month():
    """Beat, on the 1st: close the month that just ended."""
    from datetime import timedelta

    from django.utils import timezone

    services.month_close(month=(timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1))
