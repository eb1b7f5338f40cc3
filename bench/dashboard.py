#!/usr/bin/env python
"""Bench the managers' overdue dashboard and the monthly response report (issue 7, R1.22) on PostgreSQL.

Makes sure the database of DATABASE_URL (default: ``brp_bench_responses``, shared with bench/queue.py)
holds the generated orders with their steps and deadlines (``manage.py generate_orders``; orders
generated before deadlines existed get them with ``--deadlines-only``), and the frozen per-month
deadline figures of the past months (``sla.services.month_stats_freeze``), then measures in-process,
through the full Django stack, as 网络监控中心's department manager:

* ``GET /dashboard/`` (page) and ``GET /dashboard/data/`` (the JSON it refreshes from), warm and cold:
  before every fifth request the cached on-time figures of the current month are dropped;
* building one month's report live (a month in the middle of the 12 generated ones, not frozen) and
  its Excel file.

Ends with ``RESULT dashboard_p95_ms=<n> report_s=<n>``. Targets: dashboard p95 ≤ 300 ms, report ≤ 5 s.

    .venv/bin/python bench/dashboard.py [--orders 1000000] [--requests 100]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Keep bench/ off the import path (bench/queue.py is named like the standard library's queue).
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from datetime import timedelta  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/brp_bench_responses")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.models import User  # noqa: E402
from responses.models import Order  # noqa: E402
from sla.models import Deadline, DeadlineMonthStat  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def row(name, times):
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    print(f"{name:<44} n={len(times):<4} p50={p50:7.1f} ms  p95={p95:7.1f} ms")
    return p95


def setup_people():
    """The organisation, limits, catalogue and the department manager the bench acts as."""
    from org.defaults import load_organisation
    from org.roles import Role, ensure_role_groups
    from responses.defaults import load_catalogue
    from sla.defaults import load_sla_defaults

    departments = load_organisation()
    groups = ensure_role_groups()
    load_sla_defaults()
    load_catalogue()
    user, _ = User.objects.get_or_create(username="jk_manager", defaults={"department": departments["nmc"]})
    user.groups.add(groups[Role.DEPT_MANAGER])
    return user


def ensure_data(orders: int):
    from sla.services import month_stats_freeze

    have = Order.objects.filter(number__startswith="G").count()
    if have < orders:
        print(f"generating {orders - have} orders (have {have}) …", flush=True)
        start = time.monotonic()
        call_command("generate_orders", orders=orders - have)
        print(f"generated in {time.monotonic() - start:.0f} s", flush=True)
    order_ct = ContentType.objects.get_for_model(Order)
    with_deadlines = Deadline.objects.filter(content_type=order_ct).count()
    submitted = Order.objects.filter(number__startswith="G", submitted_at__isnull=False).count()
    if with_deadlines < submitted:
        print(f"creating deadlines ({with_deadlines} of {submitted} orders have them) …", flush=True)
        start = time.monotonic()
        call_command("generate_orders", deadlines_only=True)
        print(f"deadlines created in {time.monotonic() - start:.0f} s", flush=True)
    # Index-only scans for the dashboard's covering indexes need the visibility map (autovacuum's job
    # in production; quick when nothing changed).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE sla_deadline")
    # The trend's past months come from the frozen figures (written at month close).
    month = timezone.localdate().replace(day=1)
    for _ in range(11):
        month = (month - timedelta(days=1)).replace(day=1)
        if not DeadlineMonthStat.objects.filter(month=month).exists():
            start = time.monotonic()
            month_stats_freeze(month=month)
            print(f"froze the deadline figures of {month:%Y-%m} in {time.monotonic() - start:.1f} s", flush=True)


def timed(client, url, n, cold_every):
    """(warm, cold) response times in ms; the current month's cached figures dropped every ``cold_every``."""
    key = f"sla:on-time:{timezone.localdate():%Y-%m}"
    warm, cold = [], []
    for i in range(n):
        is_cold = i % cold_every == 0
        if is_cold:
            cache.delete(key)
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
        (cold if is_cold else warm).append(elapsed)
    return warm, cold


def bench_report():
    """Build one month's report live (the middle of the generated year) and its Excel file."""
    from responses.exports import report_workbook
    from responses.selectors import month_report_live

    month = timezone.localdate().replace(day=1)
    for _ in range(6):
        month = (month - timedelta(days=1)).replace(day=1)
    start = time.perf_counter()
    report = month_report_live(year=month.year, month=month.month)
    built = time.perf_counter() - start
    workbook = report_workbook(report)
    total = time.perf_counter() - start
    handled = sum(r["handled"] for r in report.handled if r["level"] == "total")
    print(
        f"report {month:%Y-%m} (live): {handled} steps handled, {len(report.handled)} rows, "
        f"{len(report.downgrades)} downgrades, {sum(r['count'] for r in report.unused_circuits)} unused circuits"
    )
    print(f"{'report built':<44} {built:7.2f} s")
    print(f"{'report + Excel file':<44} {total:7.2f} s  ({len(workbook) / 1024:.0f} KiB)")
    return total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/dashboard.py needs PostgreSQL: set DATABASE_URL")
    dbname = connection.settings_dict["NAME"]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", dbname], capture_output=True, check=False)
    # Only what this bench needs (other apps' migrations are not its business).
    for app in ("contenttypes", "auth", "sessions", "axes", "accounts", "sla", "billing", "responses"):
        call_command("migrate", app, verbosity=0)
    manager = setup_people()
    ensure_data(args.orders)
    open_deadlines = Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES).count()
    print(
        f"orders: {Order.objects.count()}  deadlines: {Deadline.objects.count()} ({open_deadlines} open)  (DB {dbname})"
    )
    setup_test_environment()  # DEBUG off, 'testserver' allowed

    client = Client()
    client.force_login(manager)
    n = args.requests
    for url in ("/dashboard/", "/dashboard/data/"):
        timed(client, url, 3, 1)  # warm up
    worst = 0.0
    for url in ("/dashboard/", "/dashboard/data/"):
        warm, cold = timed(client, url, n, 5)
        row(f"{url} warm", warm)
        row(f"{url} cold (figures recomputed)", cold)
        worst = max(worst, row(f"{url} all", warm + cold))
    report_s = bench_report()
    print(f"RESULT dashboard_p95_ms={worst:.1f} report_s={report_s:.2f}")


if __name__ == "__main__":
    main()
