"""B4.4: SLA credits for faults repaired later than their level's limit (default rule in README)."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing import services
from faults import services as faults
from org.roles import Role
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def repair(service, user, reported: datetime, hours: float):
    with time_machine.travel(reported, tick=False):
        ticket = faults.fault_report(
            by=user, title="电路中断", description="客户报障", category="line", service=service
        )
        ticket = faults.fault_acknowledge(ticket=ticket, by=user)
        ticket = faults.fault_start_work(ticket=ticket, by=user)
    done = reported + timedelta(hours=hours)
    with time_machine.travel(done, tick=False):
        faults.fault_resolve(ticket=ticket, by=user, resolution="已修复", at=done)


def test_b4_4_sla_credit_per_started_step_late_capped_at_half_the_fee(it_team, org):
    user = UserFactory(department=org["nmc"], roles=[Role.BACK_MEMBER, Role.BACK_ADMIN])
    late_once = make_service(monthly="3000.00")  # level B: 8-hour repair limit
    late_often = make_service(monthly="2000.00")
    on_time = make_service(monthly="1000.00")
    repair(late_once, user, datetime(2026, 10, 10, 9, 0, tzinfo=SH), hours=13)  # 5 h late → 2 steps → 10%
    for day in (3, 12, 20):  # 30 h late each → 8 steps each → capped at 50%
        repair(late_often, user, datetime(2026, 10, day, 9, 0, tzinfo=SH), hours=38)
    repair(on_time, user, datetime(2026, 10, 11, 9, 0, tzinfo=SH), hours=7)
    repair(late_once, user, datetime(2026, 9, 10, 9, 0, tzinfo=SH), hours=30)  # September: not this month

    run = run_to_review(it_team, period=date(2026, 10, 1))
    credits = {
        line.service_id: line.amount
        for inv in run.invoices.all()
        for line in inv.lines.all()
        if line.kind == "sla_credit"
    }
    assert credits == {late_once.pk: Decimal("-300.00"), late_often.pk: Decimal("-1000.00")}
    totals = {inv.customer_id: inv.total for inv in run.invoices.all()}
    assert totals[late_once.customer_id] == Decimal("2700.00")
    assert totals[on_time.customer_id] == Decimal("1000.00")


def test_b4_4_the_credit_rule_is_configurable(settings):
    settings.BILLING_SLA_CREDIT_PERCENT = "10"
    settings.BILLING_SLA_CREDIT_STEP_HOURS = 1
    settings.BILLING_SLA_CREDIT_CAP_PERCENT = "100"
    service = make_service(monthly="1000.00")
    line = services.sla_credit_line(service, [timedelta(minutes=90)])
    assert line.amount == Decimal("-200.00")  # two started hours × 10%
