"""S5.1 with real processes: a Celery worker and beat over Redis, on PostgreSQL.

Nothing is mocked: the test creates rows, the beat publishes sweeps to Redis,
the worker takes them, and the test reads what landed in the database.
"""

import time
from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from org.roles import Role
from sla import services
from sla.models import Deadline, DeadlineEvent, Notification
from sla.tasks import sweep_deadlines
from tests.celery_harness import wait_until
from tests.factories import DepartmentFactory, UserFactory, make_ladder, make_policy

pytestmark = pytest.mark.integration


@pytest.fixture
def dept():
    return DepartmentFactory(code="nmc-it")


def test_s5_1_a_deadline_due_in_two_seconds_fires_its_first_rung_within_ten(celery_env, dept):
    supervisor = UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder([(timedelta(seconds=2), Role.SUPERVISOR, ["inapp", "email"], Role.SUPERVISOR)])
    make_policy(kind="fault-it", level="A", duration=timedelta(hours=4), ladder=ladder)
    celery_env.worker()
    celery_env.beat()

    deadline = services.deadline_start(subject=dept, kind="fault-it", level="A", assessed_department=dept)
    due = deadline.started_at + timedelta(seconds=2)
    event = wait_until(lambda: DeadlineEvent.objects.filter(deadline=deadline).first(), timeout=15, message="rung 1")
    assert event.key == "rung:1"
    assert event.due_at == due
    assert timedelta(0) <= event.fired_at - due <= timedelta(seconds=10)
    assert timezone.now() - due <= timedelta(seconds=12)

    # The in-app notice is there at once; the email is delivered by the worker.
    inapp = Notification.objects.get(recipient=supervisor, channel="inapp", event=event)
    assert inapp.status == "sent"
    email = wait_until(
        lambda: Notification.objects.filter(recipient=supervisor, channel="email", status="sent").first(),
        timeout=10,
        message="email sent",
    )
    assert email.event == event
    assert any((celery_env.tmp / "mail").iterdir())
    # Left alone for longer, it never fires again.
    time.sleep(2.5)
    assert DeadlineEvent.objects.filter(deadline=deadline).count() == 1


def test_s5_1_killing_the_worker_mid_sweep_loses_and_repeats_nothing(celery_env, dept):
    """SIGKILL the worker while it works through a backlog; after a restart every
    due rung has fired exactly once and every notice exists exactly once."""
    n = 3000
    UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder(
        [
            (timedelta(seconds=0), Role.SUPERVISOR, ["inapp", "email"], ""),
            (timedelta(seconds=1), Role.SUPERVISOR, ["inapp"], ""),
        ]
    )
    make_policy(kind="bulk", duration=timedelta(days=1), ladder=ladder)
    started = timezone.now() - timedelta(minutes=1)
    for _ in range(n):
        services.deadline_start(subject=dept, kind="bulk", assessed_department=dept, started_at=started)

    # Small batches make many commits, so the kill lands between and inside them.
    celery_env.env["SLA_SWEEP_BATCH"] = "20"
    worker = celery_env.worker("w1")
    celery_env.beat()
    fired_at_kill = wait_until(
        lambda: (c := DeadlineEvent.objects.count()) > n // 5 and c,
        timeout=60,
        interval=0.02,
        message="sweep under way",
    )
    worker.kill()  # SIGKILL to the whole process group
    at_kill = DeadlineEvent.objects.count()
    assert 0 < fired_at_kill <= at_kill < 2 * n, "the kill must land mid-sweep"

    celery_env.worker("w2")
    wait_until(lambda: not Deadline.objects.filter(rungs_fired__lt=2).exists(), timeout=90, message="all rungs fired")
    assert DeadlineEvent.objects.count() == 2 * n
    per_deadline = Deadline.objects.annotate(k=Count("events")).values_list("k", flat=True).distinct()
    assert list(per_deadline) == [2]
    # One in-app notice per rung, one email for rung 1: 3 per deadline, none twice.
    assert Notification.objects.count() == 3 * n
    assert Notification.objects.filter(channel="inapp").count() == 2 * n
    assert not Notification.objects.values("event", "recipient", "channel").annotate(k=Count("id")).filter(k__gt=1)
    # Emails decided before the kill but not delivered are picked up by the retry sweep.
    wait_until(
        lambda: Notification.objects.filter(channel="email", status="sent").count() == n,
        timeout=60,
        message="every email sent",
    )


def test_s5_1_a_second_sweeper_running_at_the_same_time_does_no_harm(celery_env, dept):
    """Two workers and a duplicate publish of the sweep: still exactly once."""
    UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder([(timedelta(0), Role.SUPERVISOR, ["inapp"], "")])
    make_policy(kind="dup", duration=timedelta(days=1), ladder=ladder)
    for _ in range(1000):
        services.deadline_start(subject=dept, kind="dup", assessed_department=dept)
    celery_env.env["SLA_SWEEP_BATCH"] = "50"
    celery_env.worker("a")
    celery_env.worker("b")
    for _ in range(4):
        celery_env.send(sweep_deadlines)
    wait_until(lambda: DeadlineEvent.objects.count() >= 1000, timeout=60, message="all fired")
    time.sleep(1)
    assert DeadlineEvent.objects.count() == 1000
    assert Notification.objects.count() == 1000
