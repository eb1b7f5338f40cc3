"""The demo data (`make run`): last month's worked orders give the monthly report (R1.22) content."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from responses import selectors
from responses.models import Order, WorkStep

pytestmark = pytest.mark.django_db


def test_r1_22_demo_history_fills_last_months_report_once():
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        call_command("seed_demo")
        history = Order.objects.filter(submitted_at__month=10, submitted_at__year=2026)
        assert history.count() == 5
        assert set(history.values_list("state", flat=True)) == {"confirmed"}
        report = selectors.month_report(year=2026, month=10)
        totals = {row["department"]: row for row in report.handled if row["level"] == selectors.TOTAL}
        assert set(totals) == {"网络监控中心", "线路维护中心"}
        assert sum(row["handled"] for row in totals.values()) == WorkStep.objects.filter(order__in=history).count() == 7
        assert sum(row["overtime"] for row in totals.values()) == 2  # the two steps returned a day late
        assert [(row["department"], row["count"]) for row in report.unsigned_a] == [("政企客户部", 1)]
        assert any("R1.5" in row["reason"] for row in report.downgrades)

        call_command("seed_demo")  # idempotent
        assert Order.objects.filter(submitted_at__month=10, submitted_at__year=2026).count() == 5
