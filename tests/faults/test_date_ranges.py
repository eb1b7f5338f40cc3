"""Issue 11 §4: the times typed into fault tickets, quality events and complaints, and the day of the
complaint counts, have a sane range — a time something happened lies between ``BACKFILL_LIMIT`` (31 days)
ago and now (F2.1 backfilled tickets, F2.8 events, F2.9 complaints; checked in the services), and any
typed year lies in 2000–2099 — answered with a 400 on the field or an error on the form, nothing saved."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.test import APIClient

from faults import services
from faults.models import Complaint, FaultTicket, QualityEvent
from org.models import Department
from sla.models import Deadline

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
OUTSIDE = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59-10:00",
    "2026-10-01T10:00:00+08:00",
    "2026-11-18T11:00:00+08:00",
]


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def nothing_saved():
    return not (
        FaultTicket.objects.exists()
        or QualityEvent.objects.exists()
        or Complaint.objects.exists()
        or Deadline.objects.exists()
    )


@pytest.mark.parametrize(
    "called", [NOW - timedelta(days=32), NOW + timedelta(minutes=10), datetime(114, 1, 1, tzinfo=SH)]
)
def test_f2_1_a_backfilled_ticket_starts_within_the_backfill_limit_service(people, circuit, called):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.fault_report(
            by=people.front,
            title="专线中断",
            description="无法访问",
            category="line",
            service=circuit,
            phone_reported_at=called,
        )
    assert "phone_reported_at" in exc.value.message_dict
    assert nothing_saved()


@pytest.mark.parametrize("called", OUTSIDE)
def test_f2_1_api_answers_400_on_phone_reported_at(people, circuit, called):
    body = {"title": "专线中断", "description": "无法访问", "category": "line", "service": circuit.pk}
    with time_machine.travel(NOW, tick=False):
        r = api(people.front).post("/api/v1/faults/", body | {"phone_reported_at": called}, format="json")
    assert r.status_code == 400 and "phone_reported_at" in r.json()["fields"], r.content
    assert nothing_saved()


def test_f2_1_page_shows_the_error_on_the_form(people, circuit):
    client = Client()
    client.force_login(people.front)
    form = {"title": "专线中断", "description": "无法访问", "category": "line", "service": circuit.pk}
    with time_machine.travel(NOW, tick=False):
        for called in ("0001-01-01T00:00", "2026-10-01T10:00"):
            r = client.post("/faults/new/", form | {"phone_reported_at": called})
            assert r.status_code == 200 and r.context["form"].errors.get("phone_reported_at"), called
    assert nothing_saved()


def test_f2_1_a_call_within_the_limit_starts_the_clock_at_the_call(people, circuit):
    called = NOW - timedelta(days=30)
    with time_machine.travel(NOW, tick=False):
        ticket = services.fault_report(
            by=people.front, title="专线中断", description="无法访问", category="line", service=circuit,
            phone_reported_at=called,
        )  # fmt: skip
    assert ticket.reported_at == called


@pytest.mark.parametrize("detected", OUTSIDE)
def test_f2_8_quality_event_detected_at_api_answers_400(people, detected):
    body = {
        "title": "计费争议",
        "category": "billing",
        "source": "complaints",
        "business_department": Department.objects.get(code="gov_enterprise").pk,
        "customers": 10,
        "detected_at": detected,
    }
    with time_machine.travel(NOW, tick=False):
        r = api(people.front).post("/api/v1/quality-events/", body, format="json")
    assert r.status_code == 400 and "detected_at" in r.json()["fields"], r.content
    assert nothing_saved()


@pytest.mark.parametrize("received", OUTSIDE)
def test_f2_9_complaint_received_at_api_answers_400(people, received):
    body = {"customer_name": "王五", "category": "network", "content": "信号差", "department": people.nmc.pk}
    with time_machine.travel(NOW, tick=False):
        r = api(people.custsvc).post("/api/v1/complaints/", body | {"received_at": received}, format="json")
    assert r.status_code == 400 and "received_at" in r.json()["fields"], r.content
    assert nothing_saved()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1999-12-31", "2100-01-01", "2026-02-30", "abc"])
def test_f2_9_daily_counts_of_a_day_outside_the_years_answer_400(people, day):
    r = api(people.custsvc).get("/api/v1/complaints/daily/", {"day": day})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["day"], r.content


def test_f2_9_daily_counts_of_a_day_inside_the_years_answer(people):
    assert api(people.custsvc).get("/api/v1/complaints/daily/", {"day": "2000-01-01"}).json() == []
