"""Celery tasks of the faults app (the beat schedule is in config/settings.py)."""

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def suggest_event_levels():
    """Beat (hourly): the day's complaint counts suggest levels for open events (F2.9 → F2.7)."""
    return len(services.event_levels_suggest())
