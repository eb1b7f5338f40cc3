"""B4.2–B4.4: the bill run workflow, four eyes, rollback and re-run, immutability, the announcement."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import DatabaseError, IntegrityError, connection, transaction

from billing import services
from billing.models import Adjustment, BillRun, Invoice
from core.errors import Invalid
from sla import services as sla
from sla.models import Notification
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden
from tests.billing.conftest import make_service

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
SH = ZoneInfo("Asia/Shanghai")
ALL_CHECKS = {code: True for code, _ in services.CHECKLIST}


@pytest.fixture
def services_of_october():
    make_service(monthly="3000.00", activated=date(2026, 1, 1))
    make_service(monthly="3100.00", once="200.00", activated=date(2026, 10, 17))
    make_service(monthly="1000.00", activated=date(2026, 1, 1), ended=date(2026, 10, 9))
    make_service(monthly="999.00", activated=date(2026, 11, 1))  # not billable in October


def run_to_review(team, period=OCT):
    run = services.bill_run_schedule(period=period)
    run = services.bill_run_start_check(run=run, by=team["operator"])
    run = services.bill_run_sign_check(run=run, by=team["operator"], checklist=ALL_CHECKS)
    run = services.bill_run_finish_preprocessing(run=run, by=team["operator"])
    run = services.bill_run_verify(run=run, by=team["second"])
    services.bill_run_generate_invoices(run=run)
    run.refresh_from_db()
    return run


def totals(run):
    return sorted((i.customer_id, i.total) for i in run.invoices.exclude(state="void"))


def test_b4_2_a_run_goes_through_check_verification_review_and_publication(it_team, services_of_october):
    run = run_to_review(it_team)
    assert run.state == BillRun.State.REVIEWING
    assert (run.progress_done, run.progress_total) == (3, 3)
    assert run.checked_by == it_team["operator"] and [i["ok"] for i in run.checklist] == [True] * 4
    invoices = list(run.invoices.order_by("customer_id"))
    # October has 31 days: 3100 × 15/31 + 200 one-time; 1000 × 9/31 = 290.3225… → 290.32.
    assert [i.total for i in invoices] == [Decimal("3000.00"), Decimal("1700.00"), Decimal("290.32")]
    for invoice in invoices:  # B4.4: the total is the exact sum of the lines
        assert invoice.total == sum(line.amount for line in invoice.lines.all())
    run = services.bill_run_publish(run=run, by=it_team["supervisor"])
    assert run.state == BillRun.State.PUBLISHED
    assert set(run.invoices.values_list("state", flat=True)) == {"published"}


def test_b4_2_the_check_report_must_be_complete_and_signed(it_team):
    run = services.bill_run_start_check(run=services.bill_run_schedule(period=OCT), by=it_team["operator"])
    with pytest.raises(Invalid, match="签署前必须逐项检查") as refused:
        services.bill_run_sign_check(run=run, by=it_team["operator"], checklist={"usage_complete": True})
    assert refused.value.code == "checklist_incomplete" and list(refused.value.fields) == ["checklist"]
    run.refresh_from_db()
    assert run.state == BillRun.State.CHECKING


def test_b4_2_four_eyes_the_operator_cannot_verify_their_own_run(it_team, services_of_october):
    run = services.bill_run_schedule(period=OCT)
    run = services.bill_run_start_check(run=run, by=it_team["operator"])
    run = services.bill_run_sign_check(run=run, by=it_team["operator"], checklist=ALL_CHECKS)
    run = services.bill_run_finish_preprocessing(run=run, by=it_team["operator"])
    with pytest.raises(TransitionForbidden, match="双人复核"):
        services.bill_run_verify(run=run, by=it_team["operator"])
    with pytest.raises(TransitionForbidden):
        services.bill_run_verify(run=run, by=it_team["outsider"])  # an IT operator role outside IT Management
    run.refresh_from_db()
    assert run.state == BillRun.State.VERIFYING and run.verified_by is None
    run = services.bill_run_verify(run=run, by=it_team["second"])
    assert run.state == BillRun.State.INVOICING and run.verified_by == it_team["second"]


def test_b4_2_only_a_supervisor_publishes_and_a_challenge_sends_it_back_to_the_check(it_team, services_of_october):
    run = run_to_review(it_team)
    with pytest.raises(TransitionForbidden):
        services.bill_run_publish(run=run, by=it_team["operator"])
    run = services.bill_run_challenge(run=run, by=it_team["supervisor"], comment="数据存疑")
    assert run.state == BillRun.State.CHECKING
    with pytest.raises(TransitionConflict):
        services.bill_run_publish(run=run, by=it_team["supervisor"])


def test_b4_2_rollback_then_rerun_gives_the_same_totals_and_no_duplicate(it_team, services_of_october):
    run = run_to_review(it_team)
    first = totals(run)
    run = services.bill_run_roll_back(run=run, by=it_team["operator"], comment="回退重出")
    assert run.state == BillRun.State.SCHEDULED and run.attempt == 2
    assert set(run.invoices.values_list("state", flat=True)) == {"void"}
    run = run_to_review(it_team)
    assert totals(run) == first
    assert Invoice.objects.exclude(state="void").count() == 3
    assert Invoice.objects.count() == 6  # the voided ones stay, for the record
    # Generating again bills nobody twice.
    BillRun.objects.filter(pk=run.pk).update(state="invoicing")
    run.refresh_from_db()
    assert services.bill_run_generate_invoices(run=run) == 0


def test_b4_4_the_database_refuses_a_second_live_invoice_for_a_customer_and_month(it_team, services_of_october):
    run = run_to_review(it_team)
    existing = run.invoices.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(run=run, customer=existing.customer, period=OCT, number="DUP-1", total=Decimal("1.00"))


def test_b4_4_published_invoices_are_immutable_in_the_database(it_team, services_of_october):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger exists on PostgreSQL only")
    run = services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])
    invoice = run.invoices.first()
    for attempt in (
        lambda: Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("0.01")),
        lambda: invoice.lines.update(amount=Decimal("0.01")),
        lambda: Invoice.objects.filter(pk=invoice.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="cannot change"), transaction.atomic():
            attempt()
    with pytest.raises(TransitionConflict):
        services.bill_run_roll_back(run=run, by=it_team["operator"])


def test_b4_4_corrections_go_on_the_next_invoice_as_adjustments(it_team, services_of_october):
    run = services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])
    wrong = run.invoices.order_by("customer_id").first()
    Adjustment.objects.create(
        customer=wrong.customer, amount=Decimal("-150.00"), reason="10月多收", corrects=wrong, state="approved"
    )
    november = run_to_review(it_team, period=date(2026, 11, 1))
    corrected = november.invoices.get(customer=wrong.customer)
    assert [(x.kind, x.amount) for x in corrected.lines.all()] == [
        ("monthly", Decimal("3000.00")),
        ("adjustment", Decimal("-150.00")),
    ]
    assert corrected.total == Decimal("2850.00")
    wrong.refresh_from_db()
    assert wrong.total == Decimal("3000.00")  # the published invoice itself never changes


def test_b4_2_the_outcome_is_announced_at_midnight_on_the_2nd_whatever_the_state(it_team):
    run = services.bill_run_schedule(period=OCT)
    (deadline,) = deadlines_of(run)
    assert deadline.due_at == datetime(2026, 11, 2, 0, 0, tzinfo=SH)
    services.bill_run_start_check(run=run, by=it_team["operator"])  # left unfinished

    for minute in (0, 1):  # two sweeps after the deadline: one announcement
        with time_machine.travel(datetime(2026, 11, 2, 0, minute, tzinfo=SH), tick=False):
            sla.sweep_due_deadlines()
            sla.deadline_events_handle(stale=False, ids=list(deadline.events.values_list("pk", flat=True)))
    sms = Notification.objects.filter(channel="sms")
    assert sorted(sms.values_list("recipient__username", flat=True)) == ["mgr", "sup"]
    assert sms.first().subject == "出账 2026-10 未在时限前完成"
    emails = Notification.objects.filter(channel="email")
    assert sorted(emails.values_list("recipient__username", flat=True)) == ["mgr", "op1", "op2", "sup"]


def test_b4_3_settlement_runs_are_announced_before_midnight_on_the_10th(org):
    run = services.bill_run_schedule(period=date(2026, 12, 1), kind=BillRun.Kind.SETTLEMENT)
    (deadline,) = deadlines_of(run)
    assert deadline.due_at == datetime(2027, 1, 10, 0, 0, tzinfo=SH)


def test_b4_2_anomalies_are_reported_at_once(it_team):
    run = services.bill_run_schedule(period=OCT)
    services.bill_run_report_anomaly(run=run, by=it_team["operator"], text="话单缺失 3%")
    assert sorted(set(Notification.objects.filter(channel="sms").values_list("recipient__username", flat=True))) == [
        "mgr",
        "sup",
    ]
    assert timedelta(0) <= Notification.objects.first().created_at - run.created_at < timedelta(minutes=1)
