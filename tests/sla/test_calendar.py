"""A3.3 / S5.2: the working-day calendar with Chinese public holidays and 调休."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sla.calendars import WorkingCalendar, add_duration
from sla.models import Clock, HolidayOverride

SH = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SH)


@pytest.fixture
def cal():
    return WorkingCalendar(overrides={})


def test_a3_3_national_day_is_not_a_working_day(cal):
    assert cal.is_workday(date(2026, 10, 1)) is False
    assert cal.is_workday(date(2026, 10, 7)) is False


def test_a3_3_declared_working_weekends_of_2026_are_working_days(cal):
    # Saturday 10 October and Sunday 20 September 2026 are made up for National Day.
    assert date(2026, 10, 10).weekday() == 5
    assert cal.is_workday(date(2026, 10, 10)) is True
    assert cal.is_workday(date(2026, 9, 20)) is True
    # An ordinary weekend is not.
    assert cal.is_workday(date(2026, 11, 21)) is False


def test_a3_3_one_working_day_after_friday_evening_is_the_next_working_day(cal):
    assert cal.add_working_days(at(2026, 11, 20, 17, 0), 1) == at(2026, 11, 23, 17, 0)


def test_a3_3_one_working_day_across_the_national_day_holiday(cal):
    # Wednesday 30 September + 1 working day skips 1–7 October.
    assert cal.add_working_days(at(2026, 9, 30, 10, 0), 1) == at(2026, 10, 8, 10, 0)
    # Friday 9 October + 1 lands on the declared working Saturday.
    assert cal.add_working_days(at(2026, 10, 9, 17, 0), 1) == at(2026, 10, 10, 17, 0)


def test_a3_3_a_start_on_a_rest_day_counts_from_the_next_working_day(cal):
    # Approved Saturday morning: one working day is the whole of Monday.
    assert cal.add_working_days(at(2026, 11, 21, 10, 0), 1) == at(2026, 11, 24, 0, 0)
    # Approved during National Day: the whole of 8 October.
    assert cal.add_working_days(at(2026, 10, 3, 9, 0), 1) == at(2026, 10, 9, 0, 0)


def test_a3_3_start_given_in_utc_is_counted_on_shanghai_dates(cal):
    # 2026-09-30 20:00 UTC is already 1 October 04:00 in Shanghai (a holiday).
    start = datetime(2026, 9, 30, 20, 0, tzinfo=ZoneInfo("UTC"))
    assert cal.add_working_days(start, 1) == at(2026, 10, 9, 0, 0)


@pytest.mark.django_db
def test_a3_3_overrides_win_over_the_package():
    HolidayOverride.objects.create(date=date(2026, 11, 23), is_workday=False, name="test closure")
    cal = WorkingCalendar()
    assert cal.is_workday(date(2026, 11, 23)) is False
    assert cal.add_working_days(at(2026, 11, 20, 17, 0), 1) == at(2026, 11, 24, 17, 0)


def test_a3_3_a_year_the_package_does_not_know_falls_back_to_monday_to_friday(caplog):
    cal = WorkingCalendar(overrides={date(2027, 1, 1): False})
    assert cal.is_workday(date(2027, 1, 1)) is False  # entered as an override
    assert cal.is_workday(date(2027, 1, 4)) is True  # Monday
    assert cal.is_workday(date(2027, 1, 9)) is False  # Saturday
    assert "No holiday data for 2027" in caplog.text


def test_s5_2_calendar_clock_counts_rest_days(cal):
    friday = at(2026, 9, 30, 17, 0)
    assert add_duration(friday, timedelta(days=3), Clock.CALENDAR) == at(2026, 10, 3, 17, 0)
    assert add_duration(friday, timedelta(days=1, hours=2), Clock.WORKING_DAYS, cal) == at(2026, 10, 8, 19, 0)
