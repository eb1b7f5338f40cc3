"""Issue 11, point 3: publishing after commit goes through one function that never fails a
saved write (S5.4). The broker faults themselves are proven with real processes in
tests/integration/test_faults.py; here the publishing contract and the settings."""

import logging
import re
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from sla import services
from sla.models import Notification
from sla.publish import publish_after_commit
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent
APPS = ["accounts", "billing", "faults", "responses", "sla", "config"]


class Task:
    """A stand-in task object (not the broker): records or refuses what it is asked to publish."""

    name = "tests.stand_in"

    def __init__(self, error: Exception | None = None):
        self.error, self.published = error, []

    def apply_async(self, args=()):
        if self.error:
            raise self.error
        self.published.append(tuple(args))


def test_S5_4_a_publish_the_broker_refuses_is_logged_and_never_raises_after_commit(
    django_capture_on_commit_callbacks, caplog
):
    refused = Task(OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."))
    with caplog.at_level(logging.WARNING, logger="sla.publish"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
            publish_after_commit(refused, [1, 2])
            assert refused.published == []  # nothing before the commit
    assert len(callbacks) == 1
    assert "tests.stand_in" in caplog.text and "Connection refused" in caplog.text
    assert "retry sweep" in caplog.text


def test_S5_4_a_publish_happens_once_after_commit_and_not_at_all_after_a_rollback(
    django_capture_on_commit_callbacks,
):
    task = Task()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            publish_after_commit(task, [7])
        with pytest.raises(ZeroDivisionError), transaction.atomic():
            publish_after_commit(task, [8])
            1 / 0  # noqa: B018 - the write fails: its publish must not happen
    assert task.published == [([7],)]


def test_S5_4_a_notice_whose_publish_was_lost_stays_pending_and_the_retry_sweep_sends_it(mailoutbox):
    """What the commit hook leaves behind when the broker refuses: a pending row, sent later once."""
    user = UserFactory(email="ops@example.com")
    # No commit hook runs inside the test transaction: exactly a publish that never happened.
    services.notify(users=[user], subject="线路中断", channels=["email"])
    note = Notification.objects.get(recipient=user, channel="email")
    assert (note.status, note.attempts) == ("pending", 0)
    assert services.notifications_deliver(stale=True) == 0  # not yet stale
    with time_machine.travel(timezone.now() + settings.SLA_NOTIFICATION_RETRY_AFTER + timedelta(seconds=1)):
        assert services.notifications_deliver(stale=True) == 1
        assert services.notifications_deliver(stale=True) == 0
    note.refresh_from_db()
    assert (note.status, note.attempts) == ("sent", 1)
    assert [m.to for m in mailoutbox] == [["ops@example.com"]]


def test_every_publish_of_the_apps_goes_through_publish_after_commit():
    """No ``.delay(``, ``.apply_async(`` or ``transaction.on_commit(`` outside sla/publish.py."""
    direct = re.compile(r"\.delay\(|\.apply_async\(|\bon_commit\(|\.send_task\(")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if path != ROOT / "sla" / "publish.py" and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if direct.search(line)
    ]
    assert offenders == []


def test_broker_and_database_fault_settings_are_bounded():
    """About 2 s per broker operation, one publish attempt, and checked database connections."""
    from config.celery import app

    assert app.conf.broker_connection_timeout == 2
    assert app.conf.task_publish_retry is True
    policy = app.conf.task_publish_retry_policy
    assert policy["max_retries"] == 0
    db = settings.DATABASES["default"]
    assert db["CONN_HEALTH_CHECKS"] is True
    if db["ENGINE"] != "django.db.backends.sqlite3":
        assert db["CONN_MAX_AGE"] > 0
    if settings.CELERY_BROKER_URL.startswith("redis"):
        options = app.conf.broker_transport_options
        assert options["socket_timeout"] == options["socket_connect_timeout"] == 2
        assert options["max_retries"] == 1
