"""Problems (F2.5): a root cause behind one or more fault tickets, worked and closed.

A problem is opened from a ticket (``problem_create_from_ticket``) or on its own page with any tickets
of its department the person may see (``problem_create``); further tickets are linked by number; it is
started with the upgrade plan and closed with the root cause and the fix (both required)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, Invalid
from org.models import Department, User
from sla import services as sla
from sla.workflow import TransitionConflict

from .. import rules
from ..models import FaultTicket, Problem
from ._common import _transition


def problem_create_from_ticket(*, ticket: FaultTicket, by: User, title: str = "", description: str = "") -> Problem:
    if not rules.may_create_problem(ticket, by):
        raise PermissionDenied
    with transaction.atomic():
        problem = Problem.objects.create(
            title=title or ticket.title,
            description=description or ticket.description,
            department=ticket.handling_department,
            created_by=by,
        )
        FaultTicket.objects.filter(pk=ticket.pk).update(problem=problem)
        sla.audit_record(subject=problem, actor=by, transition="create", to_state=problem.state, comment=ticket.number)
    return problem


def _check_tickets(tickets, *, department_id: int, by: User, field: str) -> None:
    """Scope holds in payloads (issue 11): only tickets the user may see, of the problem's department."""
    from ..selectors import tickets_visible_to  # selectors import this package

    ids = {t.pk for t in tickets}
    visible = set(tickets_visible_to(by).filter(pk__in=ids).values_list("pk", flat=True))
    if any(t.handling_department_id != department_id or t.pk not in visible for t in tickets):
        raise ValidationError({field: _("This ticket belongs to another department.")})


def problem_create(*, by: User, title: str, department: Department, description: str = "", tickets=()) -> Problem:
    """F2.5: open a problem record of ``department`` (the person's own) with ``tickets`` linked."""
    if not rules.may_create_problem_in(department.pk, by):
        raise Forbidden(
            _("Only the department's admin, supervisors, managers, leaders or IT operators open a problem.")
        )
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the problem a title."), fields={"title": [_("Give the problem a title.")]})
    tickets = list(tickets)
    _check_tickets(tickets, department_id=department.pk, by=by, field="tickets")
    with transaction.atomic():
        problem = Problem.objects.create(
            title=title, description=(description or "").strip(), department=department, created_by=by
        )
        FaultTicket.objects.filter(pk__in=[t.pk for t in tickets]).update(problem=problem)
        numbers = " ".join(t.number for t in tickets)
        sla.audit_record(subject=problem, actor=by, transition="create", to_state=problem.state, comment=numbers)
    return problem


def problem_link_ticket(*, problem: Problem, ticket: FaultTicket, by: User) -> Problem:
    if not rules.may_link_problem(problem, by):
        raise PermissionDenied
    if problem.state == Problem.State.CLOSED:
        raise TransitionConflict(_("The problem is closed."))
    _check_tickets([ticket], department_id=problem.department_id, by=by, field="ticket")
    with transaction.atomic():
        FaultTicket.objects.filter(pk=ticket.pk).update(problem=problem)
        sla.audit_record(subject=problem, actor=by, transition="link", comment=ticket.number)
    return problem


def _require_text(problem: Problem, by: User, texts: dict, message: str, code: str) -> None:
    """``Invalid`` (400, ``code``) naming each empty field — only for someone who may take the step now
    (the wrong person still gets 403, a closed problem 409, from the transition)."""
    missing = {name: [label] for name, (value, label) in texts.items() if not (value or "").strip()}
    if missing and rules.may_manage_problem(problem, by) and problem.state != Problem.State.CLOSED:
        raise Invalid(message, code=code, fields=missing)


def problem_start(*, problem: Problem, by: User, plan: str = "") -> Problem:
    """F2.5: the upgrade starts with its plan."""
    _require_text(
        problem, by, {"plan": (plan, _("Give the upgrade plan."))}, _("Give the upgrade plan."), "plan_required"
    )
    return _transition(problem, "start", by=by, comment=plan, plan=plan.strip())


def problem_close(*, problem: Problem, by: User, root_cause: str = "", fix: str = "", conclusion: str = "") -> Problem:
    """F2.5: closed with the root cause and the fix that removes it for good (both required)."""
    _require_text(
        problem,
        by,
        {"root_cause": (root_cause, _("Give the root cause.")), "fix": (fix, _("Give the fix."))},
        _("Give the root cause and the fix."),
        "root_cause_and_fix_required",
    )
    comment = "\n".join(t for t in (root_cause.strip(), fix.strip(), conclusion.strip()) if t)
    return _transition(
        problem,
        "close",
        by=by,
        comment=comment,
        at=timezone.now(),
        root_cause=root_cause.strip(),
        fix=fix.strip(),
        conclusion=conclusion.strip(),
    )
