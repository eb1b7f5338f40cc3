"""B4.3: settlement runs for agents, content providers and channels — same life cycle, own statements."""

from datetime import date
from decimal import Decimal

import pytest

from billing import services
from billing.models import BillRun, Partner, SettlementStatement
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import ALL_CHECKS, run_to_review

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)


def settle(team):
    run = services.bill_run_schedule(period=OCT, kind=BillRun.Kind.SETTLEMENT)
    run = services.bill_run_start_check(run=run, by=team["operator"])
    run = services.bill_run_sign_check(run=run, by=team["operator"], checklist=ALL_CHECKS)
    run = services.bill_run_finish_preprocessing(run=run, by=team["operator"])
    run = services.bill_run_verify(run=run, by=team["second"])
    services.bill_run_generate_invoices(run=run)
    run.refresh_from_db()
    return run


def test_b4_3_partners_are_settled_on_their_services_revenue(it_team):
    agent = Partner.objects.create(code="AG1", name="城东代理", kind="agent", rate=Decimal("0.0800"))
    cp = Partner.objects.create(code="CP1", name="影视内容商", kind="cp", rate=Decimal("0.1250"))
    Partner.objects.create(code="CH1", name="空渠道", kind="channel", rate=Decimal("0.0500"))
    for fee, partner in [("3000.00", agent), ("1234.56", agent), ("999.99", cp), ("5000.00", None)]:
        service = make_service(monthly=fee)
        service.partner = partner
        service.save()
    services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])

    run = settle(it_team)
    assert run.state == BillRun.State.REVIEWING and run.invoices.count() == 0
    got = {s.partner.code: (s.revenue, s.amount) for s in run.statements.select_related("partner")}
    assert got == {
        "AG1": (Decimal("4234.56"), Decimal("338.76")),  # 4234.56 × 8% = 338.7648
        "CP1": (Decimal("999.99"), Decimal("125.00")),  # 999.99 × 12.5% = 124.99875 → half up
        "CH1": (Decimal("0.00"), Decimal("0.00")),
    }
    rolled = services.bill_run_roll_back(run=run, by=it_team["operator"])
    assert set(rolled.statements.values_list("state", flat=True)) == {"void"}
    run = settle(it_team)
    assert {s.partner.code: s.amount for s in run.statements.all()}["AG1"] == Decimal("338.76")
    services.bill_run_publish(run=run, by=it_team["supervisor"])
    assert SettlementStatement.objects.filter(state="published").count() == 3
    assert SettlementStatement.objects.filter(state="void").count() == 3
