"""Who may take each action on a fault, a problem, a quality event or a complaint (issue 12 §2): one
predicate per action, ``(record, user) -> bool``.

For a transition the predicate is the ``permission=`` of the model's ``@transition`` (checked by
``sla.workflow.apply_transition`` with the source states and conditions); for an action that is no
transition (a workaround on a fault in progress, helpers, notices, a problem record) the service checks
it and refuses with ``Forbidden``. The ticket page builds its buttons from the same callables
(``core.actions.available_actions`` with ``TICKET_BUTTONS``).

This module imports no model (the models import it): records are read through their attributes.
"""

from core.actions import Rule
from org.access import has_role_in, reads_everything
from org.roles import Dept, Role

HANDLER_ROLES = (
    Role.BACK_MEMBER,
    Role.BACK_ADMIN,
    Role.SUPERVISOR,
    Role.DEPT_MANAGER,
    Role.LEADER,
    Role.IT_OPERATOR,
)
LEAD_ROLES = (Role.SUPERVISOR, Role.DEPT_MANAGER, Role.LEADER)
WRITER_ROLES = tuple(r for r in Role if r not in (Role.AUDITOR, Role.VIEWER))


def _holds_in(user, roles, department_id) -> bool:
    """Holds one of ``roles`` (and may write) in the department ``department_id`` (any, when None:
    ``org.access.has_role_in`` read by id, so the page needs no department row)."""
    return has_role_in(user, roles, None) and (department_id is None or user.department_id == department_id)


def _is_dispatcher(user) -> bool:
    return has_role_in(user, (Role.DISPATCHER,), None)


# --- fault tickets (F2.1–F2.5) ------------------------------------------------------------------


def is_handler(ticket, user) -> bool:
    """F2.2: the handling department acknowledges, works on and resolves its fault."""
    return _holds_in(user, HANDLER_ROLES, ticket.handling_department_id)


def may_verify(ticket, user) -> bool:
    """F2.2: closing after verification / reopening: the reporter, the Center, or the handling department's leads."""
    if not user.is_authenticated:
        return False
    if ticket.reporter_id == user.pk:
        return True
    if reads_everything(user) and _is_dispatcher(user):
        return True
    return _holds_in(user, LEAD_ROLES, ticket.handling_department_id)


def may_record_workaround(ticket, user) -> bool:
    """F2.2: the handling department records a temporary workaround (before the work starts, recording
    it starts the work: the same people)."""
    return is_handler(ticket, user)


def may_add_helpers(ticket, user) -> bool:
    """F2.3: the supervisor (or a higher lead) of the handling department pulls in others."""
    return _holds_in(user, LEAD_ROLES, ticket.handling_department_id)


def may_send_recovery_notice(ticket, user) -> bool:
    """F2.4: the handling department or the Center announces the recovery."""
    return is_handler(ticket, user) or _is_dispatcher(user)


def may_publish_explanation(ticket, user) -> bool:
    """F2.4: the handling department's leads or admin, or the Center, publish the explanation notice."""
    return _holds_in(user, (*LEAD_ROLES, Role.BACK_ADMIN), ticket.handling_department_id) or _is_dispatcher(user)


def may_create_problem(ticket, user) -> bool:
    """F2.5: the handling department's admin, leads or IT operators open a problem record from a fault."""
    return _holds_in(user, (Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR), ticket.handling_department_id)


def is_resolved(ticket) -> bool:
    return ticket.state in ("resolved", "closed")


def may_manage_problem(problem, user) -> bool:
    """F2.5: the owning department starts and closes the upgrade."""
    return _holds_in(user, HANDLER_ROLES, problem.department_id)


# --- quality events (F2.6–F2.8) and complaints (F2.9) -------------------------------------------


def is_custsvc(user) -> bool:
    """客户服务部, with a role that may write."""
    return bool(
        user.is_authenticated
        and user.department_id
        and user.department.code == Dept.CUSTSVC
        and has_role_in(user, [r for r in Role if r not in (Role.AUDITOR, Role.VIEWER)], None)
    )


def may_report_event(event, user) -> bool:
    return has_role_in(user, WRITER_ROLES, None)


def may_publish_event(event, user) -> bool:
    return is_custsvc(user) or _is_dispatcher(user)


def may_rectify(event, user) -> bool:
    return may_publish_event(event, user) or _holds_in(user, WRITER_ROLES, event.business_department_id)


def may_answer(complaint, user) -> bool:
    return is_custsvc(user) or _holds_in(user, HANDLER_ROLES + (Role.DISPATCHER,), complaint.department_id)


# --- the ticket page's buttons (core.actions.available_actions): name -> the transition's name, or
# (who, when) for an action that is no transition.

TICKET_BUTTONS: dict[str, Rule] = {
    "acknowledge": "acknowledge",
    "workaround": (may_record_workaround, lambda ticket: ticket.is_open),
    "resolve": "resolve",
    "helpers": (may_add_helpers, lambda ticket: ticket.is_open),
    "recovery": (may_send_recovery_notice, is_resolved),
    "explanation": (may_publish_explanation, is_resolved),
    "close": "close",
    "reopen": "reopen",
    "problem": (may_create_problem, lambda ticket: not ticket.problem_id),
}


# --- the complaint page's buttons (issue 15 §4). The appeal also needs ``services.appeal_open`` (a late
# reply or an unsatisfied customer), which reads the reply deadline: the page ANDs it in, as the service does.


def is_appealed(complaint) -> bool:
    return complaint.state == "appealed"


COMPLAINT_BUTTONS: dict[str, Rule] = {
    "answer": "answer_complaint",
    "follow_up": "record_satisfaction",
    "appeal": "appeal",
    "escalate": (may_answer, is_appealed),
    "close_appeal": "close_appeal",
}
