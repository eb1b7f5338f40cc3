"""Sane ranges for the dates, datetimes and months people enter (issue 11, point 4).

The one place for the bounds every app uses, in two layers:

* **The parse window**: years ``FIRST_YEAR``–``LAST_YEAR`` (2000–2099). Python's datetimes, the
  conversion to UTC and PostgreSQL all handle them, and the working calendar answers for each of
  them (``chinesecalendar`` knows 2004–2026; for other years ``sla.calendars`` falls back to
  Monday–Friday). ``sane_date`` refuses anything else when the value is parsed — a validator for
  Django form fields, DRF fields and django-filter filters alike — so year 0001 or 9999 answers a
  clear 400 (or an error on the form), never a 500 from an overflow or from PostgreSQL.
  ``SaneDatesSerializerMixin`` and ``SaneDatesFormMixin`` put it on every writable date field.
* **Business windows**, checked by the services so that pages, the API, the admin, tasks and
  commands refuse the same values: ``check_happened`` (a time something happened: not in the
  future beyond ``CLOCK_SKEW``, not before a given moment), ``check_ahead`` (a time something is
  wanted: not in the past, not too far ahead), ``check_range`` (any window) and ``month_in_range``.

Comparisons never do arithmetic on the value itself (``value - timedelta`` overflows for year 1),
only on the bounds.
"""

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

FIRST_YEAR = 2000
LAST_YEAR = 2099
#: How far ahead of the server a "when did it happen" time may be (a fast browser or phone clock).
CLOCK_SKEW = timedelta(minutes=5)
#: A year, for windows such as "HR records from a year back to a year ahead".
YEAR = timedelta(days=366)
#: How long after the fact a time something happened may be entered (phone dispatches, backfilled
#: fault reports, complaints, quality events: the SPEC has them recorded within a working day or so).
BACKFILL_LIMIT = timedelta(days=31)


def _year_window_message() -> str:
    return _("Enter a date between %(first)s and %(last)s.") % {
        "first": f"{FIRST_YEAR}-01-01",
        "last": f"{LAST_YEAR}-12-31",
    }


def in_parse_window(value: date | datetime) -> bool:
    return FIRST_YEAR <= value.year <= LAST_YEAR


def sane_date(value) -> None:
    """Validator: a date, datetime or month the platform can store, convert and count working days for."""
    if value is not None and not in_parse_window(value):
        raise ValidationError(_year_window_message(), code="date_range")


def _fmt(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}"
    return f"{value:%Y-%m-%d}"


def check_range(value, *, field: str, earliest=None, latest=None, too_early=None, too_late=None) -> None:
    """Refuse ``value`` outside [``earliest``, ``latest``] (either may be None) as a field error.

    ``too_early`` / ``too_late`` are the messages; by default they name the bound.
    """
    if value is None:
        return
    if not in_parse_window(value):
        raise ValidationError({field: _year_window_message()}, code="date_range")
    if earliest is not None and value < earliest:
        raise ValidationError(
            {field: too_early or _("Enter a time no earlier than %(bound)s.") % {"bound": _fmt(earliest)}},
            code="date_range",
        )
    if latest is not None and value > latest:
        raise ValidationError(
            {field: too_late or _("Enter a time no later than %(bound)s.") % {"bound": _fmt(latest)}},
            code="date_range",
        )


def check_happened(
    value: datetime | None, *, field: str, now=None, not_before=None, too_early=None, too_late=None
) -> None:
    """A time something happened: at most ``CLOCK_SKEW`` in the future, and not before ``not_before``."""
    now = now or timezone.now()
    check_range(
        value,
        field=field,
        earliest=not_before,
        latest=now + CLOCK_SKEW,
        too_early=too_early,
        too_late=too_late or _("This time cannot be in the future."),
    )


def check_ahead(value: datetime | None, *, field: str, max_ahead: timedelta, now=None, too_late=None) -> None:
    """A time something is wanted by: not in the past (``CLOCK_SKEW`` tolerated), at most ``max_ahead`` away."""
    now = now or timezone.now()
    check_range(
        value,
        field=field,
        earliest=now - CLOCK_SKEW,
        latest=now + max_ahead,
        too_early=_("This time cannot be in the past."),
        too_late=too_late,
    )


# --- months --------------------------------------------------------------------------------


def add_months(month: date, n: int) -> date:
    """The first day of the month ``n`` months after ``month`` (negative: before)."""
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def parse_month(value: str, *, allow_day: bool = False) -> date:
    """``YYYY-MM`` (with ``allow_day``, also ``YYYY-MM-DD``, the day ignored) → the month's first day.

    ``ValidationError`` with a Chinese message when malformed or outside the parse window.
    """
    pattern = r"(\d{4})-(\d{2})(?:-\d{2})?" if allow_day else r"(\d{4})-(\d{2})"
    match = re.fullmatch(pattern, (value or "").strip(), flags=re.ASCII)
    if match is None:
        raise ValidationError(_("Enter the month as YYYY-MM."), code="invalid")
    year, number = int(match[1]), int(match[2])
    if not 1 <= number <= 12:
        raise ValidationError(_("Enter the month as YYYY-MM."), code="invalid")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(_year_window_message(), code="date_range")
    return date(year, number, 1)


def month_in_range(month: date, *, earliest: date, latest: date, field: str | None = None) -> None:
    """Refuse a month outside [``earliest``, ``latest``] (first days of months)."""
    if earliest <= month <= latest:
        return
    message = _("Choose a month from %(first)s to %(last)s.") % {
        "first": f"{earliest:%Y-%m}",
        "last": f"{latest:%Y-%m}",
    }
    raise ValidationError({field: message} if field else message, code="date_range")


# --- parse-window validators on every writable date field ------------------------------------


def _is_date_field(field) -> bool:
    from django import forms
    from rest_framework import serializers

    return isinstance(field, (serializers.DateField, serializers.DateTimeField, forms.DateField, forms.DateTimeField))


class SaneDatesSerializerMixin:
    """DRF serializers: every writable date or datetime field refuses years outside the parse window."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            if _is_date_field(field) and not field.read_only and sane_date not in field.validators:
                field.validators.append(sane_date)
        return fields


class SaneDatesFormMixin:
    """Django forms: every date or datetime field refuses years outside the parse window."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if _is_date_field(field) and sane_date not in field.validators:
                field.validators.append(sane_date)
