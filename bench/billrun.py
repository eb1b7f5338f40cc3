#!/usr/bin/env python
"""Bench a full bill run (B4.2, B4.4) on PostgreSQL.

Seeds 100,000 active services (one customer each) on the database of DATABASE_URL,
takes the run of three months back through check and four-eyes verification, then times the
invoicing step (the same service the Celery task runs, in chunks with progress)
and the peak memory of this process. Prints a short table and ends with
``RESULT invoices_per_s=<n> peak_rss_mb=<n>``. Run with .venv/bin/python bench/billrun.py
"""

import os
import resource
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py is named like the standard library's queue: keep this folder off the import path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/brp")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from billing import services  # noqa: E402
from billing.models import Adjustment, BillRun, Customer, Invoice, InvoiceLine, Service  # noqa: E402
from billing.services import invoicing  # noqa: E402
from org.models import User  # noqa: E402
from org.roles import Role  # noqa: E402
from sla.models import Deadline  # noqa: E402
from sla.validators import add_months  # noqa: E402

N = int(os.environ.get("BENCH_SERVICES", 100_000))
# Three months back: the demo (seed_demo) publishes the runs of the two months before this one.
PERIOD = add_months(date.today().replace(day=1), -3)
PREFIX = "BENCH"


def cleanup():
    runs = BillRun.objects.filter(period=PERIOD)
    InvoiceLine.objects.filter(invoice__run__in=runs).delete()
    Invoice.objects.filter(run__in=runs).delete()
    Adjustment.objects.filter(customer__code__startswith=PREFIX).delete()
    Deadline.objects.filter(kind=services.ANNOUNCEMENT_KIND, object_id__in=runs.values("pk")).delete()
    runs.delete()
    Service.objects.filter(code__startswith=PREFIX).delete()
    Customer.objects.filter(code__startswith=PREFIX).delete()


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/billrun.py needs PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    if Invoice.objects.filter(run__period=PERIOD, state="published").exists():
        sys.exit("the bench month already has published invoices in this database; use an empty database")
    cleanup()
    t = time.monotonic()
    call_command("seed_services", services=N, prefix=PREFIX, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_s = time.monotonic() - t
    billable = Customer.objects.filter(code__startswith=PREFIX).count()
    all_billable = invoicing._billable_customers(PERIOD).count()

    operator = User.objects.filter(groups__name=Role.IT_OPERATOR, department__code="it").first()
    second = User.objects.create_user("bench_verifier", department=operator.department)
    second.groups.add(*operator.groups.all())
    try:
        run = services.bill_run_schedule(period=PERIOD)
        run = services.bill_run_start_check(run=run, by=operator)
        run = services.bill_run_sign_check(run=run, by=operator, checklist={c: True for c, _ in services.CHECKLIST})
        run = services.bill_run_finish_preprocessing(run=run, by=operator)
        BillRun.objects.filter(pk=run.pk).update(state=BillRun.State.INVOICING, verified_by=second)  # no task queued
        run.refresh_from_db()
        t = time.monotonic()
        created = services.bill_run_generate_invoices(run=run)
        elapsed = time.monotonic() - t
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        lines = InvoiceLine.objects.filter(invoice__run=run).count()
        run.refresh_from_db()
    finally:
        cleanup()
        User.objects.filter(username="bench_verifier").delete()

    rate = created / elapsed
    print(f"{'database':<30} {settings.DATABASES['default']['NAME']} (PostgreSQL)")
    print(f"{'services seeded':<30} {N:,} for {billable:,} customers in {seed_s:.1f} s")
    print(f"{'billable customers (all)':<30} {all_billable:,}")
    print(f"{'invoices / lines created':<30} {created:,} / {lines:,} in chunks of {services.CHUNK}")
    print(f"{'run state after invoicing':<30} {run.state} (progress {run.progress_done}/{run.progress_total})")
    print(f"{'invoicing time':<30} {elapsed:.1f} s")
    print(f"{'invoices per second':<30} {rate:,.0f}")
    print(f"{'peak RSS of the process':<30} {peak_mb:.0f} MB")
    print(f"RESULT invoices_per_s={rate:.0f} peak_rss_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
