"""B4.2/B4.3: runs on the calendar. The beat creates the month's bill and settlement runs, assigns the
on-duty IT operator and starts their deadlines; the real sweeper warns IT at the configured time and
announces the outcome exactly once at 00:00 on the 2nd (10th). Creating a run that exists returns it."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from billing import services, tasks
from billing.models import BillRun
from config.celery import app
from sla import services as sla
from sla.models import DeadlineEvent, Notification
from sla.selectors import deadlines_of

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
JAN = date(2027, 1, 1)


def at(*args):
    return time_machine.travel(datetime(*args, tzinfo=SH), tick=False)


def sweep(*when):
    """The real sweeper at ``when`` (local time), then the app handlers of what it fired."""
    with at(*when):
        sla.sweep_due_deadlines()
        sla.deadline_events_handle(ids=list(DeadlineEvent.objects.filter(handled_at=None).values_list("pk", flat=True)))


def notices(run, channel):
    return sorted(
        Notification.objects.filter(channel=channel, subject__startswith=str(run)).values_list(
            "recipient__username", flat=True
        )
    )


def test_b4_2_b4_3_the_beat_schedule_creates_the_runs_at_midnight_on_the_1st():
    entry = settings.CELERY_BEAT_SCHEDULE["billing-schedule-month-runs"]
    assert entry["task"] == tasks.schedule_month_runs.name and entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert 0 in schedule.minute and 0 in schedule.hour and 1 in schedule.day_of_month


def test_b4_2_b4_3_the_months_runs_exist_at_midnight_without_anyone_creating_them(it_team):
    with at(2027, 2, 1, 0, 0):
        assert tasks.schedule_month_runs() == 2
    bill = BillRun.objects.get(kind=BillRun.Kind.BILLING, period=JAN)
    settlement = BillRun.objects.get(kind=BillRun.Kind.SETTLEMENT, period=JAN)
    assert bill.state == settlement.state == BillRun.State.SCHEDULED
    # The on-duty operator (BILLING_ON_DUTY_OPERATOR blank: the first IT operator) is assigned.
    assert bill.operator == settlement.operator == it_team["operator"]
    ((bill_deadline,), (settlement_deadline,)) = deadlines_of(bill), deadlines_of(settlement)
    assert (bill_deadline.warn_at, bill_deadline.due_at) == (
        datetime(2027, 2, 1, 20, 0, tzinfo=SH),
        datetime(2027, 2, 2, 0, 0, tzinfo=SH),
    )
    assert (settlement_deadline.warn_at, settlement_deadline.due_at) == (
        datetime(2027, 2, 9, 20, 0, tzinfo=SH),
        datetime(2027, 2, 10, 0, 0, tzinfo=SH),
    )
    # Idempotent: the beat again (the hourly catch-up, or a duplicate beat) creates nothing more.
    for hour in (0, 1, 13):
        with at(2027, 2, 1, hour, 0):
            assert tasks.schedule_month_runs() == 0
    assert BillRun.objects.count() == 2
    assert len(deadlines_of(bill)) == len(deadlines_of(settlement)) == 1


@override_settings(BILLING_ON_DUTY_OPERATOR="op2")
def test_b4_2_the_on_duty_operator_is_a_setting(it_team):
    with at(2027, 2, 1, 0, 0):
        tasks.schedule_month_runs()
    assert set(BillRun.objects.values_list("operator__username", flat=True)) == {"op2"}


@override_settings(BILLING_ON_DUTY_OPERATOR="nmcop")  # an IT operator of another department: not on duty in IT
def test_b4_2_an_on_duty_setting_naming_no_it_operator_falls_back(it_team):
    assert services.on_duty_operator() == it_team["operator"]


def test_b4_2_it_is_warned_at_20_00_on_the_1st_and_the_outcome_announced_once_at_00_00_on_the_2nd(it_team):
    with at(2027, 2, 1, 0, 0):
        tasks.schedule_month_runs()
    bill = BillRun.objects.get(kind=BillRun.Kind.BILLING, period=JAN)
    services.bill_run_start_check(run=bill, by=it_team["operator"])  # left unfinished

    sweep(2027, 2, 1, 19, 59)
    assert not Notification.objects.exists()
    sweep(2027, 2, 1, 20, 0)
    assert notices(bill, "sms") == ["op1", "sup"]  # the run's operator and IT's supervisors
    assert notices(bill, "email") == ["op1", "sup"]
    sweep(2027, 2, 1, 23, 59)
    assert Notification.objects.count() == 6  # in-app, SMS, email to two people; nothing more yet

    for minute in (0, 1, 30):  # sweeps at and after the deadline: one announcement
        sweep(2027, 2, 2, 0, minute)
    (deadline,) = deadlines_of(bill)
    kinds = sorted(deadline.events.values_list("kind", flat=True))
    assert kinds == sorted([DeadlineEvent.Kind.WARNING, DeadlineEvent.Kind.BREACH])
    assert deadline.events.get(kind=DeadlineEvent.Kind.BREACH).fired_at == datetime(2027, 2, 2, 0, 0, tzinfo=SH)
    announced = Notification.objects.filter(subject=f"{bill} 未在时限前完成")
    assert sorted(announced.filter(channel="sms").values_list("recipient__username", flat=True)) == ["mgr", "sup"]
    assert sorted(announced.filter(channel="email").values_list("recipient__username", flat=True)) == [
        "mgr", "op1", "op2", "sup",
    ]  # fmt: skip


@override_settings(BILLING_RUN_WARN_BEFORE_MINUTES=90)
def test_b4_3_the_settlement_run_is_warned_at_the_configured_time_and_announced_at_00_00_on_the_10th(it_team):
    with at(2027, 2, 1, 0, 0):
        tasks.schedule_month_runs()
    settlement = BillRun.objects.get(kind=BillRun.Kind.SETTLEMENT, period=JAN)
    (deadline,) = deadlines_of(settlement)
    assert deadline.warn_at == datetime(2027, 2, 9, 22, 30, tzinfo=SH)

    sweep(2027, 2, 9, 22, 29)
    assert notices(settlement, "sms") == []
    sweep(2027, 2, 9, 22, 30)
    assert notices(settlement, "sms") == ["op1", "sup"]
    for day, minute in ((10, 0), (10, 1), (11, 0)):
        sweep(2027, 2, day, 0, minute)
    assert deadline.events.filter(kind=DeadlineEvent.Kind.BREACH).count() == 1
    assert notices(settlement, "sms") == ["mgr", "op1", "sup", "sup"]  # the warning, then the announcement


def test_b4_2_a_published_run_gets_no_warning_but_is_still_announced(it_team):
    with at(2027, 2, 1, 0, 0):
        tasks.schedule_month_runs()
    bill = BillRun.objects.get(kind=BillRun.Kind.BILLING, period=JAN)
    BillRun.objects.filter(pk=bill.pk).update(state=BillRun.State.PUBLISHED)  # as if the team finished early
    sweep(2027, 2, 1, 20, 0)
    assert notices(bill, "sms") == []
    sweep(2027, 2, 2, 0, 0)
    assert notices(bill, "sms") == ["mgr", "sup"]


def test_b4_2_posting_a_run_that_exists_returns_it(client, it_team):
    client.force_login(it_team["operator"])
    url = "/api/v1/bill-runs/"
    body = {"kind": "billing", "period": "2026-10-01"}
    first = client.post(url, body, content_type="application/json")
    again = client.post(url, {"kind": "billing", "period": "2026-10-20"}, content_type="application/json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["period"] == "2026-10-01"
    settlement = client.post(url, {"kind": "settlement", "period": "2026-10-01"}, content_type="application/json")
    assert settlement.status_code == 201 and settlement.json()["id"] != first.json()["id"]
    assert BillRun.objects.count() == 2
    (deadline,) = deadlines_of(BillRun.objects.get(pk=first.json()["id"]))  # no second deadline either
    client.force_login(it_team["outsider"])  # the wrong person is refused whether or not the run exists
    assert client.post(url, body, content_type="application/json").status_code == 403


def test_b4_2_the_run_page_shows_the_run_that_exists(client, it_team):
    client.force_login(it_team["operator"])
    first = client.post(reverse("billing:runs"), {"period": "2026-10", "kind": "billing"})
    again = client.post(reverse("billing:runs"), {"period": "2026-10", "kind": "billing"}, follow=True)
    assert again.status_code == 200 and again.redirect_chain[-1][0] == first.url
    assert BillRun.objects.count() == 1
    assert "已排期" in again.content.decode()
