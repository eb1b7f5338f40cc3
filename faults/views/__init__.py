"""Pages of the faults app, one module per resource."""

from .contacts import contact_add, contact_remove, roster
from .events import event_board, event_call, event_detail
from .tickets import act, detail, queue, report

__all__ = [
    "act", "contact_add", "contact_remove", "detail", "event_board", "event_call", "event_detail", "queue", "report",
    "roster",
]  # fmt: skip
