"""Major service-quality events (F2.6–F2.8) and complaints (F2.9)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from faults import selectors, services
from faults.levels import Figures, warning_level
from faults.models import Complaint, QualityEvent
from org.models import Department
from sla import services as sla
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden

NET, OTHER = "network", "billing"  # a network-or-support problem, and another problem


# F2.7 at every boundary, for both problem kinds: (category, figures, expected level)
F2_7_TABLE = [
    # cities affected: ≥5 red, ≥3 orange, ≥1 yellow (same for both kinds)
    *[(cat, {"cities": 0}, "") for cat in (NET, OTHER)],
    *[(cat, {"cities": 1}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"cities": 2}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"cities": 3}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"cities": 4}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"cities": 5}, "red") for cat in (NET, OTHER)],
    # customers, network or support problem: >50,000 red, >20,000 orange, >5,000 yellow
    (NET, {"customers": 5_000}, ""),
    (NET, {"customers": 5_001}, "yellow"),
    (NET, {"customers": 20_000}, "yellow"),
    (NET, {"customers": 20_001}, "orange"),
    (NET, {"customers": 50_000}, "orange"),
    (NET, {"customers": 50_001}, "red"),
    ("support", {"customers": 20_001}, "orange"),
    # customers, other problems: >5,000 red, >2,000 orange, >1,000 yellow
    (OTHER, {"customers": 1_000}, ""),
    (OTHER, {"customers": 1_001}, "yellow"),
    (OTHER, {"customers": 2_000}, "yellow"),
    (OTHER, {"customers": 2_001}, "orange"),
    (OTHER, {"customers": 5_000}, "orange"),
    (OTHER, {"customers": 5_001}, "red"),
    ("vas", {"customers": 5_001}, "red"),
    # complaints a day: >500 red, >300 orange, >100 yellow
    *[(cat, {"complaints_per_day": 100}, "") for cat in (NET, OTHER)],
    *[(cat, {"complaints_per_day": 101}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"complaints_per_day": 300}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"complaints_per_day": 301}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"complaints_per_day": 500}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"complaints_per_day": 501}, "red") for cat in (NET, OTHER)],
    # escalated a day: ≥20 red, ≥10 orange; escalated a week: >5 yellow
    *[(cat, {"escalated_per_day": 9}, "") for cat in (NET, OTHER)],
    *[(cat, {"escalated_per_day": 10}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"escalated_per_day": 19}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"escalated_per_day": 20}, "red") for cat in (NET, OTHER)],
    *[(cat, {"escalated_per_week": 5}, "") for cat in (NET, OTHER)],
    *[(cat, {"escalated_per_week": 6}, "yellow") for cat in (NET, OTHER)],
    # headquarters level and publicity
    *[(cat, {"hq_level": "sensitive"}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"hq_level": "level2"}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"hq_level": "level1"}, "red") for cat in (NET, OTHER)],
    *[(cat, {"publicity": "may_draw"}, "yellow") for cat in (NET, OTHER)],
    *[(cat, {"publicity": "recurring"}, "orange") for cat in (NET, OTHER)],
    *[(cat, {"publicity": "national"}, "red") for cat in (NET, OTHER)],
    # any one criterion suffices; the highest wins
    (NET, {"cities": 1, "customers": 20_001, "complaints_per_day": 101}, "orange"),
    (OTHER, {"cities": 3, "customers": 5_001}, "red"),
    (NET, {"customers": 5_001, "escalated_per_week": 6, "publicity": "national"}, "red"),
    (OTHER, {"cities": 0, "customers": 1_000, "complaints_per_day": 100, "escalated_per_week": 5}, ""),
]


@pytest.mark.parametrize(("category", "figures", "expected"), F2_7_TABLE)
def test_f2_7_warning_level_at_every_boundary(category, figures, expected):
    assert warning_level(Figures(category=category, **figures)) == expected


@pytest.fixture
def business(org):
    return Department.objects.get(code="gov_enterprise")


def new_event(people, business, **kwargs):
    defaults = dict(
        by=people.member, title="全省专线大面积中断", category=NET, source="business", business_department=business
    )
    return services.event_create(**(defaults | kwargs))


@pytest.mark.django_db
def test_f2_7_level_is_stored_recomputed_and_overridable_with_a_reason(people, business):
    event = new_event(people, business, cities=3)
    assert event.computed_level == "orange" and event.level == "orange"
    event = services.event_update_figures(event=event, by=people.member, customers=50_001)
    assert event.level == "red"
    with pytest.raises(ValidationError) as err:
        services.event_update_figures(event=event, by=people.member, override_level="yellow", override_reason="")
    assert "override_reason" in err.value.message_dict
    event = services.event_update_figures(
        event=event, by=people.member, override_level="yellow", override_reason="已确认仅影响测试号码"
    )
    assert event.computed_level == "red" and event.level == "yellow"
    event.refresh_from_db()
    assert event.override_reason == "已确认仅影响测试号码"


@pytest.mark.django_db
def test_f2_8_deadlines_of_a_province_event(people, business):
    event = new_event(people, business, cities=5)
    kinds = {d.kind: d for d in deadlines_of(event)}
    assert set(kinds) == {"event-report", "event-script", "event-cause-plan"}
    assert kinds["event-report"].due_at - event.detected_at == timedelta(hours=1)
    assert kinds["event-script"].due_at - event.detected_at == timedelta(hours=2)
    assert kinds["event-cause-plan"].due_at - event.detected_at == timedelta(hours=24)


@pytest.mark.django_db
@pytest.mark.parametrize(("hq_level", "plan_hours"), [("level1", 8), ("level2", 24), ("sensitive", 24)])
def test_f2_8_hq_events_have_feedback_and_plan_deadlines(people, business, hq_level, plan_hours):
    event = new_event(people, business, source="hq", hq_level=hq_level)
    deadlines = {d.kind: d for d in deadlines_of(event)}
    assert deadlines["event-hq-feedback"].due_at - event.detected_at == timedelta(hours=2)
    plan = deadlines["event-hq-plan-l1" if hq_level == "level1" else "event-hq-plan-l2"]
    assert plan.due_at - event.detected_at == timedelta(hours=plan_hours)
    event = services.event_hq_feedback(event=event, by=people.front)
    event = services.event_hq_plan(event=event, by=people.front)
    assert event.hq_feedback_at and event.hq_plan_at
    assert {d.state for d in deadlines_of(event) if d.kind.startswith("event-hq")} == {"met"}


@pytest.mark.django_db
def test_f2_8_report_publish_to_recipients_by_level_script_plan_and_rectification(people, business):
    zq_user = people.front  # in 政企客户部, the owning business department
    office = UserFactoryOffice()
    event = new_event(people, business, cities=5)  # red
    event = services.event_report(event=event, by=people.member)
    publish = deadlines_of(event).get(kind="event-publish")
    assert publish.due_at - event.reported_at == timedelta(hours=1)
    with pytest.raises(TransitionForbidden):
        services.event_publish(event=event, by=people.member)  # only 客户服务部 publishes
    event = services.event_publish(event=event, by=people.custsvc)
    recipients = set(services.event_recipients(event))
    assert {zq_user, people.custsvc, office, people.leader} <= recipients  # red: leaders and General Office
    assert people.public not in recipients
    assert deadlines_of(event).get(kind="event-publish").state == "met"
    event = services.event_send_script(event=event, by=zq_user, script="统一口径:正在抢修")
    event = services.event_submit_cause_plan(event=event, by=zq_user, text="光缆被挖断;投诉按流程处理")
    assert {d.state for d in deadlines_of(event) if d.kind in ("event-script", "event-cause-plan")} == {"met"}
    with pytest.raises(ValidationError):
        services.event_start_rectification(event=event, by=zq_user, plan="")
    event = services.event_start_rectification(event=event, by=zq_user, plan="增加光缆路由保护")
    event = services.event_close(event=event, by=people.custsvc, result="保护路由已上线")
    assert event.state == QualityEvent.State.CLOSED and event.closed_at


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("figures", "office", "leaders"),
    [({"cities": 1}, False, False), ({"cities": 3}, True, True), ({"cities": 5}, True, True)],
)
def test_f2_8_recipients_by_level(people, business, figures, office, leaders):
    office_user = UserFactoryOffice()
    event = new_event(people, business, **figures)
    recipients = set(services.event_recipients(event))
    assert people.front in recipients and people.custsvc in recipients  # every level
    assert (office_user in recipients) == office
    assert (people.leader in recipients) == leaders


@pytest.mark.django_db
def test_f2_8_missed_report_deadline_breaches(people, business):
    event = new_event(people, business, cities=1)
    with time_machine.travel(event.detected_at + timedelta(hours=1, seconds=1), tick=False):
        sla.sweep_due_deadlines()
    assert deadlines_of(event).get(kind="event-report").state == "breached"


def UserFactoryOffice():
    from org.roles import Role

    from .factories import FastUserFactory

    return FastUserFactory(
        username="t_office", department=Department.objects.get(code="office"), roles=[Role.BACK_MEMBER]
    )


# --- F2.9 complaints ---------------------------------------------------------------------


def receive(people, **kwargs):
    defaults = dict(by=people.custsvc, customer_name="李四", category=NET, content="信号差", department=people.nmc)
    return services.complaint_receive(**(defaults | kwargs))


@pytest.mark.django_db
def test_f2_9_reply_within_fifteen_days_and_satisfaction(people):
    complaint = receive(people)
    deadline = deadlines_of(complaint).get()
    assert deadline.kind == "complaint-reply" and deadline.due_at - complaint.received_at == timedelta(days=15)
    with pytest.raises(TransitionConflict):
        services.complaint_appeal(complaint=complaint, by=people.custsvc, reference="12300-1")
    complaint = services.complaint_answer(complaint=complaint, by=people.member, answer="已优化基站")
    assert deadlines_of(complaint).get(kind="complaint-reply").state == "met"  # the follow-up visit's starts
    complaint = services.complaint_record_satisfaction(complaint=complaint, by=people.custsvc, satisfied=True)
    assert complaint.state == Complaint.State.CLOSED and complaint.satisfaction == "satisfied"
    with pytest.raises(TransitionConflict):
        services.complaint_appeal(complaint=complaint, by=people.custsvc, reference="12300-1")


@pytest.mark.django_db
def test_f2_9_unsatisfied_customer_appeals_to_12300_and_the_appeal_is_tracked(people):
    complaint = services.complaint_answer(complaint=receive(people), by=people.member, answer="已处理")
    complaint = services.complaint_record_satisfaction(complaint=complaint, by=people.custsvc, satisfied=False)
    complaint = services.complaint_appeal(complaint=complaint, by=people.custsvc, reference="12300-2026-001")
    assert complaint.state == "appealed" and complaint.appeal_reference == "12300-2026-001"
    complaint = services.complaint_close_appeal(complaint=complaint, by=people.custsvc, outcome="管局认定已妥善处理")
    assert complaint.state == "closed" and complaint.appeal_outcome


@pytest.mark.django_db
def test_f2_9_unanswered_after_fifteen_days_may_be_appealed_and_the_deadline_breaches(people):
    complaint = receive(people, received_at=timezone.now() - timedelta(days=15, minutes=1))
    sla.sweep_due_deadlines()
    assert deadlines_of(complaint).get().state == "breached"
    complaint = services.complaint_appeal(complaint=complaint, by=people.custsvc, reference="12300-9")
    assert complaint.state == "appealed"


@pytest.mark.django_db
def test_f2_9_daily_counts_feed_the_event_figures_and_suggest_raising_the_level(people, business):
    now = timezone.now()
    for i in range(101):
        receive(people, escalated=i < 6, received_at=now - timedelta(seconds=i))
    receive(people, category="billing")
    counts = selectors.complaint_counts()
    assert counts[NET] == {"day": 101, "escalated_day": 6, "escalated_week": 6}
    assert counts["billing"]["day"] == 1
    event = new_event(people, business)  # no figures yet: no level
    suggestions = {s["category"]: s for s in selectors.complaint_suggestions()}
    assert set(suggestions) == {NET}
    assert suggestions[NET]["level"] == "yellow" and suggestions[NET]["events_to_raise"] == [event]
    event = services.event_apply_complaint_counts(event=event, by=people.member)
    assert event.complaints_per_day == 101 and event.level == "yellow"
    assert selectors.complaint_suggestions()[0]["events_to_raise"] == []
