"""B4.2 under faults (issue 11, point 3): a bill run whose invoice generation was never
published (broker down at verification) or never finished (worker killed) is taken up by
the ``billing.tasks.resume_invoicing`` beat sweep, and two generations of one run never
overlap."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection, connections

from billing import services
from billing.models import BillRun, Invoice
from tests.billing.conftest import make_service

pytestmark = pytest.mark.django_db
OCT = date(2026, 10, 1)
ALL_CHECKS = {code: True for code, _ in services.CHECKLIST}


def verified_run(team) -> BillRun:
    """A verified run in invoicing; inside the test transaction its publish never happens,
    which is exactly a publish lost to the broker."""
    run = services.bill_run_schedule(period=OCT)
    run = services.bill_run_start_check(run=run, by=team["operator"])
    run = services.bill_run_sign_check(run=run, by=team["operator"], checklist=ALL_CHECKS)
    run = services.bill_run_finish_preprocessing(run=run, by=team["operator"])
    run = services.bill_run_verify(run=run, by=team["second"])
    assert run.state == BillRun.State.INVOICING
    return run


def test_b4_2_a_run_left_in_invoicing_is_generated_by_the_resume_sweep_once(it_team):
    make_service(monthly="3000.00")
    make_service(monthly="1000.00")
    run = verified_run(it_team)
    assert not Invoice.objects.exists()

    assert services.bill_runs_resume_invoicing() == 2
    run.refresh_from_db()
    assert run.state == BillRun.State.REVIEWING
    assert (run.progress_done, run.progress_total) == (2, 2)
    assert services.bill_runs_resume_invoicing() == 0  # nothing left in invoicing
    assert Invoice.objects.filter(run=run).count() == 2


def test_b4_2_a_run_half_generated_by_a_killed_worker_is_finished_without_a_second_invoice(it_team):
    first, second = make_service(monthly="3000.00"), make_service(monthly="1000.00")
    run = verified_run(it_team)
    services.bill_run_generate_invoices(run=run)
    # As if the worker died after the first chunk: one invoice gone, the run back in invoicing.
    Invoice.objects.filter(customer=second.customer).delete()
    BillRun.objects.filter(pk=run.pk).update(state=BillRun.State.INVOICING)

    assert services.bill_runs_resume_invoicing() == 1
    assert sorted(Invoice.objects.values_list("customer_id", flat=True)) == sorted(
        [first.customer_id, second.customer_id]
    )


def test_b4_2_the_resume_sweep_is_on_the_beat_schedule():
    entry = settings.CELERY_BEAT_SCHEDULE["billing-resume-invoicing"]
    assert entry["task"] == "billing.tasks.resume_invoicing"
    assert 0 < entry["schedule"] <= 3600
    from billing.tasks import resume_invoicing

    assert resume_invoicing.name == entry["task"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks are PostgreSQL's")
def test_b4_2_a_run_another_worker_is_generating_is_left_to_it(it_team):
    make_service(monthly="3000.00")
    run = verified_run(it_team)
    other = connections.create_connection("default")  # another worker's session
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [services.GENERATION_LOCK, run.pk])
        assert services.bill_runs_resume_invoicing() == 0
        assert services.bill_run_generate_invoices(run=run) == 0
        run.refresh_from_db()
        assert run.state == BillRun.State.INVOICING and not Invoice.objects.exists()
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [services.GENERATION_LOCK, run.pk])
    finally:
        other.close()
    assert services.bill_runs_resume_invoicing() == 1
    run.refresh_from_db()
    assert run.state == BillRun.State.REVIEWING
