"""Every write of the responses app (SPEC §1): keyword-only ``<entity>_<action>`` functions.

Transitions go through ``sla.workflow.apply_transition`` (row lock, permission, audit entry);
deadlines through ``sla.services``. Views, the API, the admin and tasks call these.

One module per resource: ``orders`` (create, submit, sign-off, accept, dispatch, complete,
confirm …), ``steps``, ``special_orders``, ``requisitions``, ``phone_dispatch``,
``contact_orders``, ``equipment``, ``circuits``, ``expansion``, ``recovery``, ``builds`` and ``month`` (quota
and the month close); what they share is in ``_common``. This package re-exports every public
name, so ``from responses import services; services.order_submit(...)`` and
``from responses.services import order_create`` stay the way to call them.
"""

from ._common import (
    CONFIRMATION,
    LEVEL_BELOW,
    NETBUILD,
    NEW_BUILD,
    PROVISIONING,
    REQUISITION,
    STEP_RESOURCE,
)
from .builds import (
    build_decision_decide,
    build_decision_estimate,
    build_decision_raise,
)
from .circuits import circuit_record_first_use
from .contact_orders import (
    contact_order_answer,
    contact_order_cancel,
    contact_order_create,
)
from .equipment import (
    equipment_need_add,
    equipment_need_deliver,
    equipment_need_remove,
    equipment_send_emergency,
    equipment_send_half_month,
    purchase_list_send,
    step_charge_procurement_overtime,
)
from .expansion import (
    expansion_request_plan,
    expansion_request_raise,
)
from .month import (
    A_FLOOR_GOV_ENTERPRISE,
    GOV_ENTERPRISE,
    QuotaUsage,
    month_close_quota,
    quota_limits,
    quota_usage,
)
from .orders import (
    AGREEMENT_CLAUSES,
    ORDER_FIELDS,
    REQUESTED_COMPLETION_AHEAD,
    attachment_add,
    order_accept,
    order_add_notes,
    order_archive,
    order_auto_confirm,
    order_cancel,
    order_complete,
    order_confirm,
    order_create,
    order_dispatch,
    order_mark_no_resources,
    order_return_for_clarification,
    order_send_worker_names,
    order_sign,
    order_submit,
    order_update,
    order_validate_content,
)
from .phone_dispatch import (
    order_backfill,
    phone_dispatch_record,
)
from .recovery import (
    RECOVERY_ORDER_STATES,
    recovery_check_quarter,
    recovery_entry_check,
    recovery_record,
)
from .requisitions import (
    requisition_answer,
    requisition_dispatch,
    requisition_raise,
)
from .responsibility import (
    admin_unreachable_record,
    lost_equipment_record,
    noncooperation_record,
)
from .special_orders import (
    special_order_approve,
    special_order_close,
    special_order_reject,
    special_order_request,
)
from .steps import (
    return_overtime,
    step_accept,
    step_return,
)

__all__ = [
    "PROVISIONING",
    "NEW_BUILD",
    "STEP_RESOURCE",
    "REQUISITION",
    "CONFIRMATION",
    "NETBUILD",
    "LEVEL_BELOW",
    "ORDER_FIELDS",
    "AGREEMENT_CLAUSES",
    "order_validate_content",
    "REQUESTED_COMPLETION_AHEAD",
    "order_create",
    "order_update",
    "attachment_add",
    "order_submit",
    "order_sign",
    "order_accept",
    "order_return_for_clarification",
    "order_cancel",
    "order_add_notes",
    "order_mark_no_resources",
    "order_dispatch",
    "order_complete",
    "order_confirm",
    "order_auto_confirm",
    "order_archive",
    "order_send_worker_names",
    "step_accept",
    "return_overtime",
    "step_return",
    "special_order_request",
    "noncooperation_record",
    "lost_equipment_record",
    "admin_unreachable_record",
    "special_order_approve",
    "special_order_reject",
    "special_order_close",
    "requisition_raise",
    "requisition_dispatch",
    "requisition_answer",
    "phone_dispatch_record",
    "order_backfill",
    "contact_order_create",
    "contact_order_answer",
    "contact_order_cancel",
    "equipment_send_half_month",
    "equipment_send_emergency",
    "equipment_need_add",
    "equipment_need_remove",
    "equipment_need_deliver",
    "purchase_list_send",
    "step_charge_procurement_overtime",
    "circuit_record_first_use",
    "expansion_request_raise",
    "expansion_request_plan",
    "RECOVERY_ORDER_STATES",
    "recovery_record",
    "recovery_check_quarter",
    "recovery_entry_check",
    "build_decision_raise",
    "build_decision_estimate",
    "build_decision_decide",
    "GOV_ENTERPRISE",
    "A_FLOOR_GOV_ENTERPRISE",
    "QuotaUsage",
    "quota_limits",
    "quota_usage",
    "month_close_quota",
]
