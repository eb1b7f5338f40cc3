"""Every write of the faults app (SPEC F2.1–F2.9): keyword-only ``<entity>_<action>`` functions.

Views, the API, the admin, Celery tasks and the deadline hooks call these, so a
rule holds everywhere at once. Transitions go through
``sla.workflow.apply_transition`` (row lock, permission, audit entry); timed
obligations are deadlines of the shared engine.

One module per resource: ``tickets``, ``notices``, ``problems``, ``events`` (quality events),
``complaints`` and ``rectifications`` (seed 002); what they share is in ``_common``. This package
re-exports every public name, so
``from faults import services; services.fault_report(...)`` and
``from faults.services import REPAIR`` stay the way to call them.
"""

from ._common import (
    BROADCAST,
    RECOVERY,
    REPAIR,
)
from .complaints import (
    FOLLOW_UP,
    REPLY,
    STAGE_ORDER,
    appeal_open,
    complaint_answer,
    complaint_appeal,
    complaint_appeal_escalate,
    complaint_close_appeal,
    complaint_follow_up,
    complaint_receive,
    complaint_record_satisfaction,
    reply_limit,
    reply_overdue,
)
from .contacts import (
    CALL_KINDS,
    contact_add,
    contact_remove,
    contacts_on_duty,
    departments_to_call,
    event_record_call,
    pending_calls,
)
from .events import (
    FIGURES,
    event_apply_complaint_counts,
    event_close,
    event_create,
    event_hq_feedback,
    event_hq_plan,
    event_publish,
    event_recipients,
    event_report,
    event_send_script,
    event_start_rectification,
    event_submit_cause_plan,
    event_update_figures,
)
from .notices import (
    fault_broadcast,
    fault_broadcast_due,
    fault_draft_explanation,
    fault_publish_explanation,
    fault_send_recovery_notice,
    resolved_marker,
)
from .problems import (
    problem_close,
    problem_create,
    problem_create_from_ticket,
    problem_link_ticket,
    problem_start,
)
from .rectifications import (
    RECTIFY,
    rectification_answer,
    rectification_close,
    rectification_issue,
    rectification_reject,
)
from .suggestions import event_apply_suggestion, event_levels_suggest
from .tickets import (
    fault_acknowledge,
    fault_add_helpers,
    fault_close,
    fault_record_workaround,
    fault_reopen,
    fault_report,
    fault_resolve,
    fault_start_work,
    quick_fix,
    repeat_count,
    repeat_window,
)

__all__ = [
    "CALL_KINDS",
    "contact_add",
    "contact_remove",
    "contacts_on_duty",
    "departments_to_call",
    "event_record_call",
    "pending_calls",
    "REPAIR",
    "RECOVERY",
    "BROADCAST",
    "repeat_window",
    "repeat_count",
    "quick_fix",
    "fault_report",
    "fault_acknowledge",
    "fault_start_work",
    "fault_record_workaround",
    "fault_resolve",
    "fault_close",
    "fault_reopen",
    "fault_add_helpers",
    "fault_broadcast_due",
    "fault_broadcast",
    "fault_send_recovery_notice",
    "resolved_marker",
    "fault_draft_explanation",
    "fault_publish_explanation",
    "problem_create",
    "problem_create_from_ticket",
    "problem_link_ticket",
    "problem_start",
    "problem_close",
    "FIGURES",
    "event_create",
    "event_update_figures",
    "event_recipients",
    "event_report",
    "event_publish",
    "event_send_script",
    "event_submit_cause_plan",
    "event_hq_feedback",
    "event_hq_plan",
    "event_start_rectification",
    "event_close",
    "event_apply_complaint_counts",
    "complaint_receive",
    "complaint_answer",
    "complaint_record_satisfaction",
    "reply_overdue",
    "complaint_appeal",
    "complaint_close_appeal",
    "RECTIFY",
    "rectification_issue",
    "rectification_answer",
    "rectification_close",
    "rectification_reject",
    "REPLY",
    "FOLLOW_UP",
    "STAGE_ORDER",
    "appeal_open",
    "reply_limit",
    "complaint_follow_up",
    "complaint_appeal_escalate",
    "event_levels_suggest",
    "event_apply_suggestion",
]
