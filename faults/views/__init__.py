"""Pages of the faults app, one module per resource."""

from .complaints import complaint_act, complaint_detail, complaint_new, complaint_queue, suggestion_apply
from .events import event_board
from .tickets import act, detail, queue, report

__all__ = [
    "act",
    "detail",
    "event_board",
    "queue",
    "report",
    "complaint_act",
    "complaint_detail",
    "complaint_new",
    "complaint_queue",
    "suggestion_apply",
]
