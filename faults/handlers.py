"""Deadline hooks of the faults app (registered from FaultsConfig.ready()).

F2.4: a ticket not cleared within 30 minutes has its ``fault-broadcast``
deadline breached; the hook tells the business departments (SMS, with an
email copy to IT management, supervisors and the manager).

The 5/15/30 ladder itself needs no hook: the sweeper notifies each rung's role
and records the reassignment on the repair deadline (``escalated_to_role``),
which the ticket shows. Keeping the repair deadline free of handlers keeps
the sweeper's path short (bench/faults.py).
"""

from sla.hooks import on_deadline_event

from .services import BROADCAST, fault_broadcast_due


@on_deadline_event(BROADCAST)
def on_broadcast_deadline_event(event) -> None:
    if event.kind != event.Kind.BREACH:
        return
    fault_broadcast_due(ticket_id=event.deadline.object_id, at=event.fired_at)
