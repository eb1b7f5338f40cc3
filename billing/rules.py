"""Who may take each action on a bill run (issue 12 §2): one predicate per action, ``(run, user) -> bool``.

Each is the ``permission=`` of the run's ``@transition`` (checked by ``sla.workflow.apply_transition``
with the source states), and the services refuse with its message first (``_require_it_role``); the run's
page builds its buttons from the same callables (``core.actions.available_actions`` with ``RUN_BUTTONS``).

This module imports no model (the models import it).
"""

from core.actions import Rule
from org.access import has_role_in
from org.roles import Dept, Role

WRITER_ROLES = tuple(role for role in Role if role not in (Role.AUDITOR, Role.VIEWER))


def is_it_staff(user, *roles) -> bool:
    """IT Management (信息化管理部) staff holding one of ``roles`` (and who may write)."""
    return (
        user is not None
        and has_role_in(user, roles, None)
        and bool(user.department_id)
        and getattr(user.department, "code", "") == Dept.IT
    )


def is_it_operator(run, user) -> bool:
    """B4.2: the IT operator checks the data, signs the check report and pre-processes."""
    return is_it_staff(user, Role.IT_OPERATOR)


def may_verify(run, user) -> bool:
    """B4.2, four eyes: a second IT operator, never the run's operator, verifies."""
    return is_it_operator(run, user) and run.operator_id != user.pk


def is_it_supervisor(run, user) -> bool:
    """B4.2: the supervisor publishes the run or challenges it."""
    return is_it_staff(user, Role.SUPERVISOR)


def may_roll_back(run, user) -> bool:
    """B4.2: the operator or the supervisor rolls a run back (void its invoices, start again)."""
    return is_it_staff(user, Role.IT_OPERATOR, Role.SUPERVISOR)


def may_report_anomaly(run, user) -> bool:
    """B4.2: IT Management staff report an anomaly at once (auditors and viewers change nothing)."""
    return is_it_staff(user, *WRITER_ROLES)


def may_assign_operator(run, user) -> bool:
    """Issue 14 (B4.2/B4.3, who runs it): an IT supervisor names another operator for a run."""
    return is_it_supervisor(run, user)


def run_not_published(run) -> bool:
    """A run's operator changes until it is published (``"published"``: this module imports no model)."""
    return run.state != "published"


def may_work_on(work_order, user) -> bool:
    """B4.5: a back-office admin or member of the work order's department (网络监控中心) accepts it and
    reports it done."""
    return user is not None and has_role_in(user, (Role.BACK_ADMIN, Role.BACK_MEMBER), work_order.department)


# --- the run page's buttons (core.actions.available_actions): name -> the transition's name, or
# (who, when) for an action that is no transition.

RUN_BUTTONS: dict[str, Rule] = {
    "start_check": "start_check",
    "sign_check": "sign_check",
    "finish_preprocessing": "finish_preprocessing",
    "verify": "verify",
    "publish": "publish",
    "challenge": "challenge",
    "roll_back": "roll_back",
    "anomaly": (may_report_anomaly, None),
    "assign": (may_assign_operator, run_not_published),
}

# B4.5: the work-order queue's buttons.
WORK_ORDER_BUTTONS: dict[str, Rule] = {"accept": "accept", "done": "done"}

# --- adjustments under four eyes (B4.4, issue 14 §3) ------------------------------------------------
# An IT operator or a billing clerk (an IT Management back-office member) requests a correction;
# another of them approves or rejects it — never its requester.

ADJUSTMENT_ROLES = (Role.IT_OPERATOR, Role.BACK_MEMBER)


def may_request_adjustment(user) -> bool:
    """B4.4: IT operators and billing clerks of IT Management request adjustments."""
    return is_it_staff(user, *ADJUSTMENT_ROLES)


def may_decide_adjustment(adjustment, user) -> bool:
    """B4.4, four eyes: another IT operator or billing clerk, never the requester, approves or rejects."""
    return may_request_adjustment(user) and adjustment.requested_by_id != user.pk


ADJUSTMENT_BUTTONS: dict[str, Rule] = {"approve": "approve", "reject": "reject"}
