"""The 24-hour contact roster and the phone follow-up of quality events (issue 15 §2; F2.8, seed 003 第八条:
"将预警信息发送给相关部门接口人,并进行电话通知"; "各部门接口人手机应确保24小时开机")."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from faults import selectors, services
from faults.models import EventCall
from org.models import Department, DutyContact
from org.roles import Role
from sla import services as sla
from sla.models import Notification
from sla.selectors import deadlines_of

from .factories import FastUserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def business(org):
    return Department.objects.get(code="gov_enterprise")


@pytest.fixture
def custsvc_contact(org):
    return DutyContact.objects.create(
        department=Department.objects.get(code="custsvc"), name="王海燕", phone="13900000001"
    )


def reported_event(people, business, **figures):
    event = services.event_create(
        by=people.member, title="全省专线大面积中断", category="network", source="monitoring",
        business_department=business, **figures,
    )  # fmt: skip
    return services.event_report(event=event, by=people.member)


def test_f2_8_the_reporting_department_sees_the_event_it_created(people, business):
    """Issue 15 §1: the monitoring department (网络监控中心) reports an event owned by 政企客户部 and sees it."""
    event = reported_event(people, business, cities=1)
    assert selectors.events_visible_to(people.member).filter(pk=event.pk).exists()
    assert not selectors.events_visible_to(people.line).filter(pk=event.pk).exists()


def test_seed_003_report_starts_a_30_minute_call_deadline_met_when_custsvc_is_reached(
    people, business, custsvc_contact
):
    event = reported_event(people, business, cities=1)
    call_deadline = deadlines_of(event).get(kind="event-call-report")
    assert call_deadline.due_at - event.reported_at == timedelta(minutes=30)
    assert call_deadline.assessed_department == people.nmc  # the reporting department must call
    custsvc = Department.objects.get(code="custsvc")
    assert services.pending_calls(event, EventCall.Stage.REPORT) == [custsvc]

    services.event_record_call(
        event=event, by=people.member, stage="report", department=custsvc, outcome="no_answer", contact=custsvc_contact
    )
    assert deadlines_of(event).get(kind="event-call-report").state != "met"  # not reached yet
    call = services.event_record_call(
        event=event, by=people.member, stage="report", department=custsvc, outcome="reached", contact=custsvc_contact
    )
    assert (call.called_name, call.phone) == ("王海燕", "13900000001")  # taken from the roster
    assert deadlines_of(event).get(kind="event-call-report").state == "met"
    assert services.pending_calls(event, EventCall.Stage.REPORT) == []


def test_seed_003_publication_calls_every_recipient_department(people, business):
    event = reported_event(people, business, cities=3)  # orange: 综合办公室 too
    event = services.event_publish(event=event, by=people.custsvc)
    office = Department.objects.get(code="office")
    assert services.departments_to_call(event, "publish") == [business, office]
    assert deadlines_of(event).get(kind="event-call-publish").assessed_department.code == "custsvc"
    services.event_record_call(
        event=event, by=people.custsvc, stage="publish", department=business, outcome="reached",
        called_name="张东林", phone="13900000002",
    )  # fmt: skip
    assert deadlines_of(event).get(kind="event-call-publish").state != "met"
    services.event_record_call(
        event=event, by=people.custsvc, stage="publish", department=office, outcome="reached",
        called_name="左振坤", phone="13900000003",
    )  # fmt: skip
    assert deadlines_of(event).get(kind="event-call-publish").state == "met"


def test_seed_003_a_missed_call_tells_the_senders_manager(people, business):
    event = reported_event(people, business, cities=1)
    due = deadlines_of(event).get(kind="event-call-report").due_at
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        sla.sweep_due_deadlines()
    assert deadlines_of(event).get(kind="event-call-report").state == "breached"
    told = set(Notification.objects.filter(subject__contains="全省专线").values_list("recipient", flat=True))
    assert people.manager.pk in told  # 网络监控中心's manager


def test_seed_003_call_input_is_checked(people, business):
    event = reported_event(people, business, cities=1)
    custsvc = Department.objects.get(code="custsvc")
    with pytest.raises(ValidationError):  # not a department to call after the report
        services.event_record_call(
            event=event, by=people.member, stage="report", department=people.nmc, outcome="reached",
            called_name="x", phone="1",
        )  # fmt: skip
    with pytest.raises(ValidationError):  # not published yet
        services.event_record_call(
            event=event, by=people.custsvc, stage="publish", department=business, outcome="reached",
            called_name="x", phone="1",
        )  # fmt: skip
    with pytest.raises(ValidationError):  # who and which number
        services.event_record_call(event=event, by=people.member, stage="report", department=custsvc, outcome="reached")
    with pytest.raises(ValidationError):  # in the future
        services.event_record_call(
            event=event, by=people.member, stage="report", department=custsvc, outcome="reached",
            called_name="x", phone="1", called_at=timezone.now() + timedelta(hours=1),
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # another department has no call to make
        services.event_record_call(
            event=event, by=people.line, stage="report", department=custsvc, outcome="reached",
            called_name="x", phone="1",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):  # read-only
        services.event_record_call(
            event=event, by=people.auditor, stage="report", department=custsvc, outcome="reached",
            called_name="x", phone="1",
        )  # fmt: skip
    assert not EventCall.objects.exists()


def test_seed_003_roster_kept_by_the_department_and_by_custsvc(people):
    nmc, line = people.nmc, Department.objects.get(code="line")
    contact = services.contact_add(by=people.admin, department=nmc, name="李龙德", phone="13900000004")
    with pytest.raises(PermissionDenied):  # another department's roster
        services.contact_add(by=people.admin, department=line, name="x", phone="1")
    with pytest.raises(PermissionDenied):
        services.contact_add(by=people.member, department=nmc, name="x", phone="1")  # not an admin
    services.contact_add(by=people.custsvc, department=line, name="张国森", phone="13900000005")
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.contact_add(
            by=people.admin,
            department=nmc,
            name="x",
            phone="1",
            on_duty_from=now,
            on_duty_until=now - timedelta(hours=1),
        )
    later = services.contact_add(
        by=people.admin, department=nmc, name="姜依朋", phone="13900000006",
        on_duty_from=now + timedelta(hours=8), on_duty_until=now + timedelta(hours=20),
    )  # fmt: skip
    assert services.contacts_on_duty(nmc, now) == [contact]
    assert later in services.contacts_on_duty(nmc, now + timedelta(hours=9))
    services.contact_remove(contact=contact, by=people.admin)
    assert not DutyContact.objects.filter(pk=contact.pk).exists()


def test_seed_003_roster_and_call_pages(client, people, business, custsvc_contact):
    client.force_login(people.custsvc)
    page = client.get(reverse("faults:contacts"))
    assert page.status_code == 200 and "王海燕" in page.content.decode()
    response = client.post(
        reverse("faults:contact-add"),
        {
            "department": people.nmc.pk,
            "name": "刘光远",
            "phone": "13900000007",
            "on_duty_from": "",
            "on_duty_until": "",
        },
    )
    assert response.status_code == 302 and DutyContact.objects.filter(name="刘光远").exists()
    response = client.post(
        reverse("faults:contact-add"), {"department": people.nmc.pk, "name": "", "phone": ""}, follow=True
    )
    assert "请填写联系人姓名和手机号码。" in response.content.decode()
    bad_time = {"department": people.nmc.pk, "name": "x", "phone": "1", "on_duty_from": "2026-13-45T10:00"}
    response = client.post(reverse("faults:contact-add"), bad_time, follow=True)
    assert response.status_code == 200 and not DutyContact.objects.filter(name="x").exists()  # refused, no 500

    event = reported_event(people, business, cities=1)
    client.force_login(people.member)
    page = client.get(reverse("faults:event", args=[event.pk]))
    assert page.status_code == 200 and "王海燕" in page.content.decode()  # who to call, from the roster
    custsvc = Department.objects.get(code="custsvc")
    client.post(
        reverse("faults:event-call", args=[event.pk]),
        {"stage": "report", "department": custsvc.pk, "contact": custsvc_contact.pk, "outcome": "reached"},
    )
    assert deadlines_of(event).get(kind="event-call-report").state == "met"
    client.force_login(people.line)  # neither the owner nor the reporter: no such event
    assert client.get(reverse("faults:event", args=[event.pk])).status_code == 404


def test_seed_003_calls_api(client, people, business, custsvc_contact):
    event = reported_event(people, business, cities=1)
    custsvc = Department.objects.get(code="custsvc")
    client.force_login(people.member)
    url = "/api/v1/event-calls/"
    bad = client.post(url, {"event": event.pk, "stage": "report", "department": custsvc.pk, "outcome": "x"})
    assert bad.status_code == 400
    ok = client.post(
        url,
        {
            "event": event.pk,
            "stage": "report",
            "department": custsvc.pk,
            "outcome": "reached",
            "contact": custsvc_contact.pk,
        },
    )
    assert ok.status_code == 201, ok.content
    assert client.get(url, {"event": event.pk}).json()["count"] == 1
    other = FastUserFactory(
        username="t_wireless", department=Department.objects.get(code="wireless"), roles=[Role.BACK_ADMIN]
    )
    client.force_login(other)
    assert (
        client.post(
            url, {"event": event.pk, "stage": "report", "department": custsvc.pk, "outcome": "reached"}
        ).status_code
        == 404
    )
    contacts = client.get("/api/v1/duty-contacts/").json()
    assert contacts["count"] == 1 and contacts["results"][0]["on_duty_now"] is True
    created = client.post(
        "/api/v1/duty-contacts/", {"department": other.department_id, "name": "荆小洪", "phone": "139"}
    )
    assert created.status_code == 201
    client.force_login(people.member)  # not an admin of 无线: refused
    assert client.delete(f"/api/v1/duty-contacts/{created.json()['id']}/").status_code == 403
