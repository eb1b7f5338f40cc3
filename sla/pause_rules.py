"""Who may request, decide and end a pause (S5.3): one predicate per action, ``(record, user) -> bool``.

A reason names the roles that may request and the roles that must approve; the subject's app says who
works on the subject and who decides for it (``sla.pause_subjects``). The pause's transitions use these
as their ``permission=``; the pages build their buttons from the same callables.
This module imports no model (the models import it).
"""

from org.access import has_role_in

from .pause_subjects import pause_subject


def may_request(subject, reason, user) -> bool:
    """A person working on the subject who holds one of the reason's requesting roles."""
    return (
        has_role_in(user, reason.request_roles, None)
        and reason.applies_to(subject)
        and pause_subject(subject).involved(subject, user)
    )


def may_request_any(subject, reasons, user) -> bool:
    return any(may_request(subject, reason, user) for reason in reasons)


def can_request(subject) -> bool:
    """…while the subject's state allows a pause."""
    return pause_subject(subject).can_pause(subject)


def may_approve(pause, user) -> bool:
    """The subject's decider (the Center's dispatcher, a ticket's supervisor) holding an approving role."""
    subject = pause.subject
    return (
        subject is not None
        and has_role_in(user, pause.reason.approve_roles, None)
        and pause_subject(subject).approver(subject, user)
    )


def may_end(pause, user) -> bool:
    """Whoever could have asked for it or decided it resumes the clock."""
    subject = pause.subject
    return subject is not None and (may_approve(pause, user) or may_request(subject, pause.reason, user))


PAUSE_BUTTONS = {"approve": "approve", "reject": "reject", "end": "end"}
