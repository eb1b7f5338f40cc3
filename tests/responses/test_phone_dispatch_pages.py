"""R1.11 phone dispatch pages: the Center records a night / rest-day call, the calling department
backfills the order from a pre-filled form, and the order's clock starts at the phone time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client

from responses import services
from responses.models import Order, PhoneDispatch
from sla.models import Notification
from sla.selectors import deadlines_of

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SATURDAY_NIGHT = datetime(2026, 11, 21, 23, 10, tzinfo=SH)
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=SH)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def order_form(cat, **kw):
    data = {
        "customer": CustomerFactory().pk,
        "business_type": cat["phone"].pk,
        "quantity": 1,
        "level": "B",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "抢修",
        "is_emergency": "on",
        "submit": "1",
    }
    return data | kw


def record(people, org, at=SATURDAY_NIGHT):
    with time_machine.travel(at, tick=False):
        return services.phone_dispatch_record(
            by=people["dispatcher"],
            department=org["gov_enterprise"],
            phoned_at=at,
            caller="张三",
            summary="线路中断抢修",
        )


def test_r1_11_record_then_backfill_through_the_pages_clock_starts_at_the_phone_time(people, cat, org):
    center = client_for(people["dispatcher"])
    with time_machine.travel(SATURDAY_NIGHT + timedelta(minutes=5), tick=False):
        r = center.post(
            "/orders/phone/",
            {
                "department": org["gov_enterprise"].pk,
                "phoned_at": "2026-11-21T23:10",
                "caller": "张三",
                "summary": "线路中断抢修",
            },
        )
    assert r.status_code == 302, r.content.decode()
    pd = PhoneDispatch.objects.get()
    assert pd.phoned_at == SATURDAY_NIGHT and pd.recorded_by == people["dispatcher"]

    front = client_for(people["zq_admin"])
    with time_machine.travel(MONDAY_MORNING, tick=False):
        listing = front.get("/orders/phone/").content.decode()
        assert f"/orders/phone/{pd.pk}/backfill/" in listing
        r = front.get(f"/orders/phone/{pd.pk}/backfill/")
        assert r.status_code == 200
        assert r.context["form"].initial["description"] == "线路中断抢修"  # pre-filled from the call
        assert "线路中断抢修" in r.content.decode()
        r = front.post(f"/orders/phone/{pd.pk}/backfill/", order_form(cat))
    assert r.status_code == 302
    order = Order.objects.get()
    assert r["Location"] == f"/orders/{order.pk}/"
    assert order.state == Order.State.SUBMITTED and order.phoned_at == SATURDAY_NIGHT and order.is_emergency
    assert deadlines_of(order).get().started_at == SATURDAY_NIGHT
    assert order.due_at == SATURDAY_NIGHT + timedelta(days=5)  # B: 5 calendar days from the phone time
    pd.refresh_from_db()
    assert pd.order == order
    detail = front.get(f"/orders/{order.pk}/").content.decode()
    assert "2026-11-21 23:10" in detail  # the phone time is shown on the order


def test_r1_11_backfill_errors_are_named_in_chinese_and_nothing_is_saved(people, cat, org):
    pd = record(people, org)
    r = client_for(people["zq_admin"]).post(f"/orders/phone/{pd.pk}/backfill/", order_form(cat, contact_phone=""))
    assert r.status_code == 200
    assert 'data-testid="error-contact_phone"' in r.content.decode() and "必填" in r.content.decode()
    assert Order.objects.count() == 0
    pd.refresh_from_db()
    assert pd.order_id is None


def test_r1_11_recording_validates_in_chinese(people, org):
    c = client_for(people["dispatcher"])
    with time_machine.travel(SATURDAY_NIGHT, tick=False):
        r = c.post(
            "/orders/phone/",
            {"department": org["nmc"].pk, "phoned_at": "2026-11-22T23:10", "caller": "张三", "summary": "x"},
        )
    body = r.content.decode()
    assert r.status_code == 200 and PhoneDispatch.objects.count() == 0
    assert 'data-testid="error-department"' in body  # a back-office department does not raise orders


def test_r1_11_only_the_center_records_and_only_the_calling_department_backfills_403(people, cat, org):
    pd = record(people, org)
    assert client_for(people["zq_admin"]).post("/orders/phone/", {"caller": "x"}).status_code == 403
    assert client_for(people["viewer"]).post("/orders/phone/", {"caller": "x"}).status_code == 403
    assert client_for(people["gz_admin"]).get(f"/orders/phone/{pd.pk}/backfill/").status_code == 404  # not theirs
    assert client_for(people["zq_director"]).get(f"/orders/phone/{pd.pk}/backfill/").status_code == 403
    assert client_for(people["gz_admin"]).post(f"/orders/phone/{pd.pk}/backfill/", order_form(cat)).status_code == 404
    assert Order.objects.count() == 0


def test_r1_11_second_backfill_is_a_409(people, cat, org):
    pd = record(people, org)
    front = client_for(people["zq_admin"])
    assert front.post(f"/orders/phone/{pd.pk}/backfill/", order_form(cat)).status_code == 302
    r = front.post(f"/orders/phone/{pd.pk}/backfill/", order_form(cat))
    assert r.status_code == 409
    assert Order.objects.count() == 1
    assert front.get(f"/orders/phone/{pd.pk}/backfill/").status_code == 302  # GET goes to the order


def test_r1_11_late_backfill_is_marked(people, org):
    pd = record(people, org)
    c = client_for(people["dispatcher"])
    with time_machine.travel(MONDAY_MORNING, tick=False):
        assert 'data-testid="backfill-late"' not in c.get("/orders/phone/").content.decode()
    with time_machine.travel(MONDAY_MORNING + timedelta(days=1), tick=False):
        body = c.get("/orders/phone/?pending=1").content.decode()
    assert 'data-testid="backfill-late"' in body and pd.caller in body


def test_r1_11_phone_list_uses_a_fixed_number_of_queries(people, org, django_assert_max_num_queries):
    def add(n):
        for _ in range(n):
            record(people, org)

    add(2)
    c = client_for(people["dispatcher"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/phone/").status_code == 200
    first = len(q.captured_queries)
    add(8)
    with django_assert_max_num_queries(first):
        assert c.get("/orders/phone/").status_code == 200


def test_r1_11_the_calling_departments_order_admins_are_told_to_backfill(people, org):
    record(people, org)
    notes = Notification.objects.filter(recipient=people["zq_admin"], channel="inapp")
    assert notes.count() == 1 and "补单" in notes.get().subject
    assert not Notification.objects.filter(recipient=people["gz_admin"]).exists()
    assert not Notification.objects.filter(recipient=people["zq_director"]).exists()
