"""Let apps act when a deadline event fires (auto-confirm an order, hand a ticket up the ladder).

    from sla.hooks import on_deadline_event

    @on_deadline_event("order-confirmation")
    def auto_confirm(event):            # event: sla.models.DeadlineEvent
        if event.kind == event.Kind.BREACH:
            order_auto_confirm(order=event.deadline.subject)

Register handlers in a module the app imports from ``AppConfig.ready()``.
An event of a kind with handlers is recorded unhandled; a worker runs the
handlers and marks it handled in one transaction, so their database work
happens exactly once. If the worker dies or a handler raises, the retry sweep
runs them again (up to SLA_NOTIFICATION_MAX_ATTEMPTS), so handlers must check
the subject's state before acting.
"""

from collections import defaultdict
from collections.abc import Callable

_HANDLERS: dict[str, list[Callable]] = defaultdict(list)


def on_deadline_event(kind: str):
    def register(handler: Callable) -> Callable:
        if handler not in _HANDLERS[kind]:
            _HANDLERS[kind].append(handler)
        return handler

    return register


def handlers_for(kind: str) -> list[Callable]:
    return _HANDLERS.get(kind, [])


_MONTH_CLOSE: list[Callable] = []


def on_month_close(handler: Callable) -> Callable:
    """Register ``handler(month: date)`` to run when a month is closed (quota downgrades, …)."""
    if handler not in _MONTH_CLOSE:
        _MONTH_CLOSE.append(handler)
    return handler


def month_close_handlers() -> list[Callable]:
    return list(_MONTH_CLOSE)
