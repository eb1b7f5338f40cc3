"""Deadline-event handlers of billing (registered from BillingConfig.ready)."""

from sla.hooks import on_deadline_event

from . import services
from .models import BillRun


@on_deadline_event(services.ANNOUNCEMENT_KIND)
def announce_at_the_deadline(event):
    if event.kind == event.Kind.BREACH:
        services.bill_run_announce(run=BillRun.objects.get(pk=event.deadline.object_id))
