"""Publishing a Celery task once the transaction commits — the one way the platform does it.

A saved write never fails because of the broker: the task is published after
the commit, a failed or slow publish (broker down, hung, or unreachable; the
timeouts are bounded by the ``CELERY_BROKER_*`` settings) is logged as a
warning and swallowed, and the rows the task would have worked on stay as they
are for a retry sweep (``sla.tasks.retry_stale`` for notifications and deadline
events, ``billing.tasks.resume_invoicing`` for bill runs left in invoicing).
"""

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def publish_now(task, *args) -> bool:
    """Publish ``task(*args)``; False (and a warning in the log) if the broker refused it."""
    try:
        task.apply_async(args=args)
    except Exception as exc:  # noqa: BLE001 - any broker failure: the retry sweep picks the rows up
        log.warning("Could not publish %s%r (%s: %s); the retry sweep will pick it up", task.name, args,
                    type(exc).__name__, exc)  # fmt: skip
        return False
    return True


def publish_after_commit(task, *args, using: str | None = None) -> None:
    """Publish ``task(*args)`` once the current transaction commits (at once outside one).

    Never raises, neither here nor in the commit hook: see the module docstring.
    """

    def publish():
        publish_now(task, *args)

    publish.__qualname__ = f"publish_after_commit({task.name})"
    transaction.on_commit(publish, using=using)
