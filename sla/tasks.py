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
def deliver_stale_notifications():
    """Picks up notices decided but never delivered (crash between commit and publish)."""
    return services.notifications_deliver(stale=True)
