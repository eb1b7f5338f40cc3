"""Issue 14 §6: the demo shows the whole billing month (B4.2–B4.5), through the real services."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import call_command

from billing.models import ArrearsCase, BillRun, Invoice, ServiceWorkOrder, SettlementStatement
from org.models import User
from sla.models import Deadline

pytestmark = pytest.mark.django_db
TODAY = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
LAST, BEFORE = date(2026, 10, 1), date(2026, 9, 1)


def counts():
    """Every row of every app the demo loads."""
    labels = ("org", "sla", "accounts", "responses", "faults", "billing")
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label in labels}


def test_b4_2_demo_publishes_last_months_runs_through_four_eyes_and_is_idempotent():
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo")
        first = counts()
        call_command("seed_demo")
        assert counts() == first
    run = BillRun.objects.get(kind=BillRun.Kind.BILLING, period=LAST)
    assert run.state == BillRun.State.PUBLISHED
    assert (run.checked_by.username, run.verified_by.username, run.reviewed_by.username) == (
        "it_operator", "it_operator2", "it_supervisor",
    )  # fmt: skip
    invoices = run.invoices.all()
    assert invoices.count() >= 3 and {i.state for i in invoices} == {Invoice.State.PUBLISHED}
    assert run.progress_done == run.progress_total == invoices.count()
    settlement = BillRun.objects.get(kind=BillRun.Kind.SETTLEMENT, period=LAST)
    assert settlement.state == BillRun.State.PUBLISHED
    statements = SettlementStatement.objects.filter(run=settlement, state=Invoice.State.PUBLISHED)
    assert statements.count() == 2 and all(s.revenue > 0 for s in statements)


def test_b4_5_demo_has_a_small_and_a_large_arrears_case_with_its_restriction_work_order():
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo")
    assert BillRun.objects.get(kind=BillRun.Kind.BILLING, period=BEFORE).state == BillRun.State.PUBLISHED
    cases = {case.size: case for case in ArrearsCase.objects.filter(state=ArrearsCase.State.OPEN)}
    assert set(cases) == {ArrearsCase.Size.SMALL, ArrearsCase.Size.LARGE}
    assert not cases["small"].work_orders.exists()
    order = cases["large"].work_orders.get()
    assert (order.kind, order.state, order.department.code) == ("restrict", ServiceWorkOrder.State.OPEN, "nmc")
    assert cases["large"].restricted
    deadline = Deadline.objects.get(object_id=order.pk, kind="work-order-restrict")
    assert deadline.state in Deadline.OPEN_STATES


def test_b4_2_demo_can_leave_last_months_runs_scheduled_for_a_person_to_take_through():
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_demo", bill_run="scheduled")
        call_command("seed_demo", bill_run="scheduled")
    runs = BillRun.objects.filter(period=LAST)
    assert sorted(runs.values_list("kind", "state")) == [("billing", "scheduled"), ("settlement", "scheduled")]
    assert not Invoice.objects.filter(period=LAST).exists()
    # The four-eyes pair and the reviewer are there to do it.
    assert User.objects.filter(username__in=["it_operator", "it_operator2", "it_supervisor"]).count() == 3
