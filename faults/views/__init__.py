"""Pages of the faults app, one module per resource."""

from .events import event_board
from .tickets import act, detail, queue, report

__all__ = ["act", "detail", "event_board", "queue", "report"]
