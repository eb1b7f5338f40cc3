"""Who may take each step of an account request (issue 12 §2, A3.1): one predicate per action,
``(request, user) -> bool``.

Each is the ``permission=`` of the request's ``@transition`` (checked by ``sla.workflow.apply_transition``
with the source states); the services refuse a request that concerns the person first, with its own
message (issue 11); the request's page builds its buttons from the same callables
(``core.actions.available_actions`` with ``REQUEST_BUTTONS``).

This module imports none of this app's models (they import it); the organisation's checks
(``org.access``) sit on the floor below and are imported as usual.
"""

from core.actions import Rule
from org.access import has_role_in
from org.roles import Role


def concerns(request, user) -> bool:
    """Issue 11: nobody approves or carries out a request they filed or that concerns themselves."""
    return user.pk is not None and user.pk in (request.requester_id, request.target_user_id)


def _holds_in(user, role, department_id) -> bool:
    """``org.access.has_role_in`` read by id (any department when None), so a page needs no row."""
    return has_role_in(user, [role], None) and (department_id is None or user.department_id == department_id)


def may_approve_as_manager(request, user) -> bool:
    """A3.1: the requester's department manager approves first."""
    return _holds_in(user, Role.DEPT_MANAGER, request.requester_department_id) and not concerns(request, user)


def may_approve_as_business(request, user) -> bool:
    """A3.1: the manager of the business department owning the scope approves next."""
    return _holds_in(user, Role.DEPT_MANAGER, request.scope_department_id) and not concerns(request, user)


def may_approve_as_leader(request, user) -> bool:
    """A3.1: an escalated request: the scope department's leader in charge decides."""
    return _holds_in(user, Role.LEADER, request.scope_department_id) and not concerns(request, user)


def may_act_as_it(request, user) -> bool:
    """A3.1: an IT operator carries the request out (or escalates it)."""
    return _holds_in(user, Role.IT_OPERATOR, None) and not concerns(request, user)


def may_reject(request, user) -> bool:
    """Whoever may take the current step may refuse it instead."""
    check = {
        "submitted": may_approve_as_manager,
        "manager_approved": may_approve_as_business,
        "escalated": may_approve_as_leader,
        "approved": may_act_as_it,
    }.get(request.state)
    return bool(check and check(request, user))


# --- the request page's buttons (core.actions.available_actions): its step's URL name -> transition.

REQUEST_BUTTONS: dict[str, Rule] = {
    "manager-approve": "manager_approve",
    "business-approve": "business_approve",
    "escalate": "escalate",
    "leader-approve": "leader_approve",
    "complete": "complete",
    "reject": "reject",
}
