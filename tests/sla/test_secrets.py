"""Issue 11, point 6 (A3.1, S5.4): a first-password link — any secret in a notice — is never stored
readable nor logged. The rows keep "[链接已隐藏]" and the secret sealed; the e-mail and the SMS that
are sent carry the link, retries included; the seal is wiped once a notice is sent or failed."""

import logging
import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.services import password_link_send
from sla import secrets, services
from sla.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+/accounts/set-password/\S+/")


class FailingSms:
    def send(self, phone, text):
        raise ConnectionError(f"gateway down while sending {text!r}")  # a gateway that echoes the message


class RecordingSms:
    sent: list[tuple[str, str]] = []

    def send(self, phone, text):
        RecordingSms.sent.append((phone, text))
        return "id"


@pytest.fixture
def newcomer():
    user = UserFactory(username="newbie", email="newbie@example.com", phone="13900000001")
    user.set_unusable_password()
    user.save()
    return user


def _token_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_A3_1_S5_4_the_password_link_is_kept_redacted_and_sent_in_full(newcomer, client, caplog):
    caplog.set_level(logging.DEBUG)
    password_link_send(user=newcomer)
    notes = list(Notification.objects.filter(recipient=newcomer))
    assert {n.channel for n in notes} == {"email", "sms"}
    for note in notes:
        assert "[链接已隐藏]" in note.body and "set-password" not in note.body
        assert note.sealed_secret and "set-password" not in note.sealed_secret

    assert services.notifications_deliver(ids=[n.pk for n in notes]) == 2
    (email,) = mail.outbox
    link = LINK.search(email.body).group(0)
    assert "[链接已隐藏]" not in email.body
    # The SMS went out through the default logging backend, which hides the link and its token.
    assert "SMS" in caplog.text and "13900000001" in caplog.text and "[链接已隐藏]" in caplog.text
    assert "set-password" not in caplog.text and _token_of(link) not in caplog.text
    for note in Notification.objects.filter(recipient=newcomer):
        assert (note.status, note.sealed_secret) == ("sent", "")  # nothing left to read, sealed or not
        assert "set-password" not in note.body

    # The link that was sent is the one that works.
    form = client.get(link.split("8000", 1)[1], follow=True)
    assert form.status_code == 200 and "设置密码" in form.content.decode()


def test_A3_1_the_admin_shows_the_redacted_notice(newcomer, client):
    password_link_send(user=newcomer)
    note = Notification.objects.get(recipient=newcomer, channel="email")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    page = client.get(reverse("admin:sla_notification_change", args=[note.pk])).content.decode()
    assert "[链接已隐藏]" in page
    assert "set-password" not in page and note.sealed_secret not in page


def test_S5_4_a_retry_sends_the_same_link_and_the_failure_keeps_it_hidden(newcomer, settings):
    settings.SMS_BACKEND = "tests.sla.test_secrets.FailingSms"
    password_link_send(user=newcomer)
    sms = Notification.objects.get(recipient=newcomer, channel="sms")
    assert services.notifications_deliver(ids=[sms.pk]) == 0
    sms.refresh_from_db()
    assert sms.status == "pending" and sms.sealed_secret  # kept for the retry
    assert "gateway down" in sms.last_error and "set-password" not in sms.last_error

    email = Notification.objects.get(recipient=newcomer, channel="email")
    assert services.notifications_deliver(ids=[email.pk]) == 1
    emailed = LINK.search(mail.outbox[0].body).group(0)

    settings.SMS_BACKEND = "tests.sla.test_secrets.RecordingSms"
    RecordingSms.sent = []
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.notifications_deliver(stale=True) == 1  # the retry sweep (retry_stale)
    ((phone, text),) = RecordingSms.sent
    assert phone == "13900000001" and emailed in text
    sms.refresh_from_db()
    assert (sms.status, sms.attempts, sms.sealed_secret) == ("sent", 2, "")


def test_S5_4_a_notice_that_failed_for_good_keeps_no_secret(newcomer, settings):
    settings.SMS_BACKEND = "tests.sla.test_secrets.FailingSms"
    settings.SLA_NOTIFICATION_MAX_ATTEMPTS = 1
    password_link_send(user=newcomer)
    sms = Notification.objects.get(recipient=newcomer, channel="sms")
    services.notifications_deliver(ids=[sms.pk])
    sms.refresh_from_db()
    assert (sms.status, sms.sealed_secret) == ("failed", "")


def test_S5_4_a_notice_whose_worker_died_on_the_last_attempt_keeps_no_secret(newcomer, settings):
    settings.SLA_NOTIFICATION_MAX_ATTEMPTS = 2
    password_link_send(user=newcomer)
    now = timezone.now()
    notes = Notification.objects.filter(recipient=newcomer)
    notes.filter(channel="sms").update(status="sending", claimed_at=now, attempts=2)
    notes.filter(channel="email").update(status="sending", claimed_at=now, attempts=1)
    with time_machine.travel(now + timedelta(minutes=5)):
        assert services.notifications_deliver(stale=True) == 1  # the e-mail gets its second attempt
    sms = Notification.objects.get(recipient=newcomer, channel="sms")
    assert (sms.status, sms.attempts, sms.sealed_secret) == ("sending", 2, "")
    assert LINK.search(mail.outbox[0].body)


def test_S5_4_a_secret_sealed_under_another_key_fails_the_notice_at_once(newcomer, settings):
    password_link_send(user=newcomer)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    email = Notification.objects.get(recipient=newcomer, channel="email")
    assert services.notifications_deliver(ids=[email.pk]) == 0
    email.refresh_from_db()
    assert (email.status, email.sealed_secret) == ("failed", "")
    assert "SECRET_KEY" in email.last_error and mail.outbox == []


def test_S5_4_in_app_notices_never_carry_the_secret():
    user = UserFactory()
    notes = services.notify(
        users=[user], subject="令牌", body=f"您的令牌：{secrets.PLACEHOLDER}", channels=["inapp", "email"],
        secret="tok-0123456789abcdef0123456789",
    )  # fmt: skip
    by_channel = {n.channel: Notification.objects.get(pk=n.pk) for n in notes}
    assert by_channel["inapp"].sealed_secret == "" and by_channel["email"].sealed_secret
    services.notifications_deliver(ids=[by_channel["email"].pk])
    assert mail.outbox[0].body == "您的令牌：tok-0123456789abcdef0123456789"


def test_S5_4_a_secret_needs_its_placeholder():
    with pytest.raises(ValueError):
        services.notify(users=[UserFactory()], subject="s", body="no place for it", secret="tok")
    assert not Notification.objects.exists()


def test_redact_hides_links_and_tokens_but_keeps_the_message():
    text = "工单 BR-202611-0001 请致电 13900000001：https://brp.example.com/accounts/set-password/MQ/abc-123/ 令牌 " + (
        "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"
    )
    redacted = secrets.redact(text)
    assert redacted == "工单 BR-202611-0001 请致电 13900000001：[链接已隐藏] 令牌 [链接已隐藏]"
    assert secrets.unseal(secrets.seal("秘密 link")) == "秘密 link"
