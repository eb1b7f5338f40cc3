"""Pages of the faults app, one module per resource."""

from .complaints import complaint_act, complaint_detail, complaint_new, complaint_queue, suggestion_apply
from .contacts import contact_add, contact_remove, roster
from .events import event_board, event_call, event_detail
from .problems import problem_act, problem_detail, problem_list, problem_new
from .rectifications import (
    rectification_act,
    rectification_detail,
    rectification_evidence,
    rectification_list,
    rectification_new,
)
from .tickets import act, detail, queue, report

__all__ = [
    "act", "complaint_act", "complaint_detail", "complaint_new", "complaint_queue", "contact_add", "contact_remove",
    "detail", "event_board", "event_call", "event_detail", "queue", "report", "problem_act", "problem_detail",
    "problem_list", "problem_new", "rectification_act", "rectification_detail", "rectification_evidence",
    "rectification_list", "rectification_new", "roster", "suggestion_apply",
]  # fmt: skip
