"""Writes of the deadline engine: start, pause, resume, meet, cancel, sweep,
notify and deliver, and the audit trail (SPEC §5).

Every function here takes keyword arguments and does its own locking; callers
(views, API, admin, Celery tasks and other apps' services) never write these
models directly."""

from .audit import audit_record
from .deadlines import (
    NoPolicy,
    deadline_assess,
    deadline_cancel,
    deadline_meet,
    deadline_pause,
    deadline_reassign,
    deadline_resume,
    deadline_start,
)
from .month import month_close, month_stats_freeze
from .notifications import notification_mark_read, notifications_deliver, notify, notify_addresses
from .pauses import open_pause_of, pause_approve, pause_end, pause_reasons_for, pause_reject, pause_request
from .sweeper import FALLBACK_RECIPIENTS, SweepResult, deadline_events_handle, sweep_due_deadlines

__all__ = [
    "FALLBACK_RECIPIENTS",
    "NoPolicy",
    "SweepResult",
    "audit_record",
    "deadline_assess",
    "deadline_cancel",
    "deadline_events_handle",
    "deadline_meet",
    "deadline_pause",
    "deadline_reassign",
    "deadline_resume",
    "deadline_start",
    "month_close",
    "month_stats_freeze",
    "notification_mark_read",
    "notifications_deliver",
    "notify",
    "notify_addresses",
    "open_pause_of",
    "pause_approve",
    "pause_end",
    "pause_reasons_for",
    "pause_reject",
    "pause_request",
    "sweep_due_deadlines",
]
