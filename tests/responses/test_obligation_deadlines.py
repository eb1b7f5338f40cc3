"""Issue 13 §2: every obligation on the engine. The work-contact-order feedback (R1.13) and the
phone-dispatch backfill (R1.11) are deadlines whose warning and breach fire at the exact instant and
reach the answering department's people; met or cancelled ones fire nothing. Recording the workers'
names of a restricted site tells the account manager (R1.19)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from responses import services
from sla import services as sla
from sla.models import Deadline, DeadlineEvent, Notification
from sla.selectors import deadlines_of

from .factories import make_order

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=SH)
SUNDAY_NIGHT = datetime(2026, 11, 22, 22, 30, tzinfo=SH)
TICK = timedelta(microseconds=1)


def _told(deadline, kind) -> set[str]:
    return set(
        Notification.objects.filter(event__deadline=deadline, event__kind=kind).values_list(
            "recipient__username", flat=True
        )
    )


def _fires_exactly(deadline, kind, at, who):
    """Nothing of ``kind`` a microsecond before ``at``; at ``at`` it fires and reaches ``who``."""
    sla.sweep_due_deadlines(now=at - TICK)
    assert not DeadlineEvent.objects.filter(deadline=deadline, kind=kind).exists()
    sla.sweep_due_deadlines(now=at)
    event = DeadlineEvent.objects.get(deadline=deadline, kind=kind)
    assert event.fired_at == at
    assert _told(deadline, kind) == who


def _contact(people, org, due):
    with time_machine.travel(MONDAY_9, tick=False):
        return services.contact_order_create(
            by=people["zq_admin"], to_department=org["nmc"], subject="核实端口", body="请反馈", feedback_due_at=due
        )


def test_r1_13_contact_feedback_deadline_of_the_receiving_department_warns_and_breaches_on_time(people, org):
    due = MONDAY_9 + timedelta(days=1)
    contact = _contact(people, org, due)
    deadline = deadlines_of(contact).get(kind="contact-feedback")
    assert deadline.assessed_department == org["nmc"]
    assert deadline.due_at == due and deadline.warn_at == due - timedelta(hours=2)
    receivers = {"jk_member", "jk_admin"}  # 网络监控中心's people, not the sender
    _fires_exactly(deadline, DeadlineEvent.Kind.WARNING, due - timedelta(hours=2), receivers)
    _fires_exactly(deadline, DeadlineEvent.Kind.BREACH, due, receivers)


def test_r1_13_answered_contact_order_meets_its_deadline_and_fires_nothing(people, org):
    due = MONDAY_9 + timedelta(days=1)
    contact = _contact(people, org, due)
    with time_machine.travel(MONDAY_9 + timedelta(hours=1), tick=False):
        services.contact_order_answer(contact=contact, by=people["jk_member"], reply="已核实")
    deadline = deadlines_of(contact).get(kind="contact-feedback")
    assert deadline.state == Deadline.State.MET
    sla.sweep_due_deadlines(now=due + timedelta(days=1))
    assert not DeadlineEvent.objects.filter(deadline=deadline).exists()


def test_r1_13_cancelled_contact_order_cancels_its_deadline_only_the_sender_cancels(people, org):
    from sla.workflow import TransitionForbidden

    due = MONDAY_9 + timedelta(days=1)
    contact = _contact(people, org, due)
    with pytest.raises(TransitionForbidden):
        services.contact_order_cancel(contact=contact, by=people["jk_member"])
    contact = services.contact_order_cancel(contact=contact, by=people["zq_admin"])
    assert contact.state == "cancelled"
    deadline = deadlines_of(contact).get(kind="contact-feedback")
    assert deadline.state == Deadline.State.CANCELLED
    sla.sweep_due_deadlines(now=due + timedelta(days=1))
    assert not DeadlineEvent.objects.filter(deadline=deadline).exists()


def _phone(people, org, phoned_at=SUNDAY_NIGHT):
    with time_machine.travel(phoned_at + timedelta(minutes=5), tick=False):
        return services.phone_dispatch_record(
            by=people["dispatcher"], department=org["gov_enterprise"], phoned_at=phoned_at, caller="王五", summary="修"
        )


def test_r1_11_backfill_due_at_the_end_of_the_next_working_day_told_to_the_calling_order_admins(people, org):
    pd = _phone(people, org)
    deadline = deadlines_of(pd).get(kind="phone-backfill")
    assert deadline.assessed_department == org["gov_enterprise"]
    end_of_monday = datetime(2026, 11, 23, 23, 59, 59, tzinfo=SH)  # a Sunday-night call: Monday
    assert deadline.due_at == end_of_monday and deadline.started_at == SUNDAY_NIGHT
    _fires_exactly(deadline, DeadlineEvent.Kind.WARNING, end_of_monday - timedelta(hours=2), {"zq_admin"})
    _fires_exactly(deadline, DeadlineEvent.Kind.BREACH, end_of_monday, {"zq_admin"})


def test_r1_11_backfill_skips_rest_days_and_holidays():
    from responses.services.phone_dispatch import backfill_due

    friday_night = datetime(2026, 11, 27, 21, 0, tzinfo=SH)
    assert backfill_due(friday_night) == datetime(2026, 11, 30, 23, 59, 59, tzinfo=SH)  # Monday
    national_day_eve = datetime(2026, 9, 30, 22, 0, tzinfo=SH)
    assert timezone_date(backfill_due(national_day_eve)) > datetime(2026, 10, 7, tzinfo=SH).date()


def timezone_date(value):
    return value.astimezone(SH).date()


def test_r1_11_the_backfill_meets_the_deadline_and_nothing_fires(people, org, cat):
    from .factories import order_data

    pd = _phone(people, org)
    with time_machine.travel(datetime(2026, 11, 23, 8, 30, tzinfo=SH), tick=False):
        data = order_data(cat["phone"], level="B", requested_completion_at=None)
        services.order_backfill(phone_dispatch=pd, by=people["zq_admin"], data=data)
    deadline = deadlines_of(pd).get(kind="phone-backfill")
    assert deadline.state == Deadline.State.MET
    sla.sweep_due_deadlines(now=deadline.due_at + timedelta(days=1))
    assert not DeadlineEvent.objects.filter(deadline=deadline).exists()


def test_r1_19_worker_names_tell_the_account_manager_in_app_and_by_email(people, cat, org):
    order = make_order(people["zq_admin"], cat["phone"], level="B", is_restricted_site=True)
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    order = services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置")])
    Notification.objects.all().delete()
    services.order_send_worker_names(order=order, by=people["jk_member"], names="张三、李四")
    notes = Notification.objects.filter(subject__contains=order.number)
    # The order names no account manager: 政企客户部's order admins get the access passes (§四.11).
    assert {(n.recipient.username, n.channel) for n in notes} == {("zq_admin", "inapp"), ("zq_admin", "email")}
    assert all("张三、李四" in n.body for n in notes)


def test_r1_13_cancel_through_the_api_and_the_page(people, org, client):
    from rest_framework.test import APIClient

    contact = _contact(people, org, timezone_now_plus(days=2))
    api = APIClient()
    api.force_authenticate(people["jk_member"])
    assert api.post(f"/api/v1/contact-orders/{contact.pk}/cancel/").status_code == 403  # the receiver
    api.force_authenticate(people["zq_admin"])
    r = api.post(f"/api/v1/contact-orders/{contact.pk}/cancel/")
    assert r.status_code == 200 and r.json()["state"] == "cancelled" and r.json()["is_late"] is False
    assert api.post(f"/api/v1/contact-orders/{contact.pk}/cancel/").status_code == 409
    other = _contact(people, org, timezone_now_plus(days=2))
    client.force_login(people["zq_admin"])
    page = client.get("/orders/contacts/?box=sent")
    assert f"/orders/contacts/{other.pk}/cancel/" in page.content.decode() and "撤回" in page.content.decode()
    client.post(f"/orders/contacts/{other.pk}/cancel/")
    other.refresh_from_db()
    assert other.state == "cancelled"


def timezone_now_plus(**kw):
    from django.utils import timezone

    return max(timezone.now(), MONDAY_9) + timedelta(**kw)
