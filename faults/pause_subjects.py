"""Fault tickets as subjects of reasoned pauses (S5.3; registered from FaultsConfig.ready).

The handling department asks (waiting for the customer, a third party, an access pass); its
supervisor (or a higher lead) decides. The repair clock and its 5/15/30-minute ladder move by the pause.
"""

from django.urls import reverse

from sla.pause_subjects import register_pause_subject

from . import rules


def _approver(ticket, user) -> bool:
    return rules.may_add_helpers(ticket, user)  # the handling department's supervisor or a higher lead


def register() -> None:
    from . import selectors

    register_pause_subject(
        "faults.faultticket",
        lookup=selectors.get_ticket_for,
        url=lambda ticket: reverse("faults:detail", args=[ticket.pk]),
        involved=rules.is_handler,
        approver=_approver,
        can_pause=lambda ticket: ticket.is_open,
    )
