"""S5.4: the notification outbox — rows first, claimed, sent, marked; failures kept."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from sla import services
from sla.models import Deadline, DeadlineEvent, Notification
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


class FailingSms:
    def send(self, phone, text):
        raise ConnectionError("gateway down")


@pytest.fixture
def user():
    return UserFactory()


def test_s5_4_email_and_sms_are_sent_and_marked(user, caplog):
    notes = services.notify(users=[user], subject="线路中断", body="请处理", channels=["email", "sms"])
    caplog.set_level("INFO", logger="sla.sms")
    assert services.notifications_deliver(ids=[n.pk for n in notes]) == 2
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert mail.outbox[0].subject == "线路中断"
    assert f"to {user.phone}: 线路中断 / 请处理" in caplog.text
    for note in Notification.objects.filter(pk__in=[n.pk for n in notes]):
        assert (note.status, note.attempts) == ("sent", 1)
        assert note.sent_at is not None
    # Delivering the same ids again sends nothing more.
    assert services.notifications_deliver(ids=[n.pk for n in notes]) == 0
    assert len(mail.outbox) == 1


def test_s5_4_a_failing_gateway_is_recorded_and_retried_until_the_limit(user, settings):
    settings.SMS_BACKEND = "tests.sla.test_notifications.FailingSms"
    settings.SLA_NOTIFICATION_MAX_ATTEMPTS = 2
    (note,) = services.notify(users=[user], subject="s", channels=["sms"])
    assert services.notifications_deliver(ids=[note.pk]) == 0
    note.refresh_from_db()
    assert (note.status, note.attempts, note.last_error) == ("pending", 1, "gateway down")

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.notifications_deliver(stale=True) == 0
    note.refresh_from_db()
    assert (note.status, note.attempts) == ("failed", 2)


def test_s5_4_notices_decided_but_never_published_are_picked_up(user):
    """A crash between commit and publish leaves rows pending; the stale sweep sends them."""
    now = timezone.now()
    old = Notification.objects.create(
        recipient=user, address=user.email, channel="email", subject="old", created_at=now
    )
    stuck = Notification.objects.create(
        recipient=user, address=user.email, channel="email", subject="stuck", created_at=now,
        status="sending", claimed_at=now, attempts=1,
    )  # fmt: skip
    fresh_time = now + timedelta(minutes=10)
    with time_machine.travel(fresh_time):
        Notification.objects.create(
            recipient=user, address=user.email, channel="email", subject="new", created_at=fresh_time
        )
        assert services.notifications_deliver(stale=True) == 2
    assert sorted(m.subject for m in mail.outbox) == ["old", "stuck"]
    old.refresh_from_db()
    stuck.refresh_from_db()
    assert (old.status, stuck.status, stuck.attempts) == ("sent", "sent", 2)


def test_s5_4_one_notification_per_event_recipient_and_channel(user):
    dept = DepartmentFactory()
    deadline = Deadline.objects.create(
        content_type_id=1, object_id=1, title="t", kind="k", assessed_department=dept,
        started_at=timezone.now(), due_at=timezone.now(),
    )  # fmt: skip
    event = DeadlineEvent.objects.create(
        deadline=deadline, key="rung:1", kind="escalation", due_at=timezone.now(), fired_at=timezone.now()
    )
    Notification.objects.create(recipient=user, channel="inapp", subject="x", event=event, created_at=timezone.now())
    with pytest.raises(IntegrityError):
        Notification.objects.create(
            recipient=user, channel="inapp", subject="x", event=event, created_at=timezone.now()
        )


def test_s5_4_inactive_users_and_missing_addresses_get_no_external_notice():
    gone = UserFactory(is_active=False)
    no_phone = UserFactory(phone="")
    notes = services.notify(users=[gone, no_phone], subject="s", channels=["inapp", "sms"])
    assert [(n.recipient, n.channel) for n in notes] == [(no_phone, "inapp")]
