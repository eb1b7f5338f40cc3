"""The sweeper (S5.1, S5.4): fires due warnings, breaches and escalation rungs exactly once, tells
someone accountable, and hands the events to the apps' handlers (sla.hooks)."""

import logging
import time as monotime
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Role

from ..hooks import handlers_for
from ..models import AuditEntry, Deadline, DeadlineEvent, EscalationRung, Notification
from ..publish import publish_after_commit
from .deadlines import _ladder_rungs, _next_fire_at
from .notifications import Recipient, _build_notifications, _save_and_enqueue

log = logging.getLogger(__name__)


@dataclass
class SweepResult:
    deadlines: int = 0
    events: int = 0
    notifications: int = 0
    batches: int = 0

    def add(self, other: "SweepResult"):
        self.deadlines += other.deadlines
        self.events += other.events
        self.notifications += other.notifications
        self.batches += other.batches


# Who answers when nobody holding a deadline's roles is found in its assessed department (or the
# deadline names no department or no roles): that department's manager, else the Center's
# dispatchers, else the Center's manager. A warning or breach never reaches nobody (S5.4).
FALLBACK_RECIPIENTS = (
    (Role.DEPT_MANAGER, EscalationRung.Scope.ASSESSED),
    (Role.DISPATCHER, EscalationRung.Scope.CENTER),
    (Role.DEPT_MANAGER, EscalationRung.Scope.CENTER),
)


class _RecipientCache:
    """Who holds ``role`` within a scope; one query per (role, scope, department) per sweep."""

    def __init__(self):
        self._cache: dict[tuple, list[Recipient]] = {}
        self._fell_back: set[tuple] = set()

    def accountable(self, wanted, department_id: int | None, kind: str) -> list[Recipient]:
        """The holders of the ``wanted`` (role, scope) pairs, else the first fallback that names someone."""
        who: list[Recipient] = []
        for role, scope in wanted:
            who += self.get(role, scope, department_id)
        if who or (not wanted and handlers_for(kind)):
            return who  # a kind that names no roles but has a handler: the handler tells people
        for role, scope in FALLBACK_RECIPIENTS:
            who = self.get(role, scope, department_id)
            if who:
                break
        key = (kind, tuple(wanted), department_id)
        if key not in self._fell_back:  # once per sweep, not once per deadline
            self._fell_back.add(key)
            log.warning(
                "Deadline kind %s, department %s: nobody holds %s; told %s instead",
                kind,
                department_id,
                [role for role, _scope in wanted],
                "nobody" if not who else f"{len(who)} fallback recipient(s)",
            )
        return who

    def get(self, role: str, scope: str, department_id: int | None) -> list[Recipient]:
        key = (role, scope, department_id if scope == EscalationRung.Scope.ASSESSED else None)
        if key not in self._cache:
            users = User.objects.filter(is_active=True, groups__name=role)
            if scope == EscalationRung.Scope.ASSESSED:
                users = users.filter(department_id=department_id) if department_id else users.none()
            elif scope == EscalationRung.Scope.CENTER:
                users = users.filter(department__side=Department.Side.CENTER)
            elif scope == EscalationRung.Scope.FRONT:
                users = users.filter(department__side=Department.Side.FRONT)
            self._cache[key] = list(users.values_list("id", "email", "phone").distinct().order_by("id"))
        return self._cache[key]


def _due_events(deadline: Deadline, rungs: list[EscalationRung], now: datetime):
    """What has come due for ``deadline`` by ``now``: (key, kind, rung, due time), in order."""
    Kind = DeadlineEvent.Kind
    due: list[tuple[str, str, EscalationRung | None, datetime]] = []
    breached = deadline.state in (Deadline.State.PENDING, Deadline.State.WARNED) and deadline.due_at <= now
    if deadline.state == Deadline.State.PENDING and deadline.warn_at and deadline.warn_at <= now and not breached:
        due.append(("warn", Kind.WARNING, None, deadline.warn_at))
    if breached:
        due.append(("breach", Kind.BREACH, None, deadline.due_at))
    for rung in rungs[deadline.rungs_fired :]:
        at = deadline.rung_time(rung)
        if at > now:
            break
        due.append((f"rung:{rung.position}", Kind.ESCALATION, rung, at))
    return due


def _event_message(deadline: Deadline, event: DeadlineEvent) -> tuple[str, str]:
    due_local = timezone.localtime(deadline.due_at).strftime("%Y-%m-%d %H:%M")
    if event.kind == DeadlineEvent.Kind.WARNING:
        subject = _("Deadline approaching: %(title)s") % {"title": deadline.title}
    elif event.kind == DeadlineEvent.Kind.BREACH:
        subject = _("Deadline missed: %(title)s") % {"title": deadline.title}
    else:
        subject = _("Escalation (%(label)s): %(title)s") % {"label": event.label, "title": deadline.title}
    body = _("%(title)s\nDue at %(due)s (Asia/Shanghai).") % {"title": deadline.title, "due": due_local}
    return subject[:200], body


def _save_swept(batch: list[Deadline]) -> None:
    """Write the sweeper's changes of ``batch`` back in one statement.

    Django's ``bulk_update`` builds a CASE per column and row, which costs more
    than the rest of the sweep together; PostgreSQL takes ``UPDATE … FROM VALUES``.
    """
    if connection.vendor != "postgresql":
        Deadline.objects.bulk_update(batch, ["state", "rungs_fired", "escalated_to_role", "next_fire_at"])
        return
    from psycopg2.extras import execute_values

    rows = [(d.pk, d.state, d.rungs_fired, d.escalated_to_role, d.next_fire_at) for d in batch]
    with connection.cursor() as cursor:
        execute_values(
            cursor.cursor,
            f"""UPDATE {Deadline._meta.db_table} AS d
                SET state = v.state, rungs_fired = v.rungs_fired,
                    escalated_to_role = v.escalated_to_role, next_fire_at = v.next_fire_at
                FROM (VALUES %s) AS v(id, state, rungs_fired, escalated_to_role, next_fire_at)
                WHERE d.id = v.id""",
            rows,
            template="(%s::bigint, %s, %s::smallint, %s, %s::timestamptz)",
            page_size=len(rows),
        )


def _sweep_batch(*, now: datetime | None, batch_size: int, recipients: _RecipientCache, tolerate_fired: bool):
    result = SweepResult()
    with transaction.atomic():
        cutoff = now or timezone.now()
        batch = list(
            Deadline.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state__in=Deadline.ACTIVE_STATES, next_fire_at__lte=cutoff)
            .order_by("next_fire_at")[:batch_size]
        )
        if not batch:
            return result
        fired_at = now or timezone.now()
        rungs_by_ladder = _ladder_rungs({d.ladder_id for d in batch})
        already = set()
        if tolerate_fired:
            already = set(DeadlineEvent.objects.filter(deadline__in=batch).values_list("deadline_id", "key"))

        events: list[DeadlineEvent] = []
        audits: list[AuditEntry] = []
        deadline_ct = ContentType.objects.get_for_model(Deadline)
        for deadline in batch:
            rungs = rungs_by_ladder.get(deadline.ladder_id, [])
            before = deadline.state
            for key, kind, rung, due_at in _due_events(deadline, rungs, cutoff):
                if kind == DeadlineEvent.Kind.WARNING:
                    deadline.warn()
                elif kind == DeadlineEvent.Kind.BREACH:
                    deadline.breach()
                else:
                    deadline.rungs_fired = rungs.index(rung) + 1
                    if rung.reassign_to_role:
                        deadline.escalated_to_role = rung.reassign_to_role
                if (deadline.pk, key) in already:
                    continue
                events.append(
                    DeadlineEvent(
                        deadline=deadline,
                        key=key,
                        kind=kind,
                        rung=rung,
                        label=rung.label if rung else "",
                        due_at=due_at,
                        fired_at=fired_at,
                        handled_at=None if handlers_for(deadline.kind) else fired_at,
                    )
                )
            deadline.next_fire_at = _next_fire_at(deadline, rungs)
            if deadline.state != before:
                audits.append(
                    AuditEntry(
                        content_type=deadline_ct,
                        object_id=deadline.pk,
                        at=fired_at,
                        transition=deadline.state,
                        from_state=before,
                        to_state=deadline.state,
                        comment=_("by the deadline sweeper"),
                    )
                )

        # The unique (deadline, key) constraint refuses a second firing outright.
        DeadlineEvent.objects.bulk_create(events)
        notes: list[Notification] = []
        for event in events:
            deadline = event.deadline
            if event.rung is not None:
                wanted = [(event.rung.notify_role, event.rung.scope)]
                channels = event.rung.channels
            else:
                wanted = [(role, EscalationRung.Scope.ASSESSED) for role in deadline.notify_roles]
                channels = [Notification.Channel.INAPP, Notification.Channel.EMAIL]
            who = recipients.accountable(wanted, deadline.assessed_department_id, deadline.kind)
            if who:
                subject, body = _event_message(deadline, event)
                notes += _build_notifications(sorted(set(who)), channels, subject, body, fired_at, event)
        _save_and_enqueue(notes)
        unhandled = [e.pk for e in events if e.handled_at is None]
        if unhandled:
            from ..tasks import handle_deadline_events

            publish_after_commit(handle_deadline_events, unhandled)
        AuditEntry.objects.bulk_create(audits)
        _save_swept(batch)
    result.deadlines, result.events, result.notifications, result.batches = len(batch), len(events), len(notes), 1
    return result


def sweep_due_deadlines(
    *, now: datetime | None = None, batch_size: int | None = None, max_seconds: float | None = None
) -> SweepResult:
    """Fire everything that has come due, in batches, until nothing is left or time is up.

    Rows are taken with ``SELECT … FOR UPDATE SKIP LOCKED``, so several workers
    share a backlog and a duplicate beat does no harm; each batch commits on
    its own, so a worker killed mid-sweep loses only its open batch, which the
    next sweep takes again.
    """
    batch_size = batch_size or settings.SLA_SWEEP_BATCH
    stop_at = monotime.monotonic() + (max_seconds if max_seconds is not None else settings.SLA_SWEEP_MAX_SECONDS)
    recipients = _RecipientCache()
    total = SweepResult()
    while True:
        try:
            result = _sweep_batch(now=now, batch_size=batch_size, recipients=recipients, tolerate_fired=False)
        except IntegrityError:
            # Someone fired part of this batch already (it should not happen while
            # rows are locked, but the constraint is the guarantee): go again,
            # treating the recorded events as fired.
            log.warning("Deadline batch collided with recorded events; retrying without them")
            result = _sweep_batch(now=now, batch_size=batch_size, recipients=recipients, tolerate_fired=True)
        total.add(result)
        if result.deadlines < batch_size or monotime.monotonic() >= stop_at:
            return total


def deadline_events_handle(*, ids=None, stale: bool = False, limit: int = 200) -> int:
    """Run the app handlers (sla.hooks) of unhandled events; each event in its own transaction.

    The event row is locked while its handlers run and marked handled in the
    same transaction, so their database work is done once. A handler that
    raises leaves the event unhandled, with the error, for the retry sweep.
    """
    pending = DeadlineEvent.objects.filter(
        handled_at__isnull=True, handle_attempts__lt=settings.SLA_NOTIFICATION_MAX_ATTEMPTS
    )
    if ids is not None:
        pending = pending.filter(pk__in=list(ids))
    elif stale:
        pending = pending.filter(fired_at__lt=timezone.now() - settings.SLA_NOTIFICATION_RETRY_AFTER)
    else:
        raise ValueError("pass ids or stale=True")
    handled = 0
    for event_id in list(pending.order_by("fired_at").values_list("pk", flat=True)[:limit]):
        try:
            with transaction.atomic():
                event = (
                    DeadlineEvent.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("deadline", "rung")
                    .filter(pk=event_id, handled_at__isnull=True)
                    .first()
                )
                if event is None:
                    continue  # another worker has it, or had it
                for handler in handlers_for(event.deadline.kind):
                    handler(event)
                event.handled_at = timezone.now()
                event.handle_attempts += 1
                event.save(update_fields=["handled_at", "handle_attempts"])
                handled += 1
        except Exception as exc:  # noqa: BLE001 - recorded on the event and retried
            log.exception("Handlers of deadline event %s failed", event_id)
            DeadlineEvent.objects.filter(pk=event_id).update(
                handle_attempts=F("handle_attempts") + 1, handle_error=str(exc)[:2000]
            )
    return handled
