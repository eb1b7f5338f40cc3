"""Working-day calendar (A3.3, S5.2).

Chinese public holidays and the weekend days declared working days (调休) come
from the ``chinesecalendar`` package; ``HolidayOverride`` rows win over it (to
correct it, or to enter a year the package does not know yet). For a year that
neither knows, Monday–Friday are working days and a warning is logged.

All arithmetic is done on Asia/Shanghai dates (``settings.TIME_ZONE``).
"""

import logging
from datetime import date, datetime, time, timedelta

import chinese_calendar
from django.utils import timezone

from .models import Clock, HolidayOverride

log = logging.getLogger(__name__)


class WorkingCalendar:
    """Answers "is this a working day?"; loads the overrides once per instance."""

    def __init__(self, overrides: dict[date, bool] | None = None):
        if overrides is None:
            overrides = dict(HolidayOverride.objects.values_list("date", "is_workday"))
        self.overrides = overrides
        self._unknown_years: set[int] = set()

    def is_workday(self, day: date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            # Any year the inputs allow (sla.validators: 2000–2099) gets an answer, never an error;
            # the warning is logged once per year and calendar, not once per day counted.
            if day.year not in self._unknown_years:
                self._unknown_years.add(day.year)
                log.warning("No holiday data for %s; treating Monday-Friday as working days", day.year)
            return day.weekday() < 5

    def next_workday(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """``days`` working days after ``start``, at the same local time of day.

        A start on a rest day counts from 00:00 of the next working day, so
        "1 working day" after a Saturday approval ends at the end of Monday.
        """
        local = timezone.localtime(start)
        day = local.date()
        if not self.is_workday(day):
            day = self.next_workday(day)
            local = timezone.make_aware(datetime.combine(day, time.min))
        for _ in range(days):
            day = self.next_workday(day)
        return timezone.make_aware(datetime.combine(day, local.time().replace(tzinfo=None)))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """The part of [start, end) that falls on working days (local dates, whole days of 24 h)."""
        total = timedelta(0)
        cursor = timezone.localtime(start)
        end = timezone.localtime(end)
        while cursor < end:
            next_midnight = timezone.make_aware(datetime.combine(cursor.date() + timedelta(days=1), time.min))
            piece_end = min(next_midnight, end)
            if self.is_workday(cursor.date()):
                total += piece_end - cursor
            cursor = piece_end
        return total

    def add_working_time(self, start: datetime, amount: timedelta) -> datetime:
        """``start`` moved forward by ``amount`` of working-day time: rest days are skipped whole.

        The inverse of ``working_time_between`` for a start on a working day; a start on a rest day
        counts from 00:00 of the next working day.
        """
        if amount <= timedelta(0):
            return start
        cursor = timezone.localtime(start)
        if not self.is_workday(cursor.date()):
            cursor = timezone.make_aware(datetime.combine(self.next_workday(cursor.date()), time.min))
        left = amount
        while left > timedelta(0):
            next_midnight = timezone.make_aware(datetime.combine(cursor.date() + timedelta(days=1), time.min))
            room = next_midnight - cursor
            if left < room:
                return cursor + left
            left -= room
            cursor = timezone.make_aware(datetime.combine(self.next_workday(cursor.date()), time.min))
        return cursor


def add_duration(start: datetime, duration: timedelta, clock: str, calendar: WorkingCalendar | None = None) -> datetime:
    """The due time of a limit of ``duration`` started at ``start`` on ``clock``.

    Calendar clocks count every hour (R1.3: rest days included). Working-day
    clocks count ``duration.days`` working days and add any remainder as
    calendar time.
    """
    if clock == Clock.CALENDAR:
        return start + duration
    calendar = calendar or WorkingCalendar()
    whole_days = timedelta(days=duration.days)
    return calendar.add_working_days(start, duration.days) + (duration - whole_days)
