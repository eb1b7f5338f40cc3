"""Assessment on the assessed limit (R1.4, R1.5, R1.7; issue 13 §1).

An over-quota or unsigned A order is *assessed* against B's limits: its step returned after A's limit but
within B's counts on time in the monthly report (page, Excel, JSON, frozen snapshot), while an in-quota A
order returned at the same moment counts overtime. The notices still follow the served limit.
"""

import io
from datetime import date, timedelta

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from responses import handlers, selectors, services
from responses.models import MonthReport, WorkStep
from sla import services as sla
from sla.models import AuditEntry, DeadlineMonthStat
from sla.selectors import deadlines_of
from sla.services import month_close

from .factories import make_order
from .test_report import _direct_order, _number_or_text, _return, _workflow_order, local, page_tables

pytestmark = pytest.mark.django_db

OCT = date(2026, 10, 1)
DISPATCHED = local(2026, 10, 12, 10)
FINISHED = DISPATCHED + timedelta(hours=36)  # A's step limit is 1 day, B's 2 days
RETURNED = FINISHED + timedelta(minutes=30)


@pytest.fixture
def quota_month(people, cat, org):
    """政企客户部 in October 2026: five A orders early in the month, then two signed A orders dispatched
    to 网络监控中心 at the same moment: the 6th is within the A floor of 6 (R1.4), the 7th is over it."""
    for day in range(1, 6):
        _direct_order(
            people, org, f"Q0{day}", "gov_enterprise", "A", local(2026, 10, day, 9),
            business_type_id=cat["phone"].pk, signed_at=local(2026, 10, day, 9, 30),
        )  # fmt: skip
    within = _workflow_order(people, cat, org, "Q06", "A", DISPATCHED, steps=["nmc"], sign=True)
    over = _workflow_order(people, cat, org, "Q07", "A", DISPATCHED + timedelta(minutes=5), steps=["nmc"], sign=True)
    for order in (within, over):
        _return(order, 1, people["jk_member"], finished_at=FINISHED, returned_at=RETURNED)
    return within, over


def _step(order) -> WorkStep:
    return WorkStep.objects.get(order=order, position=1)


def test_r1_4_before_month_close_both_a_orders_are_overtime_on_the_a_limit(quota_month):
    within, over = quota_month
    for order in (within, over):
        step = _step(order)
        assert (step.overtime, step.assessed_overtime, step.assessed_due_at) == (True, True, None)


def test_r1_4_month_close_reassesses_the_over_quota_order_on_the_b_limit(quota_month):
    within, over = quota_month
    handlers.decide_quota(OCT)
    over.refresh_from_db()
    assert (over.over_quota, over.assessed_level) == (True, "B")
    step = _step(over)
    # Served: A's 1-day limit, overtime. Assessed: B's 2 days from the same dispatch, on time.
    assert step.due_at == step.dispatched_at + timedelta(days=1)
    assert step.assessed_due_at == step.dispatched_at + timedelta(days=2)
    assert (step.overtime, step.assessed_overtime) == (True, False)
    (deadline,) = deadlines_of(step)
    assert (deadline.level, deadline.assessed_level, deadline.assessed_due) == ("A", "B", step.assessed_due_at)
    assert AuditEntry.objects.filter(object_id=deadline.pk, transition="assess", from_state="A", to_state="B").exists()
    provisioning = deadlines_of(over).get(kind="order-provisioning")
    assert provisioning.assessed_due_at == provisioning.started_at + timedelta(days=5)  # R1.3 provisioning B
    # The order within the quota keeps A's limit and its overtime.
    kept = _step(within)
    assert (kept.overtime, kept.assessed_overtime, kept.assessed_due_at) == (True, True, None)


def _nmc_a_row(rows):
    (row,) = [r for r in rows if r[0] == "网络监控中心" and r[1] == "A"]
    return row


# handled, on time (assessed), overtime (assessed), rate, on time (served), overtime (served), lateness
EXPECTED_NMC_A = ["2", "1", "1", "50.0", "0", "2", "12.00", "12.00"]


def test_r1_4_report_counts_the_over_quota_order_on_time_page_excel_json(client, people, quota_month):
    handlers.decide_quota(OCT)
    client.force_login(people["viewer"])
    assert _nmc_a_row(page_tables(client)["handled"])[2:] == EXPECTED_NMC_A

    response = client.get(reverse("responses:report-export"), {"month": "2026-10"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = [[_number_or_text(c) for c in row] for row in book.worksheets[0].iter_rows(values_only=True)]
    assert _nmc_a_row(rows)[2:] == [_number_or_text(v) for v in EXPECTED_NMC_A]

    data = client.get("/api/v1/reports/monthly/", {"month": "2026-10"}).json()
    (row,) = [r for r in data["handled"] if r["department_code"] == "nmc" and r["level"] == "A"]
    assert (row["handled"], row["on_time"], row["overtime"], row["served_on_time"], row["served_overtime"]) == (
        2, 1, 1, 0, 2,
    )  # fmt: skip


def test_r1_4_month_close_freezes_the_assessed_figures(quota_month):
    month_close(month=OCT)  # decides the quota first, then freezes the report and the deadline figures
    frozen = selectors.month_report(year=2026, month=10)
    assert frozen.frozen_at == MonthReport.objects.get(month=OCT).frozen_at
    (row,) = [r for r in frozen.handled if r["department_code"] == "nmc" and r["level"] == "A"]
    assert (row["on_time"], row["overtime"], row["served_overtime"]) == (1, 1, 2)
    stat = DeadlineMonthStat.objects.get(month=OCT, category="steps", level="A")
    assert (stat.handled, stat.on_time, stat.served_on_time) == (2, 1, 0)


def test_r1_5_unsigned_a_order_is_assessed_on_b_until_signed(people, cat):
    with time_machine.travel(DISPATCHED, tick=False):
        order = make_order(people["zq_admin"], cat["phone"], level="A")
        order = services.order_submit(order=order, by=people["zq_admin"], at=DISPATCHED)
    assert order.assessed_level == "B"
    provisioning = deadlines_of(order).get(kind="order-provisioning")
    assert (provisioning.due_at, provisioning.assessed_level, provisioning.assessed_due_at) == (
        DISPATCHED + timedelta(days=3), "B", DISPATCHED + timedelta(days=5),
    )  # fmt: skip
    services.order_sign(order=order, by=people["zq_director"], at=DISPATCHED + timedelta(hours=1))
    provisioning.refresh_from_db()
    assert (provisioning.assessed_level, provisioning.assessed_due_at) == ("", None)  # assessed as served again


def test_r1_5_unsigned_a_order_accepted_anyway_gives_its_steps_b_limits(people, cat, org):
    order = _workflow_order(people, cat, org, "U01", "A", DISPATCHED, steps=["nmc"])
    step = _step(order)
    deadline = deadlines_of(step).get()
    assert (deadline.due_at, deadline.assessed_level, deadline.assessed_due_at) == (
        DISPATCHED + timedelta(days=1), "B", DISPATCHED + timedelta(days=2),
    )  # fmt: skip
    assert step.assessed_due_at == deadline.assessed_due_at
    _return(order, 1, people["jk_member"], finished_at=FINISHED, returned_at=RETURNED)
    step.refresh_from_db()
    assert (step.overtime, step.assessed_overtime) == (True, False)


def test_r1_4_pause_moves_the_assessed_due_time_too(org):
    fresh = sla.deadline_start(
        subject=org["nmc"], kind="order-provisioning", level="A", assessed_level="B", started_at=DISPATCHED
    )
    before = fresh.assessed_due_at
    assert before == DISPATCHED + timedelta(days=5)
    paused = sla.deadline_pause(deadline=fresh, at=DISPATCHED + timedelta(hours=1))
    resumed = sla.deadline_resume(deadline=paused, at=DISPATCHED + timedelta(hours=4))
    assert resumed.assessed_due_at - before == timedelta(hours=3)
    assert resumed.due_at - fresh.due_at == timedelta(hours=3)


def test_r1_4_order_page_shows_the_served_and_the_assessed_due_time(client, people, quota_month):
    handlers.decide_quota(OCT)
    _within, over = quota_month
    client.force_login(people["dispatcher"])
    page = client.get(over.get_absolute_url()).content.decode()
    step_due = _step(over).assessed_due_at
    assert f"按 B 级考核:{timezone.localtime(step_due):%Y-%m-%d %H:%M}" in page
    assert page.count('data-testid="assessed-due"') == 2  # the provisioning clock and the step's
