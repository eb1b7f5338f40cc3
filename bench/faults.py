#!/usr/bin/env python
"""Bench the fault escalation ladder (issue 4, SPEC F2.3 / S5.1).

Seeds 100,000 open fault tickets, each with its repair deadline on the
5/15/30-minute ladder and its 30-minute broadcast deadline, on the PostgreSQL
of DATABASE_URL. While a real Celery
worker and beat (over the broker of CELERY_BROKER_URL, Redis by default, on a
queue of their own) run the sweeper and the faults hook, the first rung of
20,000 of those tickets comes due over 30 seconds (the other 80,000 stay
open and pending). Prints how late the rungs fired after their due time and
ends with ``RESULT ladder_p50_s=<n> ladder_p99_s=<n>`` (target p99 ≤ 10 s).

Run with the project's virtual environment:  .venv/bin/python bench/faults.py
Everything it creates is removed at the end, except the audit entries the hook
writes (the audit trail is append-only by design).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/queue.py is named like the standard library's queue: keep this folder off the import path.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/brp")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["CELERY_QUEUE"] = f"brp-bench-faults-{os.getpid()}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from billing.models import Service  # noqa: E402
from faults.models import FaultNotice, FaultTicket  # noqa: E402
from org.models import Department  # noqa: E402
from sla.models import Deadline, DeadlineEvent, EscalationLadder, Notification, SlaPolicy  # noqa: E402

TOTAL, DUE, WINDOW_S = 100_000, 20_000, 30
TAG = "bench-faults"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bench_deadlines():
    ct = ContentType.objects.get_for_model(FaultTicket)
    return Deadline.objects.filter(content_type=ct, kind="fault-repair", title__startswith=TAG)


def cleanup():
    deadlines = Deadline.objects.filter(title__startswith=TAG)
    Notification.objects.filter(event__deadline__in=deadlines).delete()
    deadlines.delete()
    tickets = FaultTicket.objects.filter(title__startswith=TAG)
    FaultNotice.objects.filter(ticket__in=tickets).delete()
    tickets.delete()


def seed(now):
    """100,000 open tickets with their repair deadlines, in bulk (the service path is per ticket)."""
    nmc = Department.objects.get(code="nmc")
    service = Service.objects.order_by("id").first()
    policy = SlaPolicy.objects.get(kind="fault-repair", level="A")
    ladder = EscalationLadder.objects.get(code="fault-5-15-30")
    first_rung = ladder.rungs.order_by("position").first()
    ct = ContentType.objects.get_for_model(FaultTicket)
    with transaction.atomic():
        tickets = FaultTicket.objects.bulk_create(
            [
                FaultTicket(
                    title=f"{TAG} {i}",
                    description="bench",
                    category="line",
                    service=service,
                    level="A",
                    handling_department=nmc,
                    reporter_name="bench",
                    reported_at=now,
                )
                for i in range(TOTAL)
            ],
            batch_size=5000,
        )
        Deadline.objects.bulk_create(
            [
                Deadline(
                    content_type=ct,
                    object_id=t.pk,
                    title=f"{TAG} {t.pk}",
                    kind="fault-repair",
                    level="A",
                    assessed_department=nmc,
                    ladder=ladder,
                    notify_roles=policy.notify_roles,
                    started_at=now,
                    due_at=now + policy.duration,
                    warn_at=now + policy.duration - policy.warn_before,
                    next_fire_at=now + first_rung.offset,
                )
                for t in tickets
            ],
            batch_size=5000,
        )
        broadcast = SlaPolicy.objects.get(kind="fault-broadcast", level="-")
        Deadline.objects.bulk_create(
            [
                Deadline(
                    content_type=ct,
                    object_id=t.pk,
                    title=f"{TAG} broadcast {t.pk}",
                    kind="fault-broadcast",
                    assessed_department=nmc,
                    started_at=now,
                    due_at=now + broadcast.duration,
                    next_fire_at=now + broadcast.duration,
                )
                for t in tickets
            ],
            batch_size=5000,
        )
    return first_rung.offset


def make_due(first_offset, t0):
    """The first rung of DUE tickets comes due evenly over WINDOW_S seconds from t0."""
    ids = list(bench_deadlines().order_by("id").values_list("id", flat=True)[:DUE])
    with connection.cursor() as cursor:
        cursor.execute(
            f"""UPDATE {Deadline._meta.db_table} AS d
                SET started_at = %s::timestamptz - %s::interval + (v.n * %s::float / %s) * interval '1 second',
                    next_fire_at = %s::timestamptz + (v.n * %s::float / %s) * interval '1 second'
                FROM unnest(%s::bigint[]) WITH ORDINALITY AS v(id, n)
                WHERE d.id = v.id""",
            [t0, first_offset, WINDOW_S, DUE, t0, WINDOW_S, DUE, ids],
        )


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/faults.py needs PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    cleanup()
    t = time.monotonic()
    first_offset = seed(timezone.now())
    seed_s = time.monotonic() - t

    env = dict(os.environ, LOG_LEVEL="WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "--loglevel=WARNING",
             f"--queues={os.environ['CELERY_QUEUE']}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING", f"--schedule={tmp}/beat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(4)  # let worker and beat start
            t0 = timezone.now() + timedelta(seconds=2)
            make_due(first_offset, t0)
            events = DeadlineEvent.objects.filter(deadline__in=bench_deadlines())
            stop_at = time.monotonic() + WINDOW_S + 150
            while events.count() < DUE and time.monotonic() < stop_at:
                time.sleep(0.5)
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                process.wait(timeout=30)

    rows = list(DeadlineEvent.objects.filter(deadline__in=bench_deadlines()).values_list("due_at", "fired_at"))
    if len(rows) < DUE:
        cleanup()
        sys.exit(f"only {len(rows)} of {DUE} rungs fired")
    late = [(fired - due).total_seconds() for due, fired in rows]
    escalated = bench_deadlines().filter(escalated_to_role="supervisor").count()
    still_open = FaultTicket.objects.filter(title__startswith=TAG, state="reported").count()
    notes = Notification.objects.filter(event__deadline__in=bench_deadlines()).count()
    p50, p99 = statistics.median(late), percentile(late, 0.99)
    cleanup()

    print(f"{'database':<36} {settings.DATABASES['default']['NAME']} (PostgreSQL)")
    print(f"{'broker':<36} {settings.CELERY_BROKER_URL}")
    print(f"{'open tickets seeded':<36} {TOTAL:,} in {seed_s:.1f} s ({still_open:,} open at the end)")
    print(f"{'first rungs due':<36} {DUE:,} over {WINDOW_S} s")
    print(f"{'sweep interval / batch':<36} {settings.SLA_SWEEP_INTERVAL:g} s / {settings.SLA_SWEEP_BATCH}")
    print(f"{'workers':<36} 1 (concurrency 2) + beat")
    print(f"{'rungs fired / notices':<36} {len(rows):,} / {notes:,}")
    print(f"{'tickets showing the escalation':<36} {escalated:,}")
    print(f"{'fired late p50 / p99 / max':<36} {p50:.2f} s / {p99:.2f} s / {max(late):.2f} s")
    print(f"RESULT ladder_p50_s={p50:.2f} ladder_p99_s={p99:.2f}")


if __name__ == "__main__":
    main()
