"""B4.2 with real processes: a run left unfinished at its deadline is announced exactly once."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone

from billing import services
from sla.models import Deadline, Notification
from sla.selectors import deadlines_of
from tests.celery_harness import wait_until

pytestmark = pytest.mark.integration


def test_b4_2_unfinished_run_is_announced_exactly_once_by_the_worker(celery_env, it_team):
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    services.bill_run_start_check(run=run, by=it_team["operator"])  # left unfinished
    (deadline,) = deadlines_of(run)
    # "00:00 on the 2nd" arrives in two seconds.
    soon = timezone.now() + timedelta(seconds=2)
    Deadline.objects.filter(pk=deadline.pk).update(due_at=soon, next_fire_at=soon)

    celery_env.worker()
    celery_env.beat()
    wait_until(lambda: Notification.objects.filter(channel="sms").count() >= 2, timeout=20, message="SMS announcement")
    time.sleep(3)  # more sweeps and retries come and go
    sms = Notification.objects.filter(channel="sms")
    assert sorted(sms.values_list("recipient__username", flat=True)) == ["mgr", "sup"]
    assert sorted(Notification.objects.filter(channel="email").values_list("recipient__username", flat=True)) == [
        "mgr", "op1", "op2", "sup",
    ]  # fmt: skip
    event = deadline.events.get()
    assert event.handled_at is not None and event.handle_attempts == 1
    wait_until(lambda: not sms.exclude(status="sent").exists(), timeout=10, message="SMS sent by the worker")
