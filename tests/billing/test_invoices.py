"""B4.4: invoice lines — proration by active days, one-time fees, rounding, totals."""

from datetime import date
from decimal import Decimal

import pytest

from billing.services import money, service_lines
from tests.billing.conftest import make_service

pytestmark = pytest.mark.django_db
NOV = date(2026, 11, 1)  # 30 days


def monthly(service, period=NOV):
    (line,) = [x for x in service_lines(service, period) if x.kind == "monthly"]
    return line


@pytest.mark.parametrize(
    ("activated", "ended", "days", "amount"),
    [
        (date(2026, 1, 1), None, 30, "3000.00"),  # active the whole month
        (date(2026, 11, 17), None, 14, "1400.00"),  # from the 17th: 17..30
        (date(2026, 1, 1), date(2026, 11, 9), 9, "900.00"),  # until the 9th, inclusive
        (date(2026, 11, 5), date(2026, 11, 5), 1, "100.00"),  # one day
    ],
)
def test_b4_4_monthly_fee_prorated_by_active_days(activated, ended, days, amount):
    line = monthly(make_service(monthly="3000.00", activated=activated, ended=ended))
    assert (line.days, line.amount) == (days, Decimal(amount))


def test_b4_4_february_of_a_leap_year_has_29_days():
    line = monthly(make_service(monthly="2900.00", activated=date(2028, 2, 10)), period=date(2028, 2, 1))
    assert (line.days, line.amount) == (20, Decimal("2000.00"))
    assert line.description.endswith("20/29")


def test_b4_4_no_line_for_a_month_outside_the_service():
    assert service_lines(make_service(activated=date(2026, 12, 1)), NOV) == []
    assert service_lines(make_service(activated=date(2026, 1, 1), ended=date(2026, 10, 31)), NOV) == []


def test_b4_4_one_time_fee_only_in_the_activation_month():
    service = make_service(monthly="1000.00", once="500.00", activated=date(2026, 11, 20))
    kinds = {line.kind: line.amount for line in service_lines(service, NOV)}
    assert kinds == {"monthly": Decimal("366.67"), "one_time": Decimal("500.00")}  # 1000 × 11/30
    assert [x.kind for x in service_lines(service, date(2026, 12, 1))] == ["monthly"]


def test_b4_4_money_is_decimal_rounded_half_up_to_cents():
    assert money(Decimal("0.125")) == Decimal("0.13")
    assert money(Decimal("0.124999")) == Decimal("0.12")
    assert money(Decimal("-0.125")) == Decimal("-0.13")
    line = monthly(make_service(monthly="100.00", activated=date(2026, 11, 21)))  # 100 × 10/30 = 33.333…
    assert line.amount == Decimal("33.33")
