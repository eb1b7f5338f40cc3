"""Problems (F2.5): a root cause behind one or more fault tickets, worked and closed."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import has_role_in
from org.models import User
from org.roles import Role
from sla import services as sla
from sla.workflow import TransitionConflict

from .. import rules
from ..models import LEAD_ROLES, FaultTicket, Problem
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


def problem_link_ticket(*, problem: Problem, ticket: FaultTicket, by: User) -> Problem:
    if not has_role_in(by, (Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR), problem.department):
        raise PermissionDenied
    if problem.state == Problem.State.CLOSED:
        raise TransitionConflict(_("The problem is closed."))
    from ..selectors import tickets_visible_to  # selectors import this package

    # Scope holds in payloads (issue 11): only a ticket the user may see, of the problem's department.
    visible = tickets_visible_to(by).filter(pk=ticket.pk).exists()
    if ticket.handling_department_id != problem.department_id or not visible:
        raise ValidationError({"ticket": _("This ticket belongs to another department.")})
    with transaction.atomic():
        FaultTicket.objects.filter(pk=ticket.pk).update(problem=problem)
        sla.audit_record(subject=problem, actor=by, transition="link", comment=ticket.number)
    return problem


def problem_start(*, problem: Problem, by: User, plan: str = "") -> Problem:
    return _transition(problem, "start", by=by, comment=plan, plan=plan)


def problem_close(*, problem: Problem, by: User, conclusion: str = "") -> Problem:
    return _transition(problem, "close", by=by, comment=conclusion, at=timezone.now(), conclusion=conclusion)
