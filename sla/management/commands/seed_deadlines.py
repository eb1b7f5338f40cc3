"""Generate a realistic volume of pending deadlines (for benches)."""

from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from org.models import Department
from sla.models import Deadline, EscalationLadder, SlaPolicy


class Command(BaseCommand):
    help = "Create --total pending deadlines of --kind (default 100,000), none due yet."

    def add_arguments(self, parser):
        parser.add_argument("--total", type=int, default=100_000)
        parser.add_argument("--kind", default="bench-sweep")
        parser.add_argument("--ladder", default="", help="code of the escalation ladder to attach")
        parser.add_argument("--replace", action="store_true", help="delete earlier deadlines of --kind first")

    @transaction.atomic
    def handle(self, *args, total, kind, ladder, replace, **options):
        if replace:
            Deadline.objects.filter(kind=kind).delete()
        ladder_obj = EscalationLadder.objects.get(code=ladder) if ladder else None
        SlaPolicy.objects.get_or_create(kind=kind, level="-", defaults={"duration": timedelta(days=1)})
        departments = list(Department.objects.filter(side=Department.Side.BACK))
        ct = ContentType.objects.get_for_model(Department)
        now = timezone.now()
        rows = []
        for i in range(total):
            dept = departments[i % len(departments)]
            # Spread over the coming 30 days, so the index holds a realistic mix.
            due = now + timedelta(days=1, seconds=(i * 26) % (30 * 86400))
            rows.append(
                Deadline(
                    content_type=ct, object_id=dept.pk, title=f"Bench deadline {i}", kind=kind,
                    assessed_department=dept, ladder=ladder_obj, started_at=now, due_at=due, next_fire_at=due,
                )
            )  # fmt: skip
        Deadline.objects.bulk_create(rows, batch_size=5000)
        self.stdout.write(f"created {total} deadlines of kind {kind}")
