"""Notifications (S5.4): in-app, e-mail and SMS, written in the request and delivered by Celery."""

import logging
import uuid
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .. import secrets
from ..models import DeadlineEvent, Notification
from ..publish import publish_after_commit
from ..sms import get_sms_backend

log = logging.getLogger(__name__)

Recipient = tuple[int, str, str]  # (user id, email, phone)


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
        from ..tasks import deliver_notifications

        publish_after_commit(deliver_notifications, to_send)
    return notes


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
