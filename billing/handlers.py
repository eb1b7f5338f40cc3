"""Deadline-event handlers of billing (registered from BillingConfig.ready)."""

from sla.hooks import on_deadline_event

from . import services
from .models import BillRun


@on_deadline_event(services.ANNOUNCEMENT_KIND)
def announce_at_the_deadline(event):
    """B4.2/B4.3: the warning before the deadline goes to IT; the breach (the deadline itself, fired once
    by the sweeper) announces the outcome whatever the run's state."""
    if event.kind == event.Kind.WARNING:
        services.bill_run_warn(run=BillRun.objects.get(pk=event.deadline.object_id))
    elif event.kind == event.Kind.BREACH:
        services.bill_run_announce(run=BillRun.objects.get(pk=event.deadline.object_id))
