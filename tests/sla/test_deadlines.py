"""S5.1–S5.3 and S5.5: deadlines, the sweeper, ladders, pauses and the audit trail."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django_fsm import TransitionNotAllowed

from org.models import Department
from org.roles import Role
from sla import services
from sla.models import AuditEntry, Deadline, DeadlineEvent, EscalationRung, Notification
from sla.selectors import audit_trail_of, deadlines_of
from tests.factories import DepartmentFactory, UserFactory, make_ladder, make_policy

SH = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
MIN = timedelta(minutes=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dept():
    return DepartmentFactory(code="nmc-test")


@pytest.fixture
def subject(dept):
    """Any model instance can own deadlines; a department is a handy one."""
    return DepartmentFactory(code="subject", side=Department.Side.FRONT)


def sweep(when):
    with time_machine.travel(when, tick=False):
        return services.sweep_due_deadlines()


def start(subject, dept, **policy):
    policy.setdefault("duration", timedelta(hours=4))
    make_policy(kind="repair", level="A", **policy)
    with time_machine.travel(T0, tick=False):
        return services.deadline_start(subject=subject, kind="repair", level="A", assessed_department=dept)


def test_s5_1_deadline_takes_due_and_warning_times_from_the_policy(subject, dept):
    d = start(subject, dept, warn_before=timedelta(hours=1))
    assert d.due_at == T0 + timedelta(hours=4)
    assert d.warn_at == T0 + timedelta(hours=3)
    assert d.state == Deadline.State.PENDING
    assert d.next_fire_at == d.warn_at
    assert list(deadlines_of(subject)) == [d]


def test_s5_1_unknown_policy_is_a_clear_error(subject):
    with pytest.raises(services.NoPolicy, match="kind='nothing'"):
        services.deadline_start(subject=subject, kind="nothing", level="A")


def test_s5_1_warning_then_breach_fire_once_each_and_notify_the_assessed_department(subject, dept):
    admin = UserFactory(department=dept, roles=[Role.BACK_ADMIN])
    UserFactory(department=DepartmentFactory(code="elsewhere"), roles=[Role.BACK_ADMIN])  # not assessed
    d = start(subject, dept, warn_before=timedelta(hours=1), notify_roles=["back_admin"])

    assert sweep(T0 + timedelta(hours=2)).events == 0
    assert sweep(T0 + timedelta(hours=3, seconds=1)).events == 1
    d.refresh_from_db()
    assert d.state == Deadline.State.WARNED
    assert sweep(T0 + timedelta(hours=3, seconds=5)).events == 0  # nothing fires twice

    assert sweep(T0 + timedelta(hours=4, seconds=1)).events == 1
    d.refresh_from_db()
    assert d.state == Deadline.State.BREACHED
    assert d.next_fire_at is None
    assert [e.key for e in d.events.all()] == ["warn", "breach"]

    notes = Notification.objects.filter(recipient=admin).order_by("id")
    assert [(n.channel, n.event.key) for n in notes] == [
        ("inapp", "warn"),
        ("email", "warn"),
        ("inapp", "breach"),
        ("email", "breach"),
    ]
    assert Notification.objects.exclude(recipient=admin).count() == 0
    assert "Deadline missed" in notes[2].subject or "超时" in notes[2].subject


def test_s5_1_a_sweep_long_after_due_fires_the_breach_without_a_stale_warning(subject, dept):
    d = start(subject, dept, warn_before=timedelta(hours=1))
    assert sweep(T0 + timedelta(days=1)).events == 1
    assert [e.key for e in d.events.all()] == ["breach"]


def test_s5_1_ladder_rungs_fire_in_order_each_exactly_once_with_reassignment(subject, dept):
    supervisor = UserFactory(department=dept, roles=[Role.SUPERVISOR])
    manager = UserFactory(department=dept, roles=[Role.DEPT_MANAGER])
    front = UserFactory(department=DepartmentFactory(code="front1", side="front"), roles=[Role.FRONT_ADMIN])
    ladder = make_ladder(
        [
            (5 * MIN, Role.SUPERVISOR, ["inapp", "sms"], Role.SUPERVISOR),
            (15 * MIN, Role.DEPT_MANAGER, ["inapp", "email"], Role.DEPT_MANAGER),
            (30 * MIN, Role.FRONT_ADMIN, ["inapp"], ""),
        ]
    )
    EscalationRung.objects.filter(ladder=ladder, position=3).update(scope=EscalationRung.Scope.FRONT)
    d = start(subject, dept, ladder=ladder)

    assert sweep(T0 + 4 * MIN).events == 0
    assert sweep(T0 + 5 * MIN).events == 1
    d.refresh_from_db()
    assert (d.rungs_fired, d.escalated_to_role, d.next_fire_at) == (1, "supervisor", T0 + 15 * MIN)
    assert sweep(T0 + 6 * MIN).events == 0
    # A late sweep fires every rung that is due, in order.
    assert sweep(T0 + 31 * MIN).events == 2
    d.refresh_from_db()
    assert (d.rungs_fired, d.escalated_to_role) == (3, "dept_manager")
    assert [e.key for e in d.events.order_by("id")] == ["rung:1", "rung:2", "rung:3"]

    assert set(Notification.objects.filter(recipient=supervisor).values_list("channel", flat=True)) == {"inapp", "sms"}
    assert set(Notification.objects.filter(recipient=manager).values_list("channel", flat=True)) == {"inapp", "email"}
    assert list(Notification.objects.filter(recipient=front).values_list("channel", flat=True)) == ["inapp"]
    sms = Notification.objects.get(recipient=supervisor, channel="sms")
    assert (sms.address, sms.status) == (supervisor.phone, "pending")


def test_s5_1_meeting_the_deadline_cancels_the_remaining_rungs(subject, dept):
    UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder([(5 * MIN, Role.SUPERVISOR, ["inapp"], ""), (15 * MIN, Role.SUPERVISOR, ["inapp"], "")])
    d = start(subject, dept, ladder=ladder)
    sweep(T0 + 6 * MIN)
    with time_machine.travel(T0 + 10 * MIN, tick=False):
        d = services.deadline_meet(deadline=d)
    assert d.state == Deadline.State.MET and d.next_fire_at is None and d.lateness is None
    assert sweep(T0 + 2 * timedelta(hours=5)).events == 0
    assert [e.key for e in d.events.all()] == ["rung:1"]
    with pytest.raises(TransitionNotAllowed):
        services.deadline_cancel(deadline=d)


def test_s5_3_pause_stops_the_clock_and_resume_moves_every_time(subject, dept):
    ladder = make_ladder([(5 * MIN, Role.SUPERVISOR, ["inapp"], "")])
    d = start(subject, dept, ladder=ladder, warn_before=timedelta(hours=1))
    with time_machine.travel(T0 + 2 * MIN, tick=False):
        d = services.deadline_pause(deadline=d, comment="special order approved")
    assert d.state == Deadline.State.PAUSED and d.next_fire_at is None
    assert sweep(T0 + timedelta(hours=5)).events == 0  # nothing fires while paused

    with time_machine.travel(T0 + 62 * MIN, tick=False):
        d = services.deadline_resume(deadline=d)
    assert d.state == Deadline.State.PENDING
    assert d.paused_total == timedelta(hours=1)
    assert d.due_at == T0 + timedelta(hours=5)
    assert d.warn_at == T0 + timedelta(hours=4)
    assert d.next_fire_at == T0 + 65 * MIN  # the 5-minute rung, moved by the pause
    assert sweep(T0 + 64 * MIN).events == 0
    assert sweep(T0 + 65 * MIN).events == 1
    trail = [(a.transition, a.from_state, a.to_state) for a in audit_trail_of(d)]
    assert trail == [("pause", "pending", "paused"), ("resume", "paused", "pending")]
    assert audit_trail_of(d).first().comment == "special order approved"


def test_s5_3_a_breached_deadline_stays_breached_after_a_pause(subject, dept):
    d = start(subject, dept)
    sweep(T0 + timedelta(hours=5))
    with time_machine.travel(T0 + timedelta(hours=6), tick=False):
        d = services.deadline_pause(deadline=d)
    with time_machine.travel(T0 + timedelta(hours=7), tick=False):
        d = services.deadline_resume(deadline=d)
    assert d.state == Deadline.State.BREACHED
    assert d.due_at == T0 + timedelta(hours=5)


def test_s5_5_sweeper_state_changes_are_in_the_audit_trail(subject, dept):
    d = start(subject, dept)
    sweep(T0 + timedelta(hours=5))
    entry = AuditEntry.objects.get(object_id=d.pk, transition="breached")
    assert (entry.from_state, entry.to_state, entry.actor) == ("pending", "breached", None)


def test_s5_1_sweep_drains_a_backlog_in_batches_with_bounded_queries(subject, dept, django_assert_max_num_queries):
    UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder([(MIN, Role.SUPERVISOR, ["inapp", "email"], "")])
    make_policy(kind="bulk", level="-", duration=timedelta(hours=1), ladder=ladder)
    with time_machine.travel(T0, tick=False):
        for _ in range(60):
            services.deadline_start(subject=subject, kind="bulk", assessed_department=dept)
    # 60 deadlines in batches of 25: the query count does not grow with the rows.
    with time_machine.travel(T0 + 2 * MIN, tick=False), django_assert_max_num_queries(40):
        result = services.sweep_due_deadlines(batch_size=25)
    assert (result.deadlines, result.events, result.notifications, result.batches) == (60, 60, 120, 3)


def test_s5_1_a_rung_recorded_by_another_worker_is_not_fired_again(subject, dept):
    """The unique (deadline, key) constraint is the guarantee; the sweeper recovers from a collision."""
    UserFactory(department=dept, roles=[Role.SUPERVISOR])
    ladder = make_ladder([(MIN, Role.SUPERVISOR, ["inapp"], ""), (2 * MIN, Role.SUPERVISOR, ["inapp"], "")])
    d = start(subject, dept, ladder=ladder)
    DeadlineEvent.objects.create(deadline=d, key="rung:1", kind="escalation", due_at=T0 + MIN, fired_at=T0 + MIN)

    result = sweep(T0 + 3 * MIN)
    assert result.events == 1  # only rung 2 is new
    d.refresh_from_db()
    assert d.rungs_fired == 2
    assert sorted(d.events.values_list("key", flat=True)) == ["rung:1", "rung:2"]
    assert Notification.objects.filter(event__key="rung:1").count() == 0


def test_s5_4_notify_stores_rows_first(dept):
    user = UserFactory(department=dept)
    notes = services.notify(users=[user], subject="hello", body="world", channels=["inapp", "email", "sms"])
    assert [(n.channel, n.status) for n in notes] == [("inapp", "sent"), ("email", "pending"), ("sms", "pending")]
    assert notes[1].address == user.email and notes[2].address == user.phone
