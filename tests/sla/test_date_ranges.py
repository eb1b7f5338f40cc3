"""Issue 11 §4: the shared bounds of ``sla.validators`` and a working calendar that answers for every
year they let through (A3.3: chinesecalendar knows 2004–2026; other years fall back to Monday–Friday)."""

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from rest_framework import serializers

from billing.models import Customer, Service
from sla.calendars import WorkingCalendar, add_duration
from sla.models import Clock, HolidayOverride
from sla.validators import (
    CLOCK_SKEW,
    SaneDatesFormMixin,
    SaneDatesSerializerMixin,
    add_months,
    check_ahead,
    check_happened,
    month_in_range,
    parse_month,
    sane_date,
)
from tests.factories import UserFactory

SH = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize("value", [date(1, 1, 1), date(1999, 12, 31), date(2100, 1, 1), date(9999, 12, 31)])
def test_sane_date_refuses_years_outside_2000_2099_with_a_chinese_message(value):
    with pytest.raises(ValidationError) as exc:
        sane_date(value)
    assert exc.value.code == "date_range"
    assert "2000-01-01" in exc.value.messages[0] and "2099-12-31" in exc.value.messages[0]


@pytest.mark.parametrize("value", [date(2000, 1, 1), date(2099, 12, 31), datetime(2026, 5, 1, tzinfo=SH), None])
def test_sane_date_lets_the_window_through(value):
    sane_date(value)  # raises nothing


def test_year_one_is_compared_without_overflow():
    """``datetime(1, 1, 1, +08:05 LMT) - 5 minutes`` overflows; the checks only do arithmetic on the bounds."""
    year_one = datetime(1, 1, 1, tzinfo=SH)
    now = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
    with pytest.raises(ValidationError) as exc:
        check_happened(year_one, field="at", now=now, not_before=now - timedelta(days=1))
    assert list(exc.value.message_dict) == ["at"]
    with pytest.raises(ValidationError):
        check_ahead(datetime(9999, 12, 31, 23, 59, tzinfo=SH), field="at", max_ahead=timedelta(days=1), now=now)


def test_check_happened_tolerates_clock_skew_only():
    now = datetime(2026, 11, 18, 10, 0, tzinfo=SH)
    check_happened(now + CLOCK_SKEW, field="at", now=now)
    with pytest.raises(ValidationError):
        check_happened(now + CLOCK_SKEW + timedelta(seconds=1), field="at", now=now)


@pytest.mark.parametrize("text", ["", "2026", "2026-1", "2026-13", "2026-00", "10/2026", "２０２６-１１", "2026-11-01"])
def test_parse_month_refuses_malformed_months(text):
    with pytest.raises(ValidationError) as exc:
        parse_month(text)
    assert exc.value.code == "invalid"


def test_parse_month_refuses_years_outside_the_window_and_accepts_a_day_when_asked():
    with pytest.raises(ValidationError) as exc:
        parse_month("9999-12")
    assert exc.value.code == "date_range"
    assert parse_month("2026-11") == date(2026, 11, 1)
    assert parse_month("2026-11-17", allow_day=True) == date(2026, 11, 1)


def test_months_arithmetic_and_range():
    assert add_months(date(2026, 11, 1), 1) == date(2026, 12, 1)
    assert add_months(date(2026, 11, 1), 2) == date(2027, 1, 1)
    assert add_months(date(2026, 1, 1), -13) == date(2024, 12, 1)
    month_in_range(date(2026, 1, 1), earliest=date(2025, 12, 1), latest=date(2026, 1, 1))
    with pytest.raises(ValidationError) as exc:
        month_in_range(date(2026, 2, 1), earliest=date(2025, 12, 1), latest=date(2026, 1, 1), field="period")
    assert "2025-12" in exc.value.message_dict["period"][0] and "2026-01" in exc.value.message_dict["period"][0]


def test_the_mixins_bound_every_writable_date_field():
    class Body(SaneDatesSerializerMixin, serializers.Serializer):
        day = serializers.DateField()
        at = serializers.DateTimeField()
        shown = serializers.DateTimeField(read_only=True)

    body = Body(data={"day": "0001-01-01", "at": "9999-12-31T00:00:00"})
    assert not body.is_valid()
    assert set(body.errors) == {"day", "at"}
    assert Body(data={"day": "2026-11-01", "at": "2026-11-01T10:00:00"}).is_valid()

    class Form(SaneDatesFormMixin, forms.Form):
        day = forms.DateField()

    form = Form(data={"day": "0320-01-01"})
    assert not form.is_valid() and "2000-01-01" in form.errors["day"][0]
    assert Form(data={"day": "2026-11-01"}).is_valid()


# --- A3.3: the working calendar for years chinesecalendar does not know ----------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2000, 2003, 2031, 2099])
def test_a3_3_unknown_years_fall_back_to_monday_friday_and_warn_once(year, caplog):
    calendar = WorkingCalendar(overrides={})
    with caplog.at_level(logging.WARNING, logger="sla.calendars"):
        days = [date(year, 3, 1) + timedelta(days=i) for i in range(30)]
        answers = [calendar.is_workday(day) for day in days]
    assert answers == [day.weekday() < 5 for day in days]
    assert len([r for r in caplog.records if str(year) in r.getMessage()]) == 1


@pytest.mark.django_db
def test_a3_3_deadlines_compute_at_both_ends_of_the_window():
    calendar = WorkingCalendar(overrides={})
    last = timezone.make_aware(datetime(2099, 12, 30, 10, 0))  # a Wednesday
    assert add_duration(last, timedelta(days=1), Clock.WORKING_DAYS, calendar) == last + timedelta(days=1)
    first = timezone.make_aware(datetime(2000, 1, 1, 10, 0))  # a Saturday: counts from Monday 00:00
    assert add_duration(first, timedelta(days=1), Clock.WORKING_DAYS, calendar) == timezone.make_aware(
        datetime(2000, 1, 4, 0, 0)
    )


# --- the admin: holiday overrides and customer services (their dates feed deadlines and invoices) ---


@pytest.mark.django_db
def test_admin_refuses_a_holiday_override_or_a_service_date_outside_the_years(client, org):
    client.force_login(UserFactory(username="root", department=org["it"], is_staff=True, is_superuser=True))
    r = client.post("/admin/sla/holidayoverride/add/", {"date": "0001-01-01", "is_workday": "on", "name": "x"})
    assert r.status_code == 200 and "2000-01-01" in str(r.context["adminform"].form.errors["date"])
    assert not HolidayOverride.objects.exists()
    r = client.post("/admin/sla/holidayoverride/add/", {"date": "2031-10-08", "name": "国庆调休"})
    assert r.status_code == 302 and HolidayOverride.objects.get().date == date(2031, 10, 8)

    customer = Customer.objects.create(code="C1", name="客户")
    body = {
        "code": "SVC-1", "customer": customer.pk, "product": "专线", "level": "B", "monthly_fee": "100.00",
        "one_time_fee": "0.00", "state": "active", "activated_on": "0320-01-01", "ended_on": "",
    }  # fmt: skip
    r = client.post("/admin/billing/service/add/", body)
    assert r.status_code == 200 and "activated_on" in r.context["adminform"].form.errors
    assert not Service.objects.exists()
    r = client.post("/admin/billing/service/add/", body | {"activated_on": "2026-11-01"})
    assert r.status_code == 302 and Service.objects.get().activated_on == date(2026, 11, 1)
