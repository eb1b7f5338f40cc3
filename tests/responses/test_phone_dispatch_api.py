"""R1.11 phone dispatch API: record (Center), backfill (calling department) with the clock from the
phone time; 400 field errors, 403 wrong person, 409 second backfill; list query count fixed."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from rest_framework.test import APIClient

from responses.models import Order, PhoneDispatch
from sla.selectors import deadlines_of

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
SUNDAY_NIGHT = datetime(2026, 11, 22, 22, 30, tzinfo=SH)


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def order_payload(**kw):
    data = {
        "customer": CustomerFactory().pk,
        "business_type": "phone",
        "quantity": 1,
        "level": "A",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "抢修",
        "equipment": [{"item": "switch", "quantity": 1}],
    }
    return data | kw


def record(people, at=SUNDAY_NIGHT):
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        r = client_for(people["dispatcher"]).post(
            "/api/v1/phone-dispatches/",
            {"department": "gov_enterprise", "phoned_at": at.isoformat(), "caller": "王五", "summary": "光缆中断"},
            format="json",
        )
    assert r.status_code == 201, r.content
    return r.json()


def test_r1_11_record_and_backfill_through_the_api_clock_from_the_phone_time(people, cat, org):
    pd = record(people)
    assert pd["order"] is None and pd["department"] == "gov_enterprise" and pd["recorded_by"] == "dispatcher"
    zq = client_for(people["zq_admin"])
    assert [p["id"] for p in zq.get("/api/v1/phone-dispatches/?pending=true").json()["results"]] == [pd["id"]]
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=SH), tick=False):
        r = zq.post(f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "awaiting_signoff"  # an A order still needs its director's sign-off (R1.5)
    order = Order.objects.get(pk=body["id"])
    assert order.phoned_at == SUNDAY_NIGHT and order.is_emergency
    assert deadlines_of(order).get().started_at == SUNDAY_NIGHT
    assert order.due_at == SUNDAY_NIGHT + timedelta(days=3)  # A: 3 calendar days from the call
    assert order.equipment_needs.get().item == "switch"
    assert zq.get(f"/api/v1/phone-dispatches/{pd['id']}/").json()["order"] == order.pk
    assert zq.get("/api/v1/phone-dispatches/?pending=true").json()["results"] == []


def test_r1_11_api_400_field_errors(people, cat, org):
    center = client_for(people["dispatcher"])
    r = center.post(
        "/api/v1/phone-dispatches/",
        {"department": "gov_enterprise", "phoned_at": "2099-01-01T00:00:00+08:00", "caller": "", "summary": "x"},
        format="json",
    )
    assert r.status_code == 400 and "caller" in r.json()["fields"]
    r = center.post(
        "/api/v1/phone-dispatches/",
        {"department": "gov_enterprise", "phoned_at": "2099-01-01T00:00:00+08:00", "caller": "x", "summary": "x"},
        format="json",
    )
    assert r.status_code == 400 and "phoned_at" in r.json()["fields"]
    pd = record(people)
    r = client_for(people["zq_admin"]).post(
        f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(contact_phone=""), format="json"
    )
    assert r.status_code == 400 and "contact_phone" in r.json()["fields"]
    assert Order.objects.count() == 0 and PhoneDispatch.objects.get().order_id is None


def test_r1_11_api_403_wrong_person(people, cat, org):
    r = client_for(people["zq_admin"]).post(
        "/api/v1/phone-dispatches/",
        {"department": "gov_enterprise", "phoned_at": SUNDAY_NIGHT.isoformat(), "caller": "x", "summary": "x"},
        format="json",
    )
    assert r.status_code == 403
    pd = record(people)
    r = client_for(people["gz_admin"]).post(
        f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json"
    )
    assert r.status_code == 404  # another department's call: not even visible (issue 12 §2)
    r = client_for(people["zq_director"]).post(
        f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json"
    )
    assert r.status_code == 403  # same department, not its order admin
    r = client_for(people["auditor"]).post(
        f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json"
    )
    assert r.status_code == 403
    assert Order.objects.count() == 0


def test_r1_11_api_409_second_backfill(people, cat, org):
    pd = record(people)
    zq = client_for(people["zq_admin"])
    assert zq.post(f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json").status_code == 201
    r = zq.post(f"/api/v1/phone-dispatches/{pd['id']}/backfill/", order_payload(), format="json")
    assert r.status_code == 409
    assert Order.objects.count() == 1


def test_r1_11_api_list_query_count_is_fixed(people, org, django_assert_max_num_queries):
    center = client_for(people["dispatcher"])
    record(people)
    with django_assert_max_num_queries(10) as q:
        assert center.get("/api/v1/phone-dispatches/").status_code == 200
    first = len(q.captured_queries)
    for _ in range(6):
        record(people)
    with django_assert_max_num_queries(first):
        assert len(center.get("/api/v1/phone-dispatches/").json()["results"]) == 7
