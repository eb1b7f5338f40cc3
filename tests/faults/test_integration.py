"""F2.3 / F2.4 / S5.1 with real processes: a Celery worker and beat over Redis, on PostgreSQL.

The fault ladder is shortened to seconds; nothing is mocked. The beat publishes
sweeps, the worker fires the rungs and runs the faults hook, the test reads the
database.
"""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from faults import selectors, services
from faults.models import FaultNotice, FaultTicket
from sla.models import Deadline, DeadlineEvent, EscalationRung, Notification, SlaPolicy
from sla.selectors import deadlines_of
from tests.celery_harness import wait_until

pytestmark = pytest.mark.integration


def shorten_ladder(*seconds):
    for position, offset in enumerate(seconds, start=1):
        EscalationRung.objects.filter(ladder__code="fault-5-15-30", position=position).update(
            offset=timedelta(seconds=offset)
        )


def report(people, circuit):
    return services.fault_report(
        by=people.front,
        title="专线中断",
        description="客户专线无法访问",
        category="line",
        service=circuit,
        handling_department=people.nmc,
    )


def test_f2_3_ladder_left_alone_notifies_supervisor_manager_leader_once_each_on_time(celery_env, people, circuit):
    shorten_ladder(3, 6, 9)
    SlaPolicy.objects.filter(kind="fault-broadcast").update(duration=timedelta(seconds=9))
    celery_env.worker()
    celery_env.beat()
    ticket = report(people, circuit)
    deadline = deadlines_of(ticket).get(kind="fault-repair")

    events = wait_until(
        lambda: (e := list(DeadlineEvent.objects.filter(deadline=deadline, kind="escalation"))) and len(e) == 3 and e,
        timeout=40,
        message="three rungs",
    )
    by_key = {e.key: e for e in events}
    for position, (user, offset) in enumerate(
        [(people.supervisor, 3), (people.manager, 6), (people.leader, 9)], start=1
    ):
        event = by_key[f"rung:{position}"]
        assert event.due_at == ticket.reported_at + timedelta(seconds=offset)
        assert timedelta(0) <= event.fired_at - event.due_at <= timedelta(seconds=15)
        assert Notification.objects.filter(recipient=user, channel="inapp", event__deadline=deadline).count() == 1
        assert Notification.objects.get(recipient=user, channel="inapp", event__deadline=deadline).event == event

    # The ticket shows whom it went to; the worker ran the faults hook of the broadcast deadline (F2.4).
    assert selectors.escalated_to(ticket) == "leader"
    wait_until(
        lambda: FaultTicket.objects.filter(pk=ticket.pk, broadcast_at__isnull=False).exists(),
        timeout=15,
        message="broadcast hook handled",
    )
    assert FaultNotice.objects.filter(ticket=ticket, kind="broadcast").count() == 1
    assert Notification.objects.filter(recipient=people.front, channel="sms", subject__contains="30").exists()
    time.sleep(2.5)  # left alone longer, nothing fires twice
    assert DeadlineEvent.objects.filter(deadline=deadline, kind="escalation").count() == 3
    for user in (people.supervisor, people.manager, people.leader):
        assert Notification.objects.filter(recipient=user, channel="inapp", event__deadline=deadline).count() == 1


def test_f2_3_resolving_before_the_second_rung_cancels_the_rest_and_starts_the_recovery_clock(
    celery_env, people, circuit
):
    shorten_ladder(2, 12, 16)
    SlaPolicy.objects.filter(kind="fault-recovery-notice").update(duration=timedelta(seconds=3))
    celery_env.worker()
    celery_env.beat()
    ticket = report(people, circuit)
    deadline = deadlines_of(ticket).get(kind="fault-repair")
    wait_until(lambda: deadline.events.filter(key="rung:1").exists(), timeout=15, message="rung 1")
    ticket = services.fault_resolve(ticket=ticket, by=people.member, resolution="更换光模块")
    resolved_at = ticket.resolved_at
    assert resolved_at < deadline.started_at + timedelta(seconds=12)

    recovery = Deadline.objects.get(object_id=ticket.pk, kind="fault-recovery-notice")
    assert recovery.started_at == resolved_at and recovery.due_at == resolved_at + timedelta(seconds=3)
    # The recovery deadline runs on the engine: missed, it breaches and tells the supervisor.
    wait_until(lambda: Deadline.objects.filter(pk=recovery.pk, state="breached").exists(), timeout=15, message="breach")
    assert Notification.objects.filter(recipient=people.supervisor, event__deadline=recovery).exists()

    # Past the third rung's time: nothing more fired for the repair deadline.
    wait_until(lambda: timezone.now() > deadline.started_at + timedelta(seconds=19), timeout=25, message="time")
    deadline.refresh_from_db()
    assert deadline.state == "met"
    assert list(deadline.events.values_list("key", flat=True)) == ["rung:1"]
    assert not Notification.objects.filter(recipient__in=[people.manager, people.leader]).exists()
    ticket.refresh_from_db()
    assert selectors.escalated_to(ticket) == "supervisor" and ticket.broadcast_at is None
    assert deadlines_of(ticket).get(kind="fault-broadcast").state == "met"
