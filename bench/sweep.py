#!/usr/bin/env python
"""Bench the deadline sweeper (issue: foundation, SPEC S5.1).

Seeds 100,000 pending deadlines on the database of DATABASE_URL (PostgreSQL),
makes 10,000 of them due at one instant, and lets one real Celery worker (fed by
beat over the broker of CELERY_BROKER_URL, Redis by default) fire them. Prints
escalations fired per second and the due→fired latency, then one line
``RESULT escalations_per_s=<n> p50_s=<n> p99_s=<n>``.

Run with the project's virtual environment:  .venv/bin/python bench/sweep.py
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
os.environ["CELERY_QUEUE"] = f"brp-bench-{os.getpid()}"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from org.models import Department  # noqa: E402
from org.roles import Role  # noqa: E402
from sla.models import Deadline, DeadlineEvent, EscalationLadder, EscalationRung, Notification  # noqa: E402

TOTAL, DUE, KIND = 100_000, 10_000, "bench-sweep"


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def cleanup():
    Notification.objects.filter(event__deadline__kind=KIND).delete()
    Deadline.objects.filter(kind=KIND).delete()


def main():
    if connection.vendor != "postgresql":
        sys.exit("bench/sweep.py needs PostgreSQL: set DATABASE_URL")
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    ladder, _ = EscalationLadder.objects.get_or_create(code="bench-ladder", defaults={"name": "bench"})
    EscalationRung.objects.get_or_create(
        ladder=ladder, position=1,
        defaults={"offset": timedelta(0), "label": "supervisor", "notify_role": Role.SUPERVISOR, "channels": ["inapp"]},
    )  # fmt: skip
    cleanup()
    t = time.monotonic()
    call_command("seed_deadlines", total=TOTAL, kind=KIND, ladder="bench-ladder", stdout=open(os.devnull, "w"))  # noqa: SIM115
    seed_s = time.monotonic() - t
    supervisors = Department.objects.filter(side="back", members__groups__name=Role.SUPERVISOR).distinct().count()

    env = dict(os.environ, LOG_LEVEL="WARNING")
    with tempfile.TemporaryDirectory() as tmp:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--concurrency=1", "--loglevel=WARNING",
             f"--queues={os.environ['CELERY_QUEUE']}", "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING", f"--schedule={tmp}/beat"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(4)  # let worker and beat start
            due_at = timezone.now() + timedelta(seconds=2)
            ids = list(Deadline.objects.filter(kind=KIND).order_by("id").values_list("id", flat=True)[:DUE])
            Deadline.objects.filter(id__in=ids).update(started_at=due_at, next_fire_at=due_at)
            stop_at = time.monotonic() + 180
            while DeadlineEvent.objects.filter(deadline__kind=KIND).count() < DUE and time.monotonic() < stop_at:
                time.sleep(0.05)
            all_fired_at = timezone.now()
        finally:
            for process in (beat, worker):
                process.terminate()
            for process in (beat, worker):
                process.wait(timeout=30)

    events = list(DeadlineEvent.objects.filter(deadline__kind=KIND).values_list("due_at", "fired_at"))
    if len(events) < DUE:
        sys.exit(f"only {len(events)} of {DUE} escalations fired within 180 s")
    delays = [(fired - due).total_seconds() for due, fired in events]
    first_fired = min(fired for _, fired in events)
    busy_s = max((all_fired_at - first_fired).total_seconds(), 1e-6)
    rate = len(events) / busy_s
    notes = Notification.objects.filter(event__deadline__kind=KIND).count()
    p50, p99 = statistics.median(delays), percentile(delays, 0.99)
    cleanup()

    print(f"{'database':<34} {settings.DATABASES['default']['NAME']} (PostgreSQL)")
    print(f"{'broker':<34} {settings.CELERY_BROKER_URL}")
    print(f"{'pending deadlines seeded':<34} {TOTAL:,} in {seed_s:.1f} s")
    print(f"{'due at one instant':<34} {DUE:,}")
    print(f"{'sweep interval / batch':<34} {settings.SLA_SWEEP_INTERVAL:g} s / {settings.SLA_SWEEP_BATCH}")
    print(f"{'workers':<34} 1 (concurrency 1)")
    print(f"{'escalations fired':<34} {len(events):,} ({notes:,} in-app notices to {supervisors} supervisors)")
    print(f"{'time from first to last fired':<34} {busy_s:.2f} s")
    print(f"{'escalations per second':<34} {rate:,.0f}")
    print(f"{'due→fired p50 / p99 / max':<34} {p50:.2f} s / {p99:.2f} s / {max(delays):.2f} s")
    print(f"RESULT escalations_per_s={rate:.0f} p50_s={p50:.2f} p99_s={p99:.2f}")


if __name__ == "__main__":
    main()
