"""Writes of the deadline engine: start, pause, resume, meet, cancel, sweep,
notify and deliver, and the audit trail (SPEC §5).

Every function here takes keyword arguments and does its own locking; callers
(views, API, admin, Celery tasks and other apps' services) never write these
models directly.
"""

import logging
import time as monotime
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Department, User
from accounts.roles import Role

from . import secrets
from .calendars import add_duration
from .hooks import handlers_for
from .models import (
    AuditEntry,
    Deadline,
    DeadlineEvent,
    DeadlineMonthStat,
    EscalationRung,
    Level,
    Notification,
    SlaPolicy,
)
from .publish import publish_after_commit
from .sms import get_sms_backend

log = logging.getLogger(__name__)

Recipient = tuple[int, str, str]  # (user id, email, phone)


class NoPolicy(LookupError):
    """No SLA policy is configured for a kind and level."""


# --- audit trail (S5.5) ------------------------------------------------------------


def audit_record(
    *, subject, actor=None, transition: str, from_state="", to_state="", comment="", at: datetime | None = None
) -> AuditEntry:
    return AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        actor=actor if (actor is not None and actor.is_authenticated) else None,
        at=at or timezone.now(),
        transition=transition,
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        comment=comment,
    )


# --- deadlines (S5.1–S5.3) ---------------------------------------------------------


def _ladder_rungs(ladder_ids) -> dict[int | None, list[EscalationRung]]:
    rungs: dict[int | None, list[EscalationRung]] = {}
    for rung in EscalationRung.objects.filter(ladder_id__in=[i for i in ladder_ids if i]).order_by("position"):
        rungs.setdefault(rung.ladder_id, []).append(rung)
    return rungs


def _next_fire_at(deadline: Deadline, rungs: list[EscalationRung]) -> datetime | None:
    """When the next warning, breach or rung of ``deadline`` is due (None: nothing left)."""
    if deadline.state not in Deadline.ACTIVE_STATES:
        return None
    candidates = []
    if deadline.state == Deadline.State.PENDING and deadline.warn_at and deadline.warn_at < deadline.due_at:
        candidates.append(deadline.warn_at)
    if deadline.state in (Deadline.State.PENDING, Deadline.State.WARNED):
        candidates.append(deadline.due_at)
    if deadline.rungs_fired < len(rungs):
        candidates.append(deadline.rung_time(rungs[deadline.rungs_fired]))
    return min(candidates) if candidates else None


def deadline_start(
    *,
    subject,
    kind: str,
    level: str = Level.NONE,
    title: str | None = None,
    started_at: datetime | None = None,
    assessed_department: Department | None = None,
    due_at: datetime | None = None,
) -> Deadline:
    """Start the deadline of ``kind``/``level`` for ``subject`` from its SLA policy.

    ``due_at`` fixes the due time for obligations tied to a date rather than a
    duration (a bill run's "before 00:00 on the 2nd"); the policy then gives
    only the warning time, who is told and the ladder.
    """
    try:
        policy = SlaPolicy.objects.get(kind=kind, level=level)
    except SlaPolicy.DoesNotExist:
        raise NoPolicy(f"No SLA policy for kind={kind!r} level={level!r}") from None
    started_at = started_at or timezone.now()
    due_at = due_at or add_duration(started_at, policy.duration, policy.clock)
    deadline = Deadline(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        title=(title or str(subject))[:200],
        kind=kind,
        level=level,
        clock=policy.clock,
        assessed_department=assessed_department,
        ladder_id=policy.ladder_id,
        notify_roles=policy.notify_roles,
        started_at=started_at,
        due_at=due_at,
        warn_at=(due_at - policy.warn_before) if policy.warn_before else None,
    )
    deadline.next_fire_at = _next_fire_at(deadline, _ladder_rungs([policy.ladder_id]).get(policy.ladder_id, []))
    deadline.save()
    return deadline


def _change_deadline(deadline: Deadline, action: str, *, by: User | None = None, comment="", **kwargs) -> Deadline:
    """Lock the row, run the FSM transition ``action``, save and audit it."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        before = locked.state
        getattr(locked, action)(**kwargs)
        if locked.state in Deadline.ACTIVE_STATES:
            locked.next_fire_at = _next_fire_at(locked, _ladder_rungs([locked.ladder_id]).get(locked.ladder_id, []))
        locked.save()
        audit_record(
            subject=locked, actor=by, transition=action, from_state=before, to_state=locked.state, comment=comment
        )
    return locked


def deadline_pause(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """Stop the clock (S5.3), e.g. for an approved special order."""
    return _change_deadline(deadline, "pause", by=by, comment=comment, at=at or timezone.now())


def deadline_resume(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """Restart the clock; due, warning and rung times move by the paused time (S5.3)."""
    return _change_deadline(deadline, "resume", by=by, comment=comment, at=at or timezone.now())


def deadline_meet(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """The obligation was fulfilled; remaining rungs will not fire."""
    return _change_deadline(deadline, "meet", by=by, comment=comment, at=at or timezone.now())


def deadline_cancel(*, deadline: Deadline, by: User | None = None, at: datetime | None = None, comment="") -> Deadline:
    """The obligation no longer applies; remaining rungs will not fire."""
    return _change_deadline(deadline, "cancel", by=by, comment=comment, at=at or timezone.now())


def deadline_reassign(*, deadline: Deadline, department: Department, by: User | None = None, comment="") -> Deadline:
    """Name another department as the one answering for ``deadline`` (a requisition dispatched to
    the department holding the resource, R1.7); the sweeper then tells that department."""
    with transaction.atomic():
        locked = Deadline.objects.select_for_update().get(pk=deadline.pk)
        if locked.assessed_department_id == department.pk:
            return locked
        before = locked.assessed_department
        locked.assessed_department = department
        locked.save(update_fields=["assessed_department"])
        audit_record(
            subject=locked,
            actor=by,
            transition="reassign",
            from_state=before.code if before else "",
            to_state=department.code,
            comment=comment,
        )
    return locked


# --- the sweeper -------------------------------------------------------------------


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


def _build_notifications(
    recipients: list[Recipient], channels, subject: str, body: str, now: datetime, event: DeadlineEvent | None = None
) -> list[Notification]:
    notes = []
    for user_id, email, phone in recipients:
        for channel in channels:
            address = {"email": email, "sms": phone}.get(channel, "")
            if channel != Notification.Channel.INAPP and not address:
                continue  # nothing to send to; the in-app copy still reaches the person
            inapp = channel == Notification.Channel.INAPP
            notes.append(
                Notification(
                    recipient_id=user_id,
                    address=address,
                    channel=channel,
                    subject=subject,
                    body=body,
                    event=event,
                    created_at=now,
                    status=Notification.Status.SENT if inapp else Notification.Status.PENDING,
                    sent_at=now if inapp else None,
                )
            )
    return notes


def _save_and_enqueue(notes: list[Notification]) -> list[Notification]:
    """Store ``notes`` and hand the ones to send to a worker once the transaction commits.

    If the broker is unreachable or the process dies before publishing, the
    rows stay pending and the ``retry_stale`` task sends them later.
    """
    Notification.objects.bulk_create(notes, batch_size=1000)
    to_send = [n.pk for n in notes if n.status == Notification.Status.PENDING]
    if to_send:
        from .tasks import deliver_notifications

        publish_after_commit(deliver_notifications, to_send)
    return notes


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
            from .tasks import handle_deadline_events

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


# --- notifications (S5.4) -------------------------------------------------------------


def notify(
    *,
    users,
    subject: str,
    body: str = "",
    channels=(Notification.Channel.INAPP, Notification.Channel.EMAIL),
    secret: str = "",
) -> list[Notification]:
    """Send an ad-hoc notice to ``users`` on ``channels`` (rows first, sent after commit).

    ``secret`` (a first-password link, a token) goes where ``body`` says ``sla.secrets.PLACEHOLDER``, in
    the e-mails and SMS only: the rows keep the placeholder and the secret sealed until it is sent.
    """
    if secret and secrets.PLACEHOLDER not in body:
        raise ValueError("a notice with a secret names its place with sla.secrets.PLACEHOLDER")
    recipients = [(u.pk, u.email, u.phone) for u in users if u.is_active]
    notes = _build_notifications(recipients, channels, subject[:200], body, timezone.now())
    if secret:
        sealed = secrets.seal(secret)
        for note in notes:
            if note.channel != Notification.Channel.INAPP:
                note.sealed_secret = sealed
    with transaction.atomic():
        return _save_and_enqueue(notes)


def notify_addresses(*, addresses, subject: str, body: str = "") -> list[Notification]:
    """Send a notice to people who are not users (customers): ``addresses`` is [(channel, address)]."""
    now = timezone.now()
    notes = [
        Notification(address=address, channel=channel, subject=subject[:200], body=body, created_at=now)
        for channel, address in addresses
        if address and channel in (Notification.Channel.EMAIL, Notification.Channel.SMS)
    ]
    with transaction.atomic():
        return _save_and_enqueue(notes)


def _send_one(note: Notification, connection) -> None:
    body = secrets.reveal(note.body, note.sealed_secret)  # the secret exists only in what is sent
    if note.channel == Notification.Channel.EMAIL:
        EmailMessage(note.subject, body, settings.DEFAULT_FROM_EMAIL, [note.address], connection=connection).send()
    elif note.channel == Notification.Channel.SMS:
        get_sms_backend().send(note.address, f"{note.subject}\n{body}".strip())


def notifications_deliver(*, ids=None, stale: bool = False, limit: int = 500) -> int:
    """Claim pending notifications (by ``ids``, or the stale ones), send them, mark them.

    The claim is a compare-and-swap on ``status``, so two workers never send
    the same row at once. A row left in ``sending`` by a crashed worker is
    claimed again once stale: delivery is at least once for email and SMS.
    """
    now = timezone.now()
    token = uuid.uuid4()
    Status = Notification.Status
    undelivered = Notification.objects.exclude(channel=Notification.Channel.INAPP)
    if ids is not None:
        candidates = undelivered.filter(pk__in=list(ids), status=Status.PENDING)
    elif stale:
        old = now - settings.SLA_NOTIFICATION_RETRY_AFTER
        candidates = undelivered.filter(
            Q(status=Status.PENDING, created_at__lt=old) | Q(status=Status.SENDING, claimed_at__lt=old),
            attempts__lt=settings.SLA_NOTIFICATION_MAX_ATTEMPTS,
        )
        # A worker died sending the last allowed attempt: the notice is never tried again, so it keeps
        # no secret either (sla.secrets).
        undelivered.filter(
            status=Status.SENDING, claimed_at__lt=old, attempts__gte=settings.SLA_NOTIFICATION_MAX_ATTEMPTS
        ).exclude(sealed_secret="").update(sealed_secret="")
    else:
        raise ValueError("pass ids or stale=True")
    claimable = list(candidates.order_by("created_at").values_list("pk", flat=True)[:limit])
    Notification.objects.filter(pk__in=claimable, status__in=[Status.PENDING, Status.SENDING]).filter(
        Q(status=Status.PENDING) | Q(claimed_at__lt=now - settings.SLA_NOTIFICATION_RETRY_AFTER)
    ).update(status=Status.SENDING, claim=token, claimed_at=now, attempts=F("attempts") + 1)

    sent = 0
    connection = get_connection(fail_silently=False)
    for note in Notification.objects.filter(claim=token, status=Status.SENDING):
        try:
            _send_one(note, connection)
        except Exception as exc:  # noqa: BLE001 - any gateway failure is recorded on the row
            error = secrets.redact(str(exc))  # a gateway may echo the message, secret included
            log.warning("Notification %s failed: %s", note.pk, error)
            final = note.attempts >= settings.SLA_NOTIFICATION_MAX_ATTEMPTS or isinstance(exc, secrets.SecretUnreadable)
            Notification.objects.filter(pk=note.pk, claim=token).update(
                status=Status.FAILED if final else Status.PENDING,
                last_error=error[:2000],
                **({"sealed_secret": ""} if final else {}),
            )
            continue
        Notification.objects.filter(pk=note.pk, claim=token).update(
            status=Status.SENT, sent_at=timezone.now(), sealed_secret=""
        )
        sent += 1
    return sent


def notification_mark_read(*, user, ids=None) -> int:
    """Mark the user's in-app notices read (all of them when ``ids`` is None)."""
    qs = Notification.objects.filter(recipient=user, channel=Notification.Channel.INAPP, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


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


# --- month close (issue 7) --------------------------------------------------------------------


def month_stats_freeze(*, month: date) -> int:
    """Freeze the month's figures of met deadlines per department, category and level.

    Idempotent: closing a month again replaces its rows (``manage.py close_month``).
    """
    from .selectors import CATEGORY_OF, month_start

    start = month_start(month)
    end = month_start((start.date() + timedelta(days=32)).replace(day=1))
    late = ExpressionWrapper(F("closed_at") - F("due_at"), output_field=DurationField())
    rows = (
        Deadline.objects.filter(state=Deadline.State.MET, closed_at__gte=start, closed_at__lt=end, kind__in=CATEGORY_OF)
        .values("assessed_department", "kind", "level")
        .annotate(
            handled=Count("id"),
            on_time=Count("id", filter=Q(closed_at__lte=F("due_at"))),
            late_total=Sum(late, filter=Q(closed_at__gt=F("due_at"))),
            late_max=Max(late, filter=Q(closed_at__gt=F("due_at"))),
        )
        .order_by()
    )
    merged: dict[tuple, DeadlineMonthStat] = {}
    now = timezone.now()
    for row in rows:
        key = (row["assessed_department"], CATEGORY_OF[row["kind"]], row["level"])
        stat = merged.setdefault(
            key,
            DeadlineMonthStat(
                month=start.date(), department_id=key[0], category=key[1], level=key[2], handled=0, on_time=0,
                frozen_at=now,
            ),
        )  # fmt: skip
        stat.handled += row["handled"]
        stat.on_time += row["on_time"]
        late_total = int(row["late_total"].total_seconds()) if row["late_total"] else 0
        late_max = int(row["late_max"].total_seconds()) if row["late_max"] else 0
        stat.late_seconds_total += late_total
        stat.late_seconds_max = max(stat.late_seconds_max, late_max)
    with transaction.atomic():
        DeadlineMonthStat.objects.filter(month=start.date()).delete()
        DeadlineMonthStat.objects.bulk_create(merged.values())
    return len(merged)


def month_close(*, month: date) -> None:
    """Close a month: freeze the deadline figures, then run the apps' month-close handlers
    (sla.hooks.on_month_close), e.g. the quota downgrades of R1.4."""
    from .hooks import month_close_handlers

    month = month.replace(day=1)
    month_stats_freeze(month=month)
    for handler in month_close_handlers():
        handler(month)
