"""Who may take each action on an order and its parts (issue 12 §2): one predicate per action.

Each predicate is ``(record, user) -> bool`` and decides *who* may act (role, department, read-only).
For a transition it is the ``permission=`` of the model's ``@transition`` (so ``apply_transition``
checks it, with the transition's source states and conditions); for an action that is no transition
(a note, an attachment, …) the service checks it and raises ``Forbidden``. The pages build their
buttons from the same callables (``core.actions.available_actions`` with the tables at the end), so a
page shows a button exactly when the service would take it.

This module imports no model (the models import it): records are read through their attributes.
"""

from core.actions import Rule
from org.access import has_role_in, is_center, is_center_dispatcher, is_read_only
from org.roles import Dept, Role

BACK_ROLES = (Role.BACK_MEMBER, Role.BACK_ADMIN)


def _in_department(user, department_id) -> bool:
    """In the department ``department_id`` (any, when None: as ``org.access.has_role_in`` reads it)."""
    return department_id is None or user.department_id == department_id


# --- the Center ------------------------------------------------------------------------------------


def is_dispatcher(record, user) -> bool:
    """A dispatcher of the Center (or a superuser holding the role): accepts, dispatches, decides (R1.3, R1.10)."""
    return has_role_in(user, [Role.DISPATCHER], None) and (user.is_superuser or is_center(user))


def may_add_notes(order, user) -> bool:
    """R1.12: the Center writes the mediation notes."""
    return is_center_dispatcher(user)


def may_mark_no_resources(order, user) -> bool:
    """R1.18: the Center marks an order that has no resources (a new build)."""
    return is_center_dispatcher(user)


def can_mark_no_resources(order) -> bool:
    """…while it is open and not marked yet."""
    return order.state in type(order).OPEN_STATES and not order.no_resources


# --- the front office ----------------------------------------------------------------------------


def is_front_admin_of_order(order, user) -> bool:
    """R1.1/R1.6: the front department's admin submits, confirms and cancels its order."""
    return has_role_in(user, [Role.FRONT_ADMIN], None) and _in_department(user, order.front_department_id)


def is_leader_of_order(order, user) -> bool:
    """R1.5: 政企客户部's director, other front departments' leader in charge (both hold "leader")."""
    return has_role_in(user, [Role.LEADER], None) and _in_department(user, order.front_department_id)


# --- the back office -----------------------------------------------------------------------------


def works_on_order(order, user) -> bool:
    """A back-office member or admin of a department that has a step of the order (read from the
    prefetched ``order.steps`` where the page loaded them)."""
    return has_role_in(user, BACK_ROLES, None) and any(
        step.department_id == user.department_id for step in order.steps.all()
    )


def may_attach(order, user) -> bool:
    """R1.1/R1.20: the front department's admin, or a back-office department working on the order."""
    return is_front_admin_of_order(order, user) or works_on_order(order, user)


def may_record_recovery(order, user) -> bool:
    """R1.16: a back-office department working on a decommission order records what it recovered."""
    return works_on_order(order, user)


def may_raise_expansion(order, user) -> bool:
    """R1.15: 网络监控中心 (a back-office member or admin of it) asks 网络管理部 for an expansion."""
    return getattr(user.department, "code", "") == Dept.NMC and has_role_in(user, BACK_ROLES, None)


def is_member_of_step(step, user) -> bool:
    """R1.8: a back-office member or admin of the step's department accepts and returns it."""
    return has_role_in(user, BACK_ROLES, None) and _in_department(user, step.department_id)


def may_request_special_order(step, user) -> bool:
    """R1.10: the department doing the work requests a special order."""
    return is_member_of_step(step, user)


def can_request_special_order(step) -> bool:
    """…while the step is dispatched or accepted."""
    return step.state in ("accepted", "dispatched")


def dispatcher_or_assigned(requisition, user) -> bool:
    """R1.7: the Center answers a requisition itself, or the department it was dispatched to answers
    (a back-office member or admin of it)."""
    if is_dispatcher(requisition, user):
        return True
    return bool(
        requisition.assigned_department_id
        and has_role_in(user, BACK_ROLES, None)
        and user.department_id == requisition.assigned_department_id
    )


def is_member_of_target(contact, user) -> bool:
    """R1.13: the receiving department answers a work contact order."""
    return user.is_authenticated and user.department_id == contact.to_department_id and not is_read_only(user)


def is_member_of_sender(contact, user) -> bool:
    """R1.13: the sending department withdraws (cancels) its work contact order."""
    return user.is_authenticated and user.department_id == contact.from_department_id and not is_read_only(user)


def may_record_responsibility(order, user) -> bool:
    """Seed 000 §三.14, §四.2, §三.6, §四.16: the Center's dispatchers record non-cooperation, lost
    equipment and an unreachable order admin against any department."""
    return is_center_dispatcher(user)


def may_estimate_build(decision, user) -> bool:
    """R1.18: 网络建设部 estimates a new build's cost."""
    return user.is_authenticated and getattr(user.department, "code", "") == Dept.NETBUILD


def may_decide_build(decision, user) -> bool:
    """R1.18: 市场部's leader approves or rejects it."""
    return has_role_in(user, [Role.LEADER], None) and getattr(user.department, "code", "") == Dept.MARKET


# --- the side rules: equipment (R1.14), a circuit's first use (R1.17) -------------------------------

#: R1.14: the states in which an order's equipment needs may still change (not once it is completed).
EQUIPMENT_STATES = ("draft", "returned", "submitted", "awaiting_signoff", "accepted", "in_progress")


def _in_dept(user, code) -> bool:
    return getattr(getattr(user, "department", None), "code", "") == code


def may_edit_equipment(order, user) -> bool:
    """R1.14: the front department's admin enters what its order needs, the Center (which totals the
    needs) too; on a system-integration order 增值业务中心 draws up the purchase list."""
    if is_front_admin_of_order(order, user) or is_center_dispatcher(user):
        return True
    return order.business_type.is_system_integration and is_vas_member(order, user)


def can_edit_equipment(order) -> bool:
    return order.state in EQUIPMENT_STATES


def is_vas_member(record, user) -> bool:
    """A back-office member or admin of 增值业务中心 (system integration, R1.14)."""
    return has_role_in(user, BACK_ROLES, None) and _in_dept(user, Dept.VAS)


def may_send_purchase_list(order, user) -> bool:
    """R1.14: 增值业务中心 sends a system-integration order's purchase list to 网络建设部."""
    return is_vas_member(order, user)


def can_send_purchase_list(order) -> bool:
    return (
        order.business_type.is_system_integration
        and order.state in EQUIPMENT_STATES
        and any(n.sent_at is None for n in order.equipment_needs.all())
    )


def is_netbuild_member(record, user) -> bool:
    """R1.14: 网络建设部 buys the equipment and records its delivery."""
    return has_role_in(user, BACK_ROLES, None) and _in_dept(user, Dept.NETBUILD)


def can_deliver_need(need) -> bool:
    return need.sent_at is not None and need.delivered_at is None


def equipment_late_for(step) -> bool:
    """R1.14: some equipment the order needed was not delivered by the step's due time."""
    due = step.due_at
    return due is not None and any(
        n.delivered_at is None or n.delivered_at > due for n in step.order.equipment_needs.all()
    )


def may_charge_procurement(step, user) -> bool:
    """R1.14: the Center, which assesses, moves a step's overtime caused by late procurement to 网络建设部."""
    return is_center_dispatcher(user)


def can_charge_procurement(step) -> bool:
    return (
        step.state == "returned" and step.overtime and step.overtime_charged_to_id is None and equipment_late_for(step)
    )


def may_record_circuit_use(order, user) -> bool:
    """R1.17: the front department's admin (at confirmation, or later), the Center, or a back-office
    department that worked on the order records when the customer first used the circuit."""
    return is_front_admin_of_order(order, user) or is_center_dispatcher(user) or works_on_order(order, user)


def can_record_circuit_use(order) -> bool:
    return order.service_id is not None and order.circuit_first_used_on is None


# --- the buttons of the pages (core.actions.available_actions): name -> the transition's name, or
# (who, when) for an action that is no transition: ``who(record, user)``, ``when(record)`` (None: always).

ORDER_BUTTONS: dict[str, Rule] = {
    "submit": "submit",
    "sign": "sign",
    "accept": "accept",
    "clarify": "return_for_clarification",
    "dispatch": "dispatch",
    "no_resources": (may_mark_no_resources, can_mark_no_resources),
    "notes": (may_add_notes, None),
    "confirm": "confirm",
    "cancel": "cancel",
    "attach": (may_attach, None),
    "expansion": (may_raise_expansion, lambda order: order.business_type.is_expansion),
    "recovery": (may_record_recovery, lambda order: order.business_type.is_decommission),
    # Issue 13 §4: the order page's responsibility forms (responses/_order_responsibility.html).
    "noncooperation": (may_record_responsibility, None),
    "lost_equipment": (may_record_responsibility, None),
    "admin_unreachable": (may_record_responsibility, None),
}

STEP_BUTTONS: dict[str, Rule] = {
    "accept": "accept",
    "return": "return_",
    "special_order": (may_request_special_order, can_request_special_order),
}

EQUIPMENT_BUTTONS: dict[str, Rule] = {
    "edit": (may_edit_equipment, can_edit_equipment),
    "purchase_list": (may_send_purchase_list, can_send_purchase_list),
    "circuit_use": (may_record_circuit_use, can_record_circuit_use),
}

SPECIAL_BUTTONS: dict[str, Rule] = {
    "approve": "approve",
    "reject": "reject",
    "close": "close",
}
