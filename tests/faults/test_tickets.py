"""Fault tickets: F2.1 fields and levels, F2.2 life cycle, F2.3 ladder, repeat rule and helpers,
F2.4 notices, F2.5 problems."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from faults import selectors, services
from faults.models import FaultNotice, FaultTicket, Problem
from sla import services as sla
from sla.models import Deadline, DeadlineEvent, Notification
from sla.selectors import audit_trail_of, deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db


def report(people, circuit, **kwargs):
    defaults = dict(
        by=people.front,
        title="专线中断",
        description="客户专线无法访问",
        category="line",
        service=circuit,
        handling_department=people.nmc,
    )
    return services.fault_report(**(defaults | kwargs))


def sweep_at(when):
    """Run the sweeper at ``when`` and the app handlers of what fired (as a worker would)."""
    with time_machine.travel(when, tick=False):
        sla.sweep_due_deadlines()
        ids = list(DeadlineEvent.objects.filter(handled_at__isnull=True).values_list("pk", flat=True))
        sla.deadline_events_handle(ids=ids)


def repair_deadline(ticket):
    return deadlines_of(ticket).get(kind="fault-repair", state__in=Deadline.OPEN_STATES)


# --- F2.1 ----------------------------------------------------------------------------


def test_f2_1_ticket_takes_level_from_the_circuit_and_its_repair_deadline_from_the_level(people, circuit):
    ticket = report(people, circuit)
    assert ticket.level == "A" and ticket.state == FaultTicket.State.REPORTED
    deadline = repair_deadline(ticket)
    assert deadline.due_at - deadline.started_at == timedelta(hours=4)
    assert deadline.assessed_department == people.nmc
    assert deadline.ladder.code == "fault-5-15-30"
    c_ticket = report(people, ServiceFactory(level="C"))
    assert repair_deadline(c_ticket).due_at - c_ticket.reported_at == timedelta(hours=24)


def test_f2_1_system_fault_defaults_to_the_systems_department_and_checks_category(people, system):
    ticket = services.fault_report(
        by=people.it, title="计费系统宕机", description="应用无响应", category="application", system=system
    )
    assert ticket.handling_department.code == "it" and ticket.level == "B"
    with pytest.raises(ValidationError) as err:
        services.fault_report(by=people.it, title="x", description="y", category="line", system=system)
    assert "category" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        services.fault_report(by=people.it, title="x", description="y", category="os")
    assert "service" in err.value.message_dict


def test_f2_1_backfilled_phone_ticket_starts_its_clock_at_the_call(people, circuit):
    call = timezone.now() - timedelta(minutes=20)
    ticket = report(people, circuit, phone_reported_at=call)
    assert ticket.phone_reported and ticket.reported_at == call
    deadline = repair_deadline(ticket)
    assert deadline.started_at == call
    # The 5- and 15-minute rungs are already due: the next sweep fires both.
    sweep_at(timezone.now())
    assert sorted(deadline.events.values_list("key", flat=True)) == ["rung:1", "rung:2"]


def test_auditor_cannot_report(people, circuit):
    with pytest.raises(PermissionDenied):
        report(people, circuit, by=people.auditor)


# --- F2.2 ----------------------------------------------------------------------------


def test_f2_2_life_cycle_with_workaround_verification_and_reopen(people, circuit):
    ticket = report(people, circuit)
    with pytest.raises(TransitionForbidden):
        services.fault_acknowledge(ticket=ticket, by=people.line)  # not the handling department
    ticket = services.fault_acknowledge(ticket=ticket, by=people.member)
    assert ticket.state == "acknowledged" and ticket.handler == people.member
    ticket = services.fault_record_workaround(ticket=ticket, by=people.member, workaround="切换备用路由")
    assert ticket.state == "in_progress" and ticket.workaround == "切换备用路由" and ticket.workaround_at
    ticket = services.fault_resolve(ticket=ticket, by=people.member, resolution="更换光模块")
    assert ticket.state == "resolved"
    with pytest.raises((TransitionConflict, TransitionForbidden)):
        services.fault_acknowledge(ticket=ticket, by=people.member)  # not from "resolved"
    with pytest.raises(TransitionForbidden):
        services.fault_close(ticket=ticket, by=people.public)  # neither the reporter nor a lead
    ticket = services.fault_reopen(ticket=ticket, by=people.front, comment="仍然中断")
    assert ticket.state == "in_progress" and ticket.reopen_count == 1
    assert repair_deadline(ticket).state == "pending"  # a fresh repair clock
    ticket = services.fault_resolve(ticket=ticket, by=people.member)
    ticket = services.fault_close(ticket=ticket, by=people.front, comment="已验证")
    assert ticket.state == "closed" and ticket.closed_at
    trail = [(a.transition, a.to_state) for a in audit_trail_of(ticket)]
    assert trail[0] == ("report", "reported")
    assert ("reopen", "in_progress") in trail and trail[-1] == ("close", "closed")


# --- F2.3 ladder -----------------------------------------------------------------------


def test_f2_3_ladder_notifies_supervisor_manager_leader_once_each_and_shows_the_reassignment(people, circuit):
    ticket = report(people, circuit)
    start = ticket.reported_at
    deadline = repair_deadline(ticket)
    expected = [
        (5, people.supervisor, "supervisor"),
        (15, people.manager, "dept_manager"),
        (30, people.leader, "leader"),
    ]
    for minutes, user, role in expected:
        sweep_at(start + timedelta(minutes=minutes, seconds=1))
        sweep_at(start + timedelta(minutes=minutes, seconds=2))  # a second sweep fires nothing more
        assert Notification.objects.filter(recipient=user, channel="inapp", event__deadline=deadline).count() == 1
        assert selectors.escalated_to(ticket) == role  # the reassignment shown on the ticket
    assert deadline.events.filter(kind="escalation").count() == 3
    # Nobody below got a rung meant for the one above.
    assert not Notification.objects.filter(recipient=people.member, event__deadline=deadline).exists()
    fired = [(e.key, e.rung.notify_role) for e in deadline.events.filter(kind="escalation").order_by("id")]
    assert fired == [("rung:1", "supervisor"), ("rung:2", "dept_manager"), ("rung:3", "leader")]


def test_f2_3_resolving_meets_the_deadline_so_later_rungs_never_fire_and_starts_recovery_clock(people, circuit):
    ticket = report(people, circuit)
    start = ticket.reported_at
    deadline = repair_deadline(ticket)
    sweep_at(start + timedelta(minutes=6))
    with time_machine.travel(start + timedelta(minutes=8), tick=False):
        ticket = services.fault_resolve(ticket=ticket, by=people.member)
    sweep_at(start + timedelta(hours=5))
    deadline.refresh_from_db()
    assert deadline.state == "met" and list(deadline.events.values_list("key", flat=True)) == ["rung:1"]
    recovery = deadlines_of(ticket).get(kind="fault-recovery-notice")
    assert recovery.due_at == start + timedelta(minutes=13)  # F2.4: 5 minutes after resolution


def test_f2_3_supervisor_adds_helper_departments_and_vendors(people, circuit):
    ticket = report(people, circuit)
    with pytest.raises(PermissionDenied):
        services.fault_add_helpers(ticket=ticket, by=people.member, vendors="华为")
    ticket = services.fault_add_helpers(
        ticket=ticket, by=people.supervisor, departments=[people.line.department], vendors="华为"
    )
    assert list(ticket.helper_departments.all()) == [people.line.department]
    assert ticket.helper_vendors == "华为"
    assert Notification.objects.filter(recipient=people.line, channel="inapp").exists()
    assert ticket.notices.filter(kind=FaultNotice.Kind.HELPERS).exists()


@pytest.mark.parametrize(
    ("earlier", "fix_minutes", "same_category", "reported"),
    [
        (2, 4, True, True),  # third quick fix of the same problem → supervisor
        (1, 4, True, False),  # only seen twice
        (2, 6, True, False),  # not solved within 5 minutes
        (2, 4, False, False),  # a different category is a different problem
    ],
)
def test_f2_3_repeat_rule(people, circuit, earlier, fix_minutes, same_category, reported):
    now = timezone.now()
    for i in range(earlier):
        report(
            people,
            circuit,
            phone_reported_at=now - timedelta(days=1, hours=i),
            category="line" if same_category else "power",
        )
    ticket = report(people, circuit)
    with time_machine.travel(ticket.reported_at + timedelta(minutes=fix_minutes), tick=False):
        ticket = services.fault_resolve(ticket=ticket, by=people.member)
    assert (ticket.repeat_reported_at is not None) == reported
    to_supervisor = Notification.objects.filter(recipient=people.supervisor, subject__contains="3")
    assert to_supervisor.exists() == reported


def test_f2_3_repeat_rule_window_is_configurable_and_reported_once(people, circuit, settings):
    settings.FAULTS_REPEAT_WINDOW = timedelta(hours=1)
    now = timezone.now()
    for hours in (2, 3):
        report(people, circuit, phone_reported_at=now - timedelta(hours=hours))
    ticket = services.fault_resolve(ticket=report(people, circuit), by=people.member)
    assert ticket.repeat_reported_at is None  # the earlier two are outside the window
    settings.FAULTS_REPEAT_WINDOW = timedelta(days=1)
    ticket = services.fault_resolve(ticket=report(people, circuit), by=people.member)
    assert ticket.repeat_reported_at is not None
    again = services.fault_resolve(ticket=report(people, circuit), by=people.member)
    assert again.repeat_reported_at is None  # already reported for this run of repeats


# --- F2.4 notices ----------------------------------------------------------------------


def test_f2_4_thirty_minutes_broadcasts_sms_to_business_departments_with_email_copies(people, circuit):
    ticket = report(people, circuit)
    sweep_at(ticket.reported_at + timedelta(minutes=31))
    ticket.refresh_from_db()
    assert ticket.broadcast_at is not None
    broadcast = ticket.notices.get(kind=FaultNotice.Kind.BROADCAST)
    sms = Notification.objects.filter(channel="sms", subject=broadcast.subject)
    assert {n.recipient for n in sms} >= {people.front, people.public}
    emails = {n.recipient for n in Notification.objects.filter(channel="email", subject=broadcast.subject)}
    assert {people.it, people.auditor, people.supervisor, people.manager} <= emails
    assert people.member not in emails
    # A later sweep does not broadcast again.
    sweep_at(ticket.reported_at + timedelta(minutes=40))
    assert ticket.notices.filter(kind=FaultNotice.Kind.BROADCAST).count() == 1


def test_f2_4_no_broadcast_when_resolved_before_thirty_minutes(people, circuit):
    ticket = report(people, circuit)
    sweep_at(ticket.reported_at + timedelta(minutes=20))
    with time_machine.travel(ticket.reported_at + timedelta(minutes=25), tick=False):
        services.fault_resolve(ticket=ticket, by=people.member)
    sweep_at(ticket.reported_at + timedelta(minutes=31))
    assert not FaultNotice.objects.filter(kind=FaultNotice.Kind.BROADCAST).exists()


def test_f2_4_recovery_notice_reaches_customer_and_reporter_and_meets_its_deadline(people, circuit):
    ticket = report(people, circuit)
    with pytest.raises(TransitionConflict):
        services.fault_send_recovery_notice(ticket=ticket, by=people.member)
    ticket = services.fault_resolve(ticket=ticket, by=people.member)
    notice = services.fault_send_recovery_notice(ticket=ticket, by=people.member)
    assert notice.kind == "recovery" and notice.recipients == 2
    assert Notification.objects.filter(channel="sms", address=circuit.customer.contact_phone).exists()
    assert Notification.objects.filter(recipient=people.front, subject=notice.subject, channel="inapp").exists()
    assert deadlines_of(ticket).get(kind="fault-recovery-notice").state == "met"
    with pytest.raises(TransitionConflict):
        services.fault_send_recovery_notice(ticket=ticket, by=people.member)


def test_f2_4_late_recovery_notice_breaches_and_tells_the_supervisor(people, circuit):
    ticket = services.fault_resolve(ticket=report(people, circuit), by=people.member)
    sweep_at(ticket.resolved_at + timedelta(minutes=5, seconds=1))
    recovery = deadlines_of(ticket).get(kind="fault-recovery-notice")
    assert recovery.state == "breached"
    assert Notification.objects.filter(recipient=people.supervisor, event__deadline=recovery).exists()


def test_f2_4_explanation_notice_is_drafted_from_the_ticket_and_published(people, circuit):
    ticket = report(people, circuit)
    ticket = services.fault_record_workaround(ticket=ticket, by=people.member, workaround="切换备用路由")
    ticket = services.fault_resolve(ticket=ticket, by=people.member, resolution="更换光模块")
    draft = services.fault_draft_explanation(ticket=ticket)
    assert "客户专线无法访问" in draft and "切换备用路由" in draft and "更换光模块" in draft
    with pytest.raises(PermissionDenied):
        services.fault_publish_explanation(ticket=ticket, by=people.front)
    notice = services.fault_publish_explanation(ticket=ticket, by=people.supervisor)
    assert notice.body == draft and notice.published_at
    assert Notification.objects.filter(recipient=people.public, subject=notice.subject).exists()


# --- F2.5 problems ---------------------------------------------------------------------


def test_f2_5_problem_from_a_ticket_links_many_and_is_tracked_to_closure(people, circuit):
    first, second = report(people, circuit), report(people, circuit)
    problem = services.problem_create_from_ticket(ticket=first, by=people.admin, title="光模块批次缺陷")
    services.problem_link_ticket(problem=problem, ticket=second, by=people.admin)
    assert set(problem.tickets.all()) == {first, second}
    with pytest.raises(TransitionForbidden):
        services.problem_start(problem=problem, by=people.front)
    problem = services.problem_start(problem=problem, by=people.supervisor, plan="升级固件")
    problem = services.problem_close(
        problem=problem, by=people.supervisor, root_cause="光模块批次缺陷", fix="升级固件", conclusion="已全部升级"
    )
    assert problem.state == Problem.State.CLOSED and problem.closed_at
    with pytest.raises(TransitionConflict):
        services.problem_link_ticket(problem=problem, ticket=report(people, circuit), by=people.admin)


def test_f2_4_a_broadcast_hook_running_after_resolution_does_nothing(people, circuit):
    """The hook runs on a worker after the sweep; the ticket may be resolved in between."""
    ticket = report(people, circuit)
    with time_machine.travel(ticket.reported_at + timedelta(minutes=31), tick=False):
        sla.sweep_due_deadlines()  # the broadcast deadline is breached; its hook has not run yet
    with time_machine.travel(ticket.reported_at + timedelta(minutes=32), tick=False):
        services.fault_resolve(ticket=ticket, by=people.member)
        sla.deadline_events_handle(ids=list(DeadlineEvent.objects.values_list("pk", flat=True)))
    ticket.refresh_from_db()
    assert selectors.escalated_to(ticket) == "leader"  # the ladder had reached the leader
    assert ticket.broadcast_at is None and not ticket.notices.filter(kind="broadcast").exists()


def test_f2_3_reopened_ticket_climbs_the_ladder_again(people, circuit):
    ticket = report(people, circuit)
    sweep_at(ticket.reported_at + timedelta(minutes=16))
    ticket = services.fault_resolve(ticket=ticket, by=people.member)
    ticket = services.fault_reopen(ticket=ticket, by=people.front)
    assert selectors.escalated_to(ticket) == ""
    new = repair_deadline(ticket)
    sweep_at(new.started_at + timedelta(minutes=5, seconds=1))
    assert selectors.escalated_to(ticket) == "supervisor"
