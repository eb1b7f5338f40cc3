"""Issue 11 §4, B4.2/B4.3: a bill or settlement run is scheduled only for the coming month or one of
the last twelve — enforced in ``bill_run_schedule`` (API, page, admin and the system alike), with a
400 / an error on the page form, and nothing created: no run, no announcement deadline, nobody told."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from billing import services
from billing.models import BillRun
from sla.models import Deadline, Notification

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
RUNS = "/api/v1/bill-runs/"


def nothing_created():
    return not BillRun.objects.exists() and not Deadline.objects.exists() and not Notification.objects.exists()


@pytest.mark.parametrize(
    "period", [date(1, 1, 1), date(2025, 10, 1), date(2027, 1, 1), date(7281, 3, 1), date(9999, 12, 1)]
)
@pytest.mark.parametrize("kind", [BillRun.Kind.BILLING, BillRun.Kind.SETTLEMENT])
def test_b4_2_b4_3_a_run_only_for_the_coming_month_or_the_last_twelve(it_team, period, kind):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.bill_run_schedule(period=period, kind=kind, by=it_team["operator"])
    assert "2025-11" in exc.value.message_dict["period"][0] and "2026-12" in exc.value.message_dict["period"][0]
    assert nothing_created()


@pytest.mark.parametrize("period", [date(2025, 11, 1), date(2026, 11, 1), date(2026, 12, 15)])
def test_b4_2_the_edges_of_the_window_are_scheduled(it_team, period):
    with time_machine.travel(NOW, tick=False):
        run = services.bill_run_schedule(period=period, by=it_team["operator"])
    assert run.period == period.replace(day=1) and run.state == "scheduled"


def test_b4_2_the_system_is_held_to_the_same_window():
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError):
        services.bill_run_schedule(period=date(2001, 1, 1))
    assert nothing_created()


def test_b4_2_an_unknown_kind_is_refused(it_team):
    with time_machine.travel(NOW, tick=False), pytest.raises(ValidationError) as exc:
        services.bill_run_schedule(period=date(2026, 11, 1), kind="bogus", by=it_team["operator"])
    assert "kind" in exc.value.message_dict
    assert nothing_created()


@pytest.mark.parametrize("period", ["9999-12-01", "0001-01-01", "2025-10-01", "2027-01-01"])
def test_b4_2_api_answers_400_with_the_period_field(client, it_team, period):
    client.force_login(it_team["operator"])
    with time_machine.travel(NOW, tick=False):
        r = client.post(RUNS, {"kind": "billing", "period": period}, content_type="application/json")
    assert r.status_code == 400, r.content
    assert "period" in r.json()["fields"]
    assert nothing_created()


def test_b4_2_api_schedules_a_month_inside_the_window(client, it_team):
    client.force_login(it_team["operator"])
    with time_machine.travel(NOW, tick=False):
        r = client.post(RUNS, {"kind": "billing", "period": "2026-12-01"}, content_type="application/json")
    assert r.status_code == 201, r.content
    assert r.json()["period"] == "2026-12-01"


@pytest.mark.parametrize("period", ["9999-12", "0001-01", "2025-10", "2027-01", "2026-13", "abc", ""])
def test_b4_2_page_shows_the_error_on_the_form_and_creates_nothing(client, it_team, period):
    client.force_login(it_team["operator"])
    with time_machine.travel(NOW, tick=False):
        r = client.post(reverse("billing:runs"), {"kind": "billing", "period": period})
    assert r.status_code == 400
    body = r.content.decode()
    assert 'class="errorlist"' in body and ("2025-11" in body or "2000" in body or "YYYY-MM" in body)
    assert f'value="{period}"' in body  # the typed value stays in the form
    assert nothing_created()


def test_b4_2_page_schedules_a_month_inside_the_window(client, it_team):
    client.force_login(it_team["operator"])
    with time_machine.travel(NOW, tick=False):
        r = client.post(reverse("billing:runs"), {"kind": "settlement", "period": "2026-10"})
    run = BillRun.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse("billing:run", args=[run.pk])
    assert run.period == date(2026, 10, 1) and run.kind == "settlement"
