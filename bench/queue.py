#!/usr/bin/env python
"""Bench the business-response queues and order creation (issue 3) on PostgreSQL.

Makes sure the database of DATABASE_URL (default: its own ``brp_bench_responses``) holds
1,000,000 generated orders with their steps (``manage.py generate_orders``; done once, kept),
then measures in-process, through the full Django stack (middleware, auth, DRF, templates):

* the back-office queue API (``GET /api/v1/steps/``) and page (``/orders/queue/``) of 网络监控中心;
* the order list API with filters (state, level, overdue, key flags, department, due before);
* order creation through the API with token authentication, sequential, 500 orders;
* that a list request makes the same number of SQL queries whatever the page size.

Ends with ``RESULT api_p95_ms=<n> page_p95_ms=<n> list_p95_ms=<n> create_per_s=<n>``.
Targets: API p95 ≤ 100 ms, page p95 ≤ 200 ms, ≥ 150 orders created per second.

    .venv/bin/python bench/queue.py [--orders 1000000] [--requests 200]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py is named like the standard library's queue: keep this folder off the import path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/brp_bench_responses")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.services import api_token_issue  # noqa: E402
from billing.models import Customer  # noqa: E402
from org.models import User  # noqa: E402
from responses.models import Order  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def timed(client, urls, n, **extra):
    times = []
    for i in range(n):
        url = urls[i % len(urls)]
        start = time.perf_counter()
        response = client.get(url, **extra)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return times


def report(name, times):
    p50, p95 = percentile(times, 0.5), percentile(times, 0.95)
    print(f"{name:<34} n={len(times):<4} p50={p50:7.1f} ms  p95={p95:7.1f} ms")
    return p95


def setup_people():
    """The organisation, limits, catalogue and the three users the bench acts as (no other app's demo data)."""
    from org.defaults import load_organisation
    from org.roles import Role, ensure_role_groups
    from responses.defaults import load_catalogue
    from sla.defaults import load_sla_defaults

    departments = load_organisation()
    groups = ensure_role_groups()
    load_sla_defaults()
    load_catalogue()
    for username, dept, role in (
        ("jk_member", "nmc", Role.BACK_MEMBER),
        ("dispatcher", "center", Role.DISPATCHER),
        ("zq_admin", "gov_enterprise", Role.FRONT_ADMIN),
    ):
        user, _ = User.objects.get_or_create(username=username, defaults={"department": departments[dept]})
        user.groups.add(groups[role])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/queue.py needs PostgreSQL: set DATABASE_URL")
    dbname = connection.settings_dict["NAME"]
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", dbname], capture_output=True, check=False)
    # Only what this bench needs (other apps' migrations are not its business).
    for app in ("contenttypes", "auth", "sessions", "axes", "accounts", "sla", "responses"):
        call_command("migrate", app, verbosity=0)
    setup_people()
    have = Order.objects.filter(number__startswith="G").count()
    if have < args.orders:
        print(f"generating {args.orders - have} orders (have {have}) …", flush=True)
        start = time.monotonic()
        call_command("generate_orders", orders=args.orders - have)
        print(f"generated in {time.monotonic() - start:.0f} s", flush=True)
    print(f"orders: {Order.objects.count()}  (DB {dbname})")
    setup_test_environment()  # DEBUG off, 'testserver' allowed

    member, dispatcher, front = (User.objects.get(username=u) for u in ("jk_member", "dispatcher", "zq_admin"))
    back_client, center_client, front_client = Client(), Client(), Client()
    back_client.force_login(member)
    center_client.force_login(dispatcher)
    front_client.force_login(front)
    soon = timezone.now().isoformat().replace("+", "%2B")
    list_urls = [
        "/api/v1/orders/?state=in_progress&level=A",
        "/api/v1/orders/?overdue=true&key=true",
        "/api/v1/orders/?state=submitted&state=accepted&department=gov_enterprise",
        f"/api/v1/orders/?due_before={soon}&state=in_progress&ordering=due_at",
        "/api/v1/orders/?level=B&is_key_customer=true&state=in_progress",
    ]
    n = args.requests
    timed(back_client, ["/api/v1/steps/"], 5)  # warm up
    api_p95 = report("queue API  /api/v1/steps/", timed(back_client, ["/api/v1/steps/"], n))
    page_p95 = report("queue page /orders/queue/", timed(back_client, ["/orders/queue/"], n // 2))
    list_p95 = report("order list API with filters", timed(center_client, list_urls, n))
    report("front list /api/v1/orders/ (own dept)", timed(front_client, ["/api/v1/orders/?state=in_progress"], n // 2))

    # A fixed number of queries whatever the page size.
    counts = {}
    for size in (5, 50):
        with CaptureQueriesContext(connection) as queries:
            back_client.get(f"/api/v1/steps/?page_size={size}")
            center_client.get(f"/api/v1/orders/?state=in_progress&page_size={size}")
        counts[size] = len(queries.captured_queries)
    print(f"queries per (queue + list) request: page size 5 → {counts[5]}, 50 → {counts[50]}")
    assert counts[5] == counts[50], counts

    api = Client(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=front, name='bench')}")
    customer = Customer.objects.filter(code__startswith="GEN-").first()
    body = {
        "customer": customer.pk,
        "business_type": "phone",
        "quantity": 1,
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "bench",
    }
    start = time.perf_counter()
    for _ in range(500):
        response = api.post("/api/v1/orders/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]
    create_per_s = 500 / (time.perf_counter() - start)
    print(f"order creation via API (token, sequential): {create_per_s:.0f} orders/s")
    Order.objects.filter(description="bench", state="draft").delete()
    reset_queries()
    print(
        f"RESULT api_p95_ms={api_p95:.1f} page_p95_ms={page_p95:.1f} list_p95_ms={list_p95:.1f} "
        f"create_per_s={create_per_s:.0f}"
    )


if __name__ == "__main__":
    main()
