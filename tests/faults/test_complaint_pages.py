"""F2.9 complaints worked in the browser (issue 15 §4): the reply policy, intake, the queue, the complaint
page and its actions (answer, follow-up visit 回访, the 12300 route, close), their API, and the day's
complaint counts suggesting event levels (beat task, applied on confirmation)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from faults import services
from faults.models import Complaint, EventLevelSuggestion, QualityEvent
from faults.tasks import suggest_event_levels
from org.models import Department
from sla.models import Clock, Deadline, SlaPolicy
from sla.selectors import deadlines_of

from .factories import InternalSystemFactory

pytestmark = pytest.mark.django_db
NET = "network"


def receive(people, **kwargs):
    defaults = dict(by=people.custsvc, customer_name="李四", category=NET, content="信号差", department=people.nmc)
    return services.complaint_receive(**(defaults | kwargs))


def page_of(client, user, complaint):
    client.force_login(user)
    return client.get(reverse("faults:complaint", args=[complaint.pk]))


def act(client, complaint, action, **data):
    return client.post(reverse("faults:complaint-act", args=[complaint.pk, action]), data, follow=True)


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def move_reply_deadline_into_the_past(complaint):
    Deadline.objects.filter(kind="complaint-reply", object_id=complaint.pk).update(
        due_at=timezone.now() - timedelta(minutes=1)
    )


# --- the policy ---------------------------------------------------------------------------------


def test_f2_9_reply_limit_and_appeal_window_come_from_the_complaint_reply_policy(people):
    """Default 15 calendar days (seed 004's stricter reading); an administrator's change is followed."""
    complaint = receive(people)
    assert services.reply_limit(complaint) - complaint.received_at == timedelta(days=15)
    SlaPolicy.objects.filter(kind="complaint-reply").update(duration=timedelta(days=10), clock=Clock.CALENDAR)
    later = receive(people)
    assert services.reply_limit(later) - later.received_at == timedelta(days=10)
    # a complaint without a deadline (imported) reads the policy too
    bare = Complaint.objects.create(
        customer_name="王五", category=NET, content="网速慢", department=people.nmc, received_at=timezone.now()
    )
    assert services.reply_limit(bare) - bare.received_at == timedelta(days=10)
    assert not services.reply_overdue(bare)
    assert services.reply_overdue(bare, now=bare.received_at + timedelta(days=10, seconds=1))
    assert not services.appeal_open(bare)  # received, not late yet: no appeal


def test_f2_9_a_late_reply_opens_the_appeal_window(people):
    complaint = receive(people)
    move_reply_deadline_into_the_past(complaint)
    complaint = services.complaint_answer(complaint=complaint, by=people.member, answer="已处理")
    assert services.reply_overdue(complaint)
    complaint = services.complaint_follow_up(complaint=complaint, by=people.custsvc, satisfied=True)
    assert services.appeal_open(complaint)  # satisfied, but answered late: the customer may still appeal


# --- intake ---------------------------------------------------------------------------------------


def test_f2_9_intake_page_takes_a_complaint_in_with_channel_customer_and_linked_records(people, client):
    system = InternalSystemFactory(department=people.nmc, level="B")
    ticket = services.fault_report(
        by=people.member, title="基站退服", description="退服", category="application", system=system
    )
    client.force_login(people.member)  # the handling team sees its ticket (客户服务部 would not)
    response = client.get(reverse("faults:complaint-new"))
    assert response.status_code == 200 and "受理投诉" in response.content.decode()
    response = client.post(
        reverse("faults:complaint-new"),
        {
            "channel": "12300",
            "customer_name": "周先生",
            "customer_phone": "13700000009",
            "category": NET,
            "content": "家中信号差",
            "department": people.nmc.pk,
            "ticket_number": ticket.number,
        },  # fmt: skip
    )
    assert response.status_code == 302, response.context["form"].errors
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("faults:complaint", args=[complaint.pk])
    assert complaint.channel == "12300" and complaint.fault_ticket == ticket and complaint.created_by == people.member
    assert deadlines_of(complaint).get().kind == "complaint-reply"


def test_f2_9_intake_refuses_records_the_user_may_not_see_with_chinese_errors(people, client):
    system = InternalSystemFactory(department=people.nmc, level="B")
    ticket = services.fault_report(
        by=people.member, title="退服", description="退服", category="application", system=system
    )
    client.force_login(people.line)  # 线路中心 sees no NMC ticket and no order
    response = client.post(
        reverse("faults:complaint-new"),
        {
            "channel": "hotline",
            "customer_name": "周先生",
            "category": NET,
            "content": "信号差",
            "department": people.nmc.pk,
            "ticket_number": ticket.number,
            "order_number": "NO-SUCH",
        },  # fmt: skip
    )
    assert response.status_code == 200 and not Complaint.objects.exists()
    body = response.content.decode()
    assert "没有您可查看的此编号故障单" in body
    with pytest.raises(ValidationError) as exc:
        services.complaint_receive(
            by=people.line, customer_name="周", category=NET, content="x", department=people.nmc, order_number="NO-SUCH"
        )
    assert "order_number" in exc.value.message_dict


def test_f2_9_an_order_is_named_by_its_number_through_the_lookup_registry(people):
    from responses import services as orders
    from responses.defaults import load_catalogue
    from tests.responses.factories import make_order

    assert settings.FAULTS_RECORD_LOOKUPS["order"] == "responses.selectors.orders_visible_to"
    order = orders.order_submit(order=make_order(people.front, load_catalogue()["phone"], level="B"), by=people.front)
    complaint = receive(people, by=people.front, order_number=order.number)
    assert complaint.order_number == order.number
    with pytest.raises(ValidationError) as refused:
        receive(people, by=people.line, order_number=order.number)  # 线路中心 has no step of it
    assert "order_number" in refused.value.message_dict


def test_f2_9_read_only_people_take_no_complaint_in(people, client):
    client.force_login(people.auditor)
    assert client.get(reverse("faults:complaint-new")).status_code == 403


# --- the queue ----------------------------------------------------------------------------------


def test_f2_9_queue_sorted_by_time_left_with_filters_colours_and_a_fixed_query_count(
    people, client, django_assert_max_num_queries
):
    now = timezone.now()
    old = receive(people, customer_name="老投诉", received_at=now - timedelta(days=14, hours=23))  # < 2 h left
    new = receive(people, customer_name="新投诉", channel="letter")
    late = receive(people, customer_name="超时投诉", received_at=now - timedelta(days=16))
    closed = services.complaint_follow_up(
        complaint=services.complaint_answer(
            complaint=receive(people, customer_name="已结"), by=people.member, answer="好"
        ),
        by=people.member,
        satisfied=True,
    )
    client.force_login(people.member)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("faults:complaints"))
    rows = [r["c"] for r in response.context["rows"]]
    assert rows == [late, old, new] and closed not in rows
    css = {r["c"].pk: r["css"] for r in response.context["rows"]}
    assert css == {late.pk: "overdue", old.pk: "due-2h", new.pk: ""}
    for _ in range(5):
        receive(people)
    with django_assert_max_num_queries(12):  # more rows, the same queries
        client.get(reverse("faults:complaints"))
    assert [r["c"] for r in client.get(reverse("faults:complaints"), {"overdue": "on"}).context["rows"]] == [late]
    assert [r["c"] for r in client.get(reverse("faults:complaints"), {"channel": "letter"}).context["rows"]] == [new]
    assert [r["c"] for r in client.get(reverse("faults:complaints"), {"state": "closed"}).context["rows"]] == [closed]
    line = Department.objects.get(code="line")
    assert client.get(reverse("faults:complaints"), {"department": line.pk}).context["rows"] == []


def test_f2_9_queue_shows_only_complaints_the_user_may_see(people, client):
    receive(people)
    client.force_login(people.line)
    assert client.get(reverse("faults:complaints")).context["rows"] == []


# --- the complaint page and its actions -------------------------------------------------------------


def test_f2_9_answer_starts_the_follow_up_visit_recorded_with_who_when_and_outcome(people, client):
    complaint = receive(people)
    response = page_of(client, people.member, complaint)
    assert response.context["may"]["answer"] and not response.context["may"]["follow_up"]
    response = act(client, complaint, "answer", answer="已优化基站")
    assert "已答复" in response.content.decode()
    complaint.refresh_from_db()
    visit = deadlines_of(complaint).get(kind="complaint-follow-up")
    assert visit.is_open and visit.due_at - complaint.answered_at == timedelta(days=2)  # default: 2 days
    response = page_of(client, people.member, complaint)
    assert response.context["may"]["follow_up"] and response.context["may"]["appeal"]
    act(client, complaint, "follow-up", outcome="客户表示仍有掉线", satisfied="no")
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.satisfaction == "unsatisfied"
    assert complaint.followed_up_by == people.member and complaint.follow_up_outcome == "客户表示仍有掉线"
    assert complaint.followed_up_at is not None
    assert deadlines_of(complaint).get(kind="complaint-follow-up").state == "met"
    assert page_of(client, people.member, complaint).context["may"]["appeal"]  # unsatisfied → may appeal


def test_f2_9_appeal_route_provincial_then_ministry_then_arbitration_with_an_outcome_each_and_close(people, client):
    complaint = services.complaint_answer(complaint=receive(people), by=people.member, answer="已处理")
    page_of(client, people.member, complaint)
    act(client, complaint, "appeal", reference="12300-2026-7", stage="provincial")
    complaint.refresh_from_db()
    assert complaint.state == "appealed" and complaint.appeal_stage == "provincial"
    assert deadlines_of(complaint).get(kind="complaint-follow-up").state == "cancelled"
    act(client, complaint, "escalate", outcome="省中心调解无效", stage="arbitration")
    response = act(client, complaint, "escalate", outcome="退回", stage="ministry")  # backwards: refused
    assert "只能按申诉途径向后推进" in response.content.decode()
    complaint.refresh_from_db()
    assert complaint.appeal_stage == "arbitration"
    response = act(client, complaint, "close-appeal", outcome="仲裁裁决:减免月租")
    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.appeal_outcome == "仲裁裁决:减免月租"
    steps = list(complaint.appeal_steps.values_list("stage", "outcome"))
    assert steps == [("provincial", "省中心调解无效"), ("arbitration", "仲裁裁决:减免月租")]
    body = response.content.decode()
    assert "已申诉至12300" in body and "申诉进入下一阶段" in body  # the history in words
    assert not any(page_of(client, people.member, complaint).context["may"].values())


def test_f2_9_page_buttons_follow_the_predicates_and_errors_are_in_chinese(people, client):
    complaint = receive(people)
    assert page_of(client, people.line, complaint).status_code == 404  # another department's
    assert not page_of(client, people.auditor, complaint).context["may_any"]  # reads, changes nothing
    response = page_of(client, people.member, complaint)
    assert not response.context["may"]["appeal"]  # not late, not answered
    response = act(client, complaint, "answer", answer="  ")
    assert "请填写答复内容" in response.content.decode()
    response = act(client, complaint, "appeal", reference="12300-1")
    assert "只有答复超时或客户不满意时才可申诉至12300" in response.content.decode()
    assert client.post(reverse("faults:complaint-act", args=[complaint.pk, "nothing"])).status_code == 404


# --- the API --------------------------------------------------------------------------------------


def test_f2_9_api_follow_up_and_appeal_stage_answer_with_codes(people):
    complaint = services.complaint_answer(complaint=receive(people), by=people.member, answer="已处理")
    url = f"/api/v1/complaints/{complaint.pk}/"
    stage = api(people.member).post(url + "appeal-stage/", {"outcome": "x", "stage": "ministry"}, format="json")
    assert stage.status_code == 409 and stage.json()["code"] == "wrong_state"
    visit = api(people.member).post(url + "follow-up/", {"satisfied": False, "outcome": "不满意"}, format="json")
    assert visit.status_code == 200 and visit.json()["follow_up_outcome"] == "不满意"
    assert api(people.line).post(url + "follow-up/", {"satisfied": True}, format="json").status_code == 404
    start = api(people.member).post(url + "appeal/", {"reference": "12300-5", "stage": "court"}, format="json")
    assert start.status_code == 400 and "stage" in start.json()["fields"]
    appeal = api(people.member).post(url + "appeal/", {"reference": "12300-5", "stage": "ministry"}, format="json")
    assert appeal.status_code == 200 and appeal.json()["appeal_stage"] == "ministry"
    back = api(people.member).post(url + "appeal-stage/", {"outcome": "x", "stage": "provincial"}, format="json")
    assert back.status_code == 400 and "stage" in back.json()["fields"]
    on = api(people.member).post(url + "appeal-stage/", {"outcome": "调解无效", "stage": "court"}, format="json")
    assert on.status_code == 200 and on.json()["appeal_stage"] == "court"
    assert on.json()["appeal_steps"][0]["stage"] == "ministry"
    assert api(people.auditor).post(url + "appeal-stage/", {"outcome": "x", "stage": "court"}).status_code == 403


# --- the day's counts applied to open events (beat task) -------------------------------------------


def test_f2_9_beat_task_records_suggested_levels_and_the_board_applies_one_on_confirmation(people, client):
    assert settings.CELERY_BEAT_SCHEDULE["faults-suggest-event-levels"]["task"] == "faults.tasks.suggest_event_levels"
    now = timezone.now()
    for i in range(101):
        receive(people, received_at=now - timedelta(seconds=i))
    public = Department.objects.get(code="public")
    event = services.event_create(
        by=people.public, title="4G 信号投诉集中", category=NET, source="complaints", business_department=public
    )
    assert suggest_event_levels() == 1
    assert suggest_event_levels() == 1  # the same day again: the same row
    suggestion = EventLevelSuggestion.objects.get()
    assert suggestion.event == event and suggestion.suggested_level == "yellow" and "101" in suggestion.reason
    client.force_login(people.public)
    board = client.get(reverse("faults:events"))
    assert list(board.context["level_suggestions"]) == [suggestion]
    client.force_login(people.line)  # not its event: no suggestion, and 404 on applying it
    assert list(client.get(reverse("faults:events")).context["level_suggestions"]) == []
    assert client.post(reverse("faults:suggestion-apply", args=[suggestion.pk])).status_code == 404
    client.force_login(people.public)
    response = client.post(reverse("faults:suggestion-apply", args=[suggestion.pk]), follow=True)
    assert "已采用建议级别" in response.content.decode()
    event.refresh_from_db()
    suggestion.refresh_from_db()
    assert event.level == "yellow" and event.complaints_per_day == 101
    assert suggestion.applied_by == people.public and suggestion.applied_at is not None
    again = client.post(reverse("faults:suggestion-apply", args=[suggestion.pk]), follow=True)
    assert "此建议已采用" in again.content.decode()
    assert suggest_event_levels() == 0  # the event is yellow now: nothing more to suggest
    assert QualityEvent.objects.get().level == "yellow"


def test_f2_9_the_department_that_took_a_complaint_in_sees_it_but_does_not_answer_it(people, client):
    complaint = receive(people, by=people.front)  # the front office takes it in for 网络监控中心
    response = page_of(client, people.front, complaint)
    assert response.status_code == 200 and not response.context["may_any"]
    assert page_of(client, people.public, complaint).status_code == 404  # another front office
