"""Pages of the faults app, one module per resource."""

from .events import event_board
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
    "act",
    "detail",
    "event_board",
    "queue",
    "report",
    "problem_act",
    "problem_detail",
    "problem_list",
    "problem_new",
    "rectification_act",
    "rectification_detail",
    "rectification_evidence",
    "rectification_list",
    "rectification_new",
]
