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


# --- the 24-hour contact roster and phone follow-ups (seed 003 第八条) -------------------------------

ROSTER_ROLES = (Role.FRONT_ADMIN, Role.BACK_ADMIN, Role.DEPT_MANAGER, Role.SUPERVISOR)


def may_edit_contacts(department, user) -> bool:
    """A department keeps its own contact persons (its admins, supervisor, manager); 客户服务部, which
    calls them, keeps everyone's."""
    if not user.is_authenticated:
        return False
    if user.is_superuser or is_custsvc(user):
        return True
    return department is not None and _holds_in(user, ROSTER_ROLES, department.pk)


def may_record_call(event, user) -> bool:
    """After a report the reporting department calls 客户服务部; after a publication 客户服务部 calls the
    recipients: the reporting department (the event's creator's), 客户服务部 or the Center."""
    if is_custsvc(user) or _is_dispatcher(user):
        return True
    creator = event.created_by
    return creator is not None and _holds_in(user, WRITER_ROLES, creator.department_id)


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


# --- problems in the browser (F2.5) -------------------------------------------------------------

PROBLEM_CREATORS = (Role.BACK_ADMIN, *LEAD_ROLES, Role.IT_OPERATOR)


def may_create_problem_in(department_id, user) -> bool:
    """F2.5: a problem record is opened by the admin, leads or IT operators of its owning department
    (the same people as from a ticket, ``may_create_problem``)."""
    return _holds_in(user, PROBLEM_CREATORS, department_id)


def may_link_problem(problem, user) -> bool:
    """F2.5: the owning department's admin, leads or IT operators link further tickets."""
    return _holds_in(user, PROBLEM_CREATORS, problem.department_id)


def problem_is_open(problem) -> bool:
    return problem.state != "closed"


PROBLEM_BUTTONS: dict[str, Rule] = {
    "link": (may_link_problem, problem_is_open),
    "start": "start",
    "close": "close",
}


# --- rectification notices (整改通知, seed 002) -------------------------------------------------

# Seed 002 (监督与检查): the supervising function issues the notice. Here: 客户服务部, the Center's
# dispatchers, the leaders (分管领导) and every department manager (部门经理).
RECTIFICATION_ISSUER_ROLES = (Role.LEADER, Role.DEPT_MANAGER)
# The responsible department's admins answer; its supervisor and manager may answer for them.
RECTIFICATION_ANSWER_ROLES = (Role.BACK_ADMIN, Role.FRONT_ADMIN, Role.SUPERVISOR, Role.DEPT_MANAGER)


def may_issue_rectification(user) -> bool:
    """Seed 002: who issues a rectification notice (限期整改), on behalf of their department."""
    if not getattr(user, "department_id", None):
        return False
    return is_custsvc(user) or _is_dispatcher(user) or has_role_in(user, RECTIFICATION_ISSUER_ROLES, None)


def may_answer_rectification(notice, user) -> bool:
    """Seed 002: the responsible department's admins (or its supervisor / manager) answer."""
    return _holds_in(user, RECTIFICATION_ANSWER_ROLES, notice.to_department_id)


def may_close_rectification(notice, user) -> bool:
    """Seed 002 (跟踪整改落实情况): the issuer accepts the answer and closes, or rejects it; the issuing
    department's manager or leader may stand in for the issuer."""
    if not has_role_in(user, WRITER_ROLES, None):
        return False
    return notice.issued_by_id == user.pk or _holds_in(
        user, (Role.DEPT_MANAGER, Role.LEADER), notice.issuing_department_id
    )


RECTIFICATION_BUTTONS: dict[str, Rule] = {
    "answer": "answer_notice",
    "close": "close",
    "reject": "reject",
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
