"""Issue 11 §4: every date and period of the orders has a sane range, enforced in the services, with a
clear 400 (API) or an error on the form (pages) in Chinese, and nothing half-saved.

Ranges: a step finishes between its dispatch and now (R1.8/R1.9, ``CLOCK_SKEW`` either side); a
requested completion time is not in the past and at most two years ahead (R1.1); a phone dispatch is
recorded at most ``BACKFILL_LIMIT`` after the call (R1.11); a contact order's feedback time lies within
a year (R1.13); recovered equipment within the last year (R1.16); the monthly report's month lies
between 2000-01 and the current month (R1.22); every typed year between 2000 and 2099.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from responses import services
from responses.models import ContactOrder, Order, PhoneDispatch, RecoveryEntry, WorkStep

from .factories import CustomerFactory, make_order, order_data

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SH)  # a Wednesday


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def page(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def step(people, cat, org):
    """A step of 网络监控中心, dispatched at ``NOW`` and accepted."""
    with time_machine.travel(NOW, tick=False):
        order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
        order = services.order_accept(order=order, by=people["dispatcher"])
        services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置")])
        step = order.steps.get()
        return services.step_accept(step=step, by=people["jk_member"])


# --- R1.8/R1.9: a step's actual completion time ----------------------------------------------


@pytest.mark.parametrize(
    "finished, fragment",
    [
        (NOW - timedelta(hours=2), "派发"),  # before the dispatch
        (datetime(114, 5, 1, 9, 0, tzinfo=SH), "2000"),  # year 0114: outside every window
        (NOW + timedelta(hours=3, minutes=10), "当前时间"),  # in the future (the return is at NOW + 3 h)
    ],
)
def test_r1_9_a_step_cannot_finish_before_its_dispatch_or_in_the_future_service(people, step, finished, fragment):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False), pytest.raises(ValidationError) as exc:
        services.step_return(step=step, by=people["jk_member"], finished_at=finished)
    assert fragment in " ".join(exc.value.message_dict["finished_at"])
    step.refresh_from_db()
    assert step.state == WorkStep.State.ACCEPTED and step.finished_at is None  # nothing half-saved


def test_r1_9_clock_skew_of_a_few_minutes_either_side_is_accepted(people, step):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        # a minute-precision page rounds the dispatch time down; a phone clock runs 4 minutes fast
        services.step_return(step=step, by=people["jk_member"], finished_at=NOW + timedelta(hours=3, minutes=4))
    step.refresh_from_db()
    assert step.finished_at == NOW + timedelta(hours=3, minutes=4) and step.returned_at == NOW + timedelta(hours=3)


def test_r1_9_clock_skew_before_the_dispatch_is_accepted(people, step):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        services.step_return(step=step, by=people["jk_member"], finished_at=NOW - timedelta(minutes=4))
    step.refresh_from_db()
    assert step.finished_at == NOW - timedelta(minutes=4)


@pytest.mark.parametrize("finished", ["0114-05-01T09:00:00+08:00", "2026-11-18T07:00:00+08:00", "9999-12-31T23:59:59Z"])
def test_r1_9_api_answers_400_with_the_field_error(people, step, finished):
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        r = api(people["jk_member"]).post(f"/api/v1/steps/{step.pk}/return/", {"finished_at": finished}, format="json")
    assert r.status_code == 400, r.content
    assert "finished_at" in r.json()["fields"]
    step.refresh_from_db()
    assert step.state == WorkStep.State.ACCEPTED


@pytest.mark.parametrize("finished", ["0114-05-01T09:00", "2026-11-18T07:00", "2026-02-30T10:00"])
def test_r1_9_page_shows_the_error_and_saves_nothing(people, step, finished):
    c = page(people["jk_member"])
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        r = c.post(f"/orders/steps/{step.pk}/return/", {"finished_at": finished}, follow=True)
    assert r.status_code == 200
    shown = [str(m) for m in r.context["messages"]]
    assert shown and any(("派发" in m) or ("2000" in m) or ("有效" in m) for m in shown), shown
    step.refresh_from_db()
    assert step.state == WorkStep.State.ACCEPTED and step.finished_at is None


# --- R1.1: the requested completion time -----------------------------------------------------------


@pytest.mark.parametrize(
    "requested, fragment",
    [
        (NOW - timedelta(days=1), "早于当前"),
        (NOW + timedelta(days=800), "两年"),
        (datetime(1, 1, 1, tzinfo=SH), "2000"),
    ],
)
def test_r1_1_requested_completion_not_in_the_past_nor_years_ahead_service(people, cat, requested, fragment):
    data = order_data(cat["phone"], requested_completion_at=requested)
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.order_create(by=people["zq_admin"], data=data)
    assert fragment in " ".join(exc.value.message_dict["requested_completion_at"])
    assert Order.objects.count() == 0


def test_r1_1_requested_completion_within_two_years_is_kept_and_an_unchanged_past_one_may_be_edited(people, cat):
    with time_machine.travel(NOW, tick=False):
        order = make_order(people["zq_admin"], cat["phone"], requested_completion_at=NOW + timedelta(days=700))
    assert order.requested_completion_at == NOW + timedelta(days=700)
    with time_machine.travel(NOW, tick=False):
        order = make_order(people["zq_admin"], cat["phone"], requested_completion_at=NOW + timedelta(days=2))
    later = NOW + timedelta(days=5)  # the requested time has passed meanwhile; editing something else is fine
    with time_machine.travel(later, tick=False):
        order = services.order_update(order=order, by=people["zq_admin"], data={"description": "改"})
        with pytest.raises(ValidationError):
            services.order_update(
                order=order, by=people["zq_admin"], data={"requested_completion_at": later - timedelta(days=1)}
            )
    order.refresh_from_db()
    assert order.description == "改" and order.requested_completion_at == NOW + timedelta(days=2)


@pytest.mark.parametrize("requested", ["0001-01-01T00:00:00Z", "2025-01-01T00:00:00+08:00", "2031-01-01T00:00:00Z"])
def test_r1_1_requested_completion_api_answers_400(people, cat, requested):
    body = {
        "customer": CustomerFactory().pk,
        "business_type": "phone",
        "quantity": 1,
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "requested_completion_at": requested,
    }
    with time_machine.travel(NOW, tick=False):
        r = api(people["zq_admin"]).post("/api/v1/orders/", body, format="json")
    assert r.status_code == 400 and "requested_completion_at" in r.json()["fields"], r.content
    assert Order.objects.count() == 0


def test_r1_1_requested_completion_page_shows_the_error_on_the_form(people, cat):
    form = {
        "customer": CustomerFactory().pk,
        "business_type": cat["phone"].pk,
        "quantity": 1,
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
    }
    c = page(people["zq_admin"])
    with time_machine.travel(NOW, tick=False):
        for value in ("0001-01-01T00:00", "2026-11-01T10:00"):
            r = c.post("/orders/new/", form | {"requested_completion_at": value})
            assert r.status_code == 200 and r.context["form"].errors.get("requested_completion_at"), value
    assert Order.objects.count() == 0


# --- R1.11 phone dispatch, R1.13 contact orders, R1.16 recovery ledger --------------------------------


@pytest.mark.parametrize("phoned", [NOW - timedelta(days=40), NOW + timedelta(hours=1), datetime(320, 1, 1, tzinfo=SH)])
def test_r1_11_phone_time_within_the_backfill_limit_service(people, org, phoned):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.phone_dispatch_record(
            by=people["dispatcher"], department=org["gov_enterprise"], phoned_at=phoned, caller="张三", summary="抢修"
        )
    assert "phoned_at" in exc.value.message_dict
    assert PhoneDispatch.objects.count() == 0


def test_r1_11_phone_time_api_and_page(people, org):
    body = {"department": "gov_enterprise", "caller": "张三", "summary": "抢修"}
    with time_machine.travel(NOW, tick=False):
        r = api(people["dispatcher"]).post(
            "/api/v1/phone-dispatches/", body | {"phoned_at": "9999-12-31T23:59:59-10:00"}, format="json"
        )
        assert r.status_code == 400 and "phoned_at" in r.json()["fields"], r.content
        r = api(people["dispatcher"]).post(
            "/api/v1/phone-dispatches/", body | {"phoned_at": "2026-09-01T10:00:00+08:00"}, format="json"
        )
        assert r.status_code == 400 and "phoned_at" in r.json()["fields"], r.content
        r = page(people["dispatcher"]).post(
            "/orders/phone/",
            {
                "department": org["gov_enterprise"].pk,
                "phoned_at": "0001-01-01T00:00",
                "caller": "张三",
                "summary": "抢修",
            },
        )
        assert r.status_code == 200 and r.context["form"].errors.get("phoned_at")
    assert PhoneDispatch.objects.count() == 0


def test_r1_13_feedback_time_at_most_a_year_ahead_api_and_page(people, org):
    body = {"to_department": "nmc", "subject": "核实", "body": "请核实"}
    with time_machine.travel(NOW, tick=False):
        for due in ("2028-01-01T10:00:00+08:00", "9999-01-01T00:00:00Z"):
            r = api(people["dispatcher"]).post(
                "/api/v1/contact-orders/", body | {"feedback_due_at": due}, format="json"
            )
            assert r.status_code == 400 and "feedback_due_at" in r.json()["fields"], r.content
        r = page(people["dispatcher"]).post(
            "/orders/contacts/new/",
            {
                "to_department": org["nmc"].pk,
                "subject": "核实",
                "body": "请核实",
                "feedback_due_at": "2028-01-01T10:00",
            },
        )
        assert r.status_code == 200 and "一年" in " ".join(r.context["form"].errors["feedback_due_at"])
        ok = api(people["dispatcher"]).post(
            "/api/v1/contact-orders/", body | {"feedback_due_at": "2026-11-20T10:00:00+08:00"}, format="json"
        )
        assert ok.status_code == 201, ok.content
    assert ContactOrder.objects.count() == 1


ENTRY = {
    "person": "赵工",
    "equipment_name": "光猫",
    "model": "HG8245",
    "quantity": 2,
    "condition": "完好",
    "intended_use": "库存",
}


def test_r1_16_recovered_within_the_last_year_api_and_page(people, cat, org):
    with time_machine.travel(NOW, tick=False):
        order = services.order_submit(order=make_order(people["zq_admin"], cat["decommission"]), by=people["zq_admin"])
        order = services.order_accept(order=order, by=people["dispatcher"])
        services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["line"], "拆机回收")])
        xl = api(people["xl_admin"])
        for at in ("2024-01-01T10:00:00+08:00", "2026-11-19T10:00:00+08:00", "0001-01-01T00:00:00Z"):
            r = xl.post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk, "recovered_at": at}, format="json")
            assert r.status_code == 400 and "recovered_at" in r.json()["fields"], (at, r.content)
        r = page(people["xl_admin"]).post(
            f"/orders/recovery/order/{order.pk}/", ENTRY | {"recovered_at": "2024-01-01T10:00"}
        )
        assert r.status_code == 200 and r.context["form"].errors.get("recovered_at")
    assert RecoveryEntry.objects.count() == 0


# --- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/orders/?due_before=0001-01-01T00:00:00",
        "/api/v1/steps/?due_before=9999-12-31T23:59:59-10:00",
        "/api/v1/recovery-entries/?recovered_after=0001-01-01T00:00:00",
        "/api/v1/recovery-entries/?recovered_before=9999-12-31T00:00:00",
    ],
)
def test_datetime_filters_outside_the_years_answer_400(people, url):
    r = api(people["dispatcher"]).get(url)
    assert r.status_code == 400, r.content
    assert any("2000" in str(v) for v in r.json()["fields"].values())


def test_datetime_filters_inside_the_years_work(people):
    assert api(people["dispatcher"]).get("/api/v1/orders/?due_before=2030-01-01T00:00:00").status_code == 200


# --- R1.22: the monthly report's month ---------------------------------------------------------------


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12", "2026-12"])
def test_r1_22_report_month_between_2000_and_the_current_month(people, month):
    reader = people["dispatcher"]
    with time_machine.travel(NOW, tick=False):
        r = api(reader).get("/api/v1/reports/monthly/", {"month": month})
        assert r.status_code == 400 and "month" in r.json()["fields"], r.content
        r = page(reader).get("/orders/report/", {"month": month})
        assert r.status_code == 400 and r.context["error"]
        assert "2026-11" in r.context["error"] or "2000" in r.context["error"]
        r = page(reader).get("/orders/report/export/", {"month": month})
        assert r.status_code == 400 and ("2000" in r.content.decode())


def test_r1_22_report_month_of_the_current_month_and_the_first_allowed_month_answer(people):
    with time_machine.travel(NOW, tick=False):
        for month in ("2026-11", "2000-01"):
            assert api(people["dispatcher"]).get("/api/v1/reports/monthly/", {"month": month}).status_code == 200
            assert page(people["dispatcher"]).get("/orders/report/", {"month": month}).status_code == 200
        assert timezone.localdate().month == 11


def test_r1_9_the_wrong_person_hears_403_not_the_date_error(people, step):
    """The business range is checked for the person who may return the step; others hear 403/404 first.
    (A year outside 2000–2099 is a shape error like a malformed date: 400 from the body check.)"""
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        r = api(people["xl_admin"]).post(
            f"/api/v1/steps/{step.pk}/return/", {"finished_at": "2026-11-18T07:00:00+08:00"}, format="json"
        )
    assert r.status_code in (403, 404), r.content  # another back office: not its step
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        r = api(people["zq_admin"]).post(
            f"/api/v1/steps/{step.pk}/return/", {"finished_at": "2026-11-18T07:00:00+08:00"}, format="json"
        )
    assert r.status_code in (403, 404), r.content
    step.refresh_from_db()
    assert step.state == WorkStep.State.ACCEPTED


@pytest.mark.parametrize("year", [1999, 2100, 9999])
def test_r1_16_the_quarterly_check_takes_a_year_of_the_window(people, year):
    r = api(people["dispatcher"]).post("/api/v1/recovery-entries/check-quarter/", {"year": year, "quarter": 4})
    assert r.status_code == 400 and "year" in r.json()["fields"], r.content
    r = page(people["dispatcher"]).post("/orders/recovery/", {"year": year, "quarter": 4})
    assert r.status_code == 200 and r.context["quarter_form"].errors.get("year")
